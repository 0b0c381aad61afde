"""ROME job titles ("appellations"): unix_referentiel_appellation_v347_utf8.csv.

Columns: code_ogr, libelle_appellation_long, libelle_appellation_court, code_rome,
code_type_section_appellation, libelle_type_section_appellation, statut.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from pathlib import Path

from shared.referential.parsers.common import clean_label, read_rows, rome_code
from shared.referential.parsers.report import ParseReport
from shared.referential.records import JobTitleRecord

FILE_NAME = "unix_referentiel_appellation_v347_utf8.csv"


def parse_job_titles(
    path: Path, report: ParseReport | None = None, known_rome_codes: Collection[str] | None = None
) -> Iterator[JobTitleRecord]:
    """Titles of job groups in `known_rome_codes` when given (others are skipped as unknown)."""
    report = report if report is not None else ParseReport(path.name)
    seen: set[str] = set()
    for line, row in read_rows(path):
        report.read += 1
        code_ogr = row.get("code_ogr", "")
        code = rome_code(row.get("code_rome", ""))
        name = clean_label(row.get("libelle_appellation_long", ""))
        if not code_ogr.isdigit():
            report.skip("bad code OGR", line)
        elif code is None:
            report.skip("bad ROME code", line)
        elif known_rome_codes is not None and code not in known_rome_codes:
            report.skip("unknown job group", line)
        elif not name:
            report.skip("missing name", line)
        elif row.get("statut", "1") != "1":
            report.skip("inactive", line)
        elif code_ogr in seen:
            report.skip("duplicate", line)
        else:
            seen.add(code_ogr)
            report.kept += 1
            short_name = clean_label(row.get("libelle_appellation_court", "")) or name
            yield JobTitleRecord(code_ogr=code_ogr, name=name, short_name=short_name, rome_code=code)
