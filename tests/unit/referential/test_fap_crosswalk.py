from __future__ import annotations

from pathlib import Path

from shared.referential.parsers import fap_crosswalk
from shared.referential.parsers.report import ParseReport
from shared.referential.records import FapMapping


def test_crosswalk_reads_latin1_sas_formats(rome_dir: Path) -> None:
    report = ParseReport("fap")
    mappings = list(fap_crosswalk.parse_fap_crosswalk(rome_dir / fap_crosswalk.FILE_NAME, report))

    assert report.skipped_total == 0
    assert FapMapping("A1101", "A0Z43", fap_crosswalk.DIRECT_WEIGHT) in mappings
    # D1501 goes to R0Z60 for qualifications 0–6 and to R2Z83 for 7–9.
    assert FapMapping("D1501", "R0Z60", 7) in mappings
    assert FapMapping("D1501", "R2Z83", 3) in mappings


def test_each_job_group_gets_its_main_family(rome_dir: Path) -> None:
    by_fap = fap_crosswalk.rome_codes_by_fap(fap_crosswalk.parse_fap_crosswalk(rome_dir / fap_crosswalk.FILE_NAME))

    assert by_fap["R0Z60"] == ["D1501", "D1507"]
    assert by_fap["R2Z83"] == ["D1403", "D1404"]
    all_codes = [code for codes in by_fap.values() for code in codes]
    assert len(all_codes) == len(set(all_codes))


def test_crosswalk_handles_crlf_latin1_and_bad_entries(tmp_path: Path) -> None:
    path = tmp_path / "passage.txt"
    text = (
        "/* table de correspondance : métiers */\r\n"
        "proc format ;\r\n"
        "value  $FAP9RSQ\r\n"
        '"A1101","A1102"  =\t"A0Z43"\r\n'
        '"XXXXX"  = "A0Z43"\r\n'
        ' Other = "ZZZZZ";\r\n'
        "value  $FAP9RAQ\r\n"
        '"D15010","D15011" = "R0Z60"\r\n'
    )
    path.write_bytes(text.encode("iso-8859-1"))
    report = ParseReport(path.name)

    mappings = list(fap_crosswalk.parse_fap_crosswalk(path, report))

    assert mappings == [
        FapMapping("A1101", "A0Z43", 10),
        FapMapping("A1102", "A0Z43", 10),
        FapMapping("D1501", "R0Z60", 2),
    ]
    assert report.skipped == {"bad crosswalk entry": 1}
