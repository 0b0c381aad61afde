"""ROME job groups: unix_referentiel_code_rome_v347_utf8.csv.

Columns: code_rome, code_fiche_em, code_ogr, libelle_rome, statut (1 = active). Labels escape "'" as "''".
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from shared.referential.parsers.common import clean_label, read_rows, rome_code
from shared.referential.parsers.report import ParseReport
from shared.referential.records import JobGroupRecord

FILE_NAME = "unix_referentiel_code_rome_v347_utf8.csv"


def parse_job_groups(path: Path, report: ParseReport | None = None) -> Iterator[JobGroupRecord]:
    report = report if report is not None else ParseReport(path.name)
    seen: set[str] = set()
    for line, row in read_rows(path):
        report.read += 1
        code = rome_code(row.get("code_rome", ""))
        name = clean_label(row.get("libelle_rome", ""))
        if code is None:
            report.skip("bad ROME code", line)
        elif not name:
            report.skip("missing name", line)
        elif row.get("statut", "1") != "1":
            report.skip("inactive", line)
        elif code in seen:
            report.skip("duplicate", line)
        else:
            seen.add(code)
            report.kept += 1
            yield JobGroupRecord(rome_code=code, name=name, code_ogr=row.get("code_ogr", ""))
