from __future__ import annotations

from pathlib import Path

from shared.referential.parsers import insee_geo
from shared.referential.parsers.common import departement_id
from shared.referential.parsers.report import ParseReport


def test_regions(geo_dir: Path) -> None:
    report = ParseReport("regions")
    regions = list(insee_geo.parse_regions(geo_dir / insee_geo.REGIONS_FILE, report))

    assert len(regions) == 18
    assert report.skipped_total == 0
    names = {region.region_id: region.name for region in regions}
    assert names["04"] == "La Réunion"  # display name, UTF-8, CRLF stripped
    assert names["11"] == "Île-de-France"


def test_departements(geo_dir: Path) -> None:
    regions = {region.region_id for region in insee_geo.parse_regions(geo_dir / insee_geo.REGIONS_FILE)}
    report = ParseReport("departements")

    deps = list(insee_geo.parse_departements(geo_dir / insee_geo.DEPARTEMENTS_FILE, report, regions))

    assert len(deps) == 101
    assert report.skipped_total == 0
    by_id = {dep.departement_id: dep for dep in deps}
    assert {"01", "2A", "2B", "971", "976"} <= set(by_id)
    assert "20" not in by_id
    assert (by_id["31"].name, by_id["31"].region_id) == ("Haute-Garonne", "76")
    assert not any(name.endswith("\r") for name in (dep.name for dep in deps))


def test_departements_skip_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "deps.tsv"
    rows = [
        "REGION\tDEP\tCHEFLIEU\tTNCC\tNCC\tNCCENR",
        "84\t01\t01053\t5\tAIN\tAin",
        "84\t000\t00000\t0\tNOWHERE\tNowhere",
        "99\t02\t02408\t5\tAISNE\tAisne",
        "X\t03\t03190\t5\tALLIER\tAllier",
        "84\t01\t01053\t5\tAIN\tAin",
    ]
    path.write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    report = ParseReport(path.name)

    deps = list(insee_geo.parse_departements(path, report, known_regions={"84"}))

    assert [dep.departement_id for dep in deps] == ["01"]
    assert report.skipped == {"bad département code": 1, "unknown region": 1, "bad region code": 1, "duplicate": 1}


def test_departement_codes_are_normalised() -> None:
    assert departement_id("2") == "02"
    assert departement_id(" 2a ") == "2A"
    assert departement_id("974") == "974"
    assert departement_id("000") is None
    assert departement_id("20") is None
    assert departement_id("") is None
