from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from shared.referential.parsers import (
    imt_application_modes,
    imt_bmo,
    imt_employment_types,
    imt_market_score,
    imt_monthly_tension,
    imt_salaries,
)
from shared.referential.parsers.common import KnownCodes
from shared.referential.parsers.report import ParseReport

TODAY = dt.date(2026, 1, 1)


def test_market_scores_keep_departement_rows_only(imt_dir: Path) -> None:
    report = ParseReport("scores")
    scores = list(imt_market_score.parse_market_scores(imt_dir / imt_market_score.FILE_NAME, report))

    assert (report.read, report.kept) == (27, 20)
    # "XXXXX" job group, an empty TENSION_RATIO, the region row and the four "000" France-wide rows.
    assert report.skipped == {"bad ROME code": 1, "missing value": 1, "not a département row": 5}
    ratios = {(score.departement_id, score.rome_code): score.offers_per_10_candidates for score in scores}
    assert ratios[("09", "F1702")] == 9
    assert ratios[("10", "F1401")] == 0  # no offers at all is kept: it is not missing data
    assert ratios[("972", "D1501")] == 0
    assert all(score.source == imt_market_score.SOURCE for score in scores)


def test_market_scores_skip_unknown_codes(imt_dir: Path) -> None:
    report = ParseReport("scores")
    known = KnownCodes(rome_codes=None, departements={"09", "10", "12", "22", "45", "85", "94"})

    scores = list(imt_market_score.parse_market_scores(imt_dir / imt_market_score.FILE_NAME, report, known))

    assert report.skipped["unknown département"] == 1  # 972
    assert len(scores) == 19


def test_market_scores_skip_non_numeric_and_negative(tmp_path: Path) -> None:
    header = "AREA_CODE,AREA_TYPE_CODE,ROME_PROFESSION_CARD_CODE,TENSION_RATIO"
    path = tmp_path / "market_score.csv"
    path.write_text(f"{header}\n31,D,M1607,abc\n31,D,M1608,-1\n31,D,M1609,4.5\n31,D,M1609,5\n", encoding="utf-8")
    report = ParseReport(path.name)

    scores = list(imt_market_score.parse_market_scores(path, report))

    assert [(s.rome_code, s.offers_per_10_candidates) for s in scores] == [("M1609", 4.5)]
    assert report.skipped == {"non-numeric value": 1, "negative value": 1, "duplicate": 1}


def test_monthly_figures_skip_future_months(imt_dir: Path) -> None:
    report = ParseReport("monthly")
    figures = list(imt_monthly_tension.parse_monthly_figures(imt_dir / imt_monthly_tension.FILE_NAME, report, TODAY))

    assert (report.read, report.kept) == (202, 168)
    assert report.skipped == {"bad or future month": 34}  # the "2051xx" rows
    assert {figure.month[:4] for figure in figures} == {"2011", "2012", "2013", "2014"}


def test_yearly_tension_uses_the_latest_twelve_months(imt_dir: Path) -> None:
    figures = imt_monthly_tension.parse_monthly_figures(imt_dir / imt_monthly_tension.FILE_NAME, today=TODAY)

    tensions = {
        (t.departement_id, t.rome_code): t.offers_per_10_candidates for t in imt_monthly_tension.yearly_tension(figures)
    }

    # A1101 in 2014: 12.83 offers for 35.01 candidates.
    assert tensions[("01", "A1101")] == pytest.approx(3.66)
    assert tensions[("01", "G1403")] == pytest.approx(5.84)  # a single month: 29 offers, 49.67 candidates
    assert len(tensions) == 6


def test_monthly_figures_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "IMT.csv"
    rows = ["dpt;ROME;off;de;mois", "000;A1101;1;2;201401", "01;XXXXX;1;2;201401", "01;A1101;n/a;2;201401",
            "01;A1101;1;2;201413", "01;A1101;-1;2;201401", "2;A1101;0;0;201401", "2A;A1101;1,5;3;201402"]  # fmt: skip
    path.write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    report = ParseReport(path.name)

    figures = list(imt_monthly_tension.parse_monthly_figures(path, report, TODAY))
    tensions = list(imt_monthly_tension.yearly_tension(figures, report))

    assert [(f.departement_id, f.offers) for f in figures] == [("02", 0.0), ("2A", 1.5)]
    assert [(t.departement_id, t.offers_per_10_candidates) for t in tensions] == [("2A", 5.0)]
    assert report.skipped == {
        "bad département code": 1,
        "bad ROME code": 1,
        "non-numeric value": 1,
        "bad or future month": 1,
        "negative value": 1,
        "no candidates over the year": 1,
    }


def test_application_modes_give_channels_per_family(imt_dir: Path) -> None:
    report = ParseReport("modes")
    modes = list(imt_application_modes.parse_application_modes(imt_dir / imt_application_modes.FILE_NAME, report))

    channels = imt_application_modes.channels_by_fap(modes)

    assert report.skipped_total == 0
    assert channels["R0Z60"] == {"SPONTANEOUS": 37.58, "AGENCY": 31.97, "NETWORK": 21.63, "OFFERS": 8.82}
    assert imt_application_modes.first_channel(channels["R2Z83"]) == "SPONTANEOUS"
    assert imt_application_modes.first_channel({}) is None
    assert imt_application_modes.first_channel({"NETWORK": 40, "AGENCY": 40}) == "AGENCY"  # ties: by name


def test_employment_types(imt_dir: Path) -> None:
    report = ParseReport("contracts")
    records = list(imt_employment_types.parse_employment_types(imt_dir / imt_employment_types.FILE_NAME, report))

    assert (report.kept, report.skipped_total) == (8, 0)
    assert {record.contract for record in records} == {"CDI", "CDD_SHORT", "CDD_LONG", "INTERIM"}
    interim = next(r for r in records if r.departement_id == "10" and r.contract == "INTERIM")
    assert (interim.rome_code, interim.offers, interim.percent_offers) == ("F1702", 28, 80)


def test_salaries_skip_undisclosed_figures(imt_dir: Path) -> None:
    report = ParseReport("salaries")
    salaries = list(imt_salaries.parse_salaries(imt_dir / imt_salaries.FILE_NAME, report))

    assert (report.read, report.kept) == (44, 37)
    assert report.skipped == {"undisclosed salary": 7}  # -1 (not enough data) and -2 (confidential)
    assert all(0 < salary.minimum <= salary.maximum for salary in salaries)


def test_bmo_pads_departements_and_skips_confidential_rows(imt_dir: Path) -> None:
    report = ParseReport("bmo")
    records = list(imt_bmo.parse_bmo(imt_dir / imt_bmo.FILE_NAME, report))

    assert (report.read, report.kept) == (12, 11)
    assert report.skipped == {"non-numeric value": 1}  # "*" = confidential
    assert records[0].departement_id == "02"
    assert records[0].seasonal_projects == 0  # empty means none
    assert {record.departement_id for record in records} == {"02", "971"}


def test_latin1_csv_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "application_modes.csv"
    text = (
        "APPLICATION_TYPE_CODE,APPLICATION_TYPE_NAME,APPLICATION_TYPE_ORDER,FAP_CODE,FAP_NAME,RECRUT_PERCENT\r\n"
        "R3,Candidature spontanée,1,R0Z60,Employés de libre service,37.58\r\n"
        "R9,Inconnu,2,R0Z60,Employés de libre service,1\r\n"
        "R1,Intermédiaires,3,R0Z60,Employés de libre service,150\r\n"
    )
    path.write_bytes(text.encode("iso-8859-1"))
    report = ParseReport(path.name)

    modes = list(imt_application_modes.parse_application_modes(path, report))

    assert [(mode.fap_code, mode.channel) for mode in modes] == [("R0Z60", "SPONTANEOUS")]
    assert report.skipped == {"unknown channel": 1, "non-numeric value": 1}
