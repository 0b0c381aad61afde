"""INSEE 2017 geography, tab-separated, CRLF.

insee_france_regions.tsv: REGION, CHEFLIEU, TNCC, NCC (upper case), NCCENR (display name).
insee_france_departements.tsv: REGION, DEP, CHEFLIEU, TNCC, NCC, NCCENR.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from pathlib import Path

from shared.referential.parsers.common import departement_id, read_rows
from shared.referential.parsers.report import ParseReport
from shared.referential.records import DepartementRecord, RegionRecord

REGIONS_FILE = "insee_france_regions.tsv"
DEPARTEMENTS_FILE = "insee_france_departements.tsv"
_REGION_ID = re.compile(r"^\d{2}$")


def parse_regions(path: Path, report: ParseReport | None = None) -> Iterator[RegionRecord]:
    report = report if report is not None else ParseReport(path.name)
    seen: set[str] = set()
    for line, row in read_rows(path, delimiter="\t"):
        report.read += 1
        region_id = row.get("REGION", "")
        name = row.get("NCCENR") or row.get("NCC", "")
        if not _REGION_ID.match(region_id):
            report.skip("bad region code", line)
        elif not name:
            report.skip("missing name", line)
        elif region_id in seen:
            report.skip("duplicate", line)
        else:
            seen.add(region_id)
            report.kept += 1
            yield RegionRecord(region_id=region_id, name=name, prefecture_city_code=row.get("CHEFLIEU", ""))


def parse_departements(
    path: Path, report: ParseReport | None = None, known_regions: Collection[str] | None = None
) -> Iterator[DepartementRecord]:
    report = report if report is not None else ParseReport(path.name)
    seen: set[str] = set()
    for line, row in read_rows(path, delimiter="\t"):
        report.read += 1
        dep_id = departement_id(row.get("DEP", ""))
        region_id = row.get("REGION", "")
        name = row.get("NCCENR") or row.get("NCC", "")
        if dep_id is None:
            report.skip("bad département code", line)
        elif not _REGION_ID.match(region_id):
            report.skip("bad region code", line)
        elif known_regions is not None and region_id not in known_regions:
            report.skip("unknown region", line)
        elif not name:
            report.skip("missing name", line)
        elif dep_id in seen:
            report.skip("duplicate", line)
        else:
            seen.add(dep_id)
            report.kept += 1
            yield DepartementRecord(
                departement_id=dep_id, name=name, region_id=region_id, prefecture_city_code=row.get("CHEFLIEU", "")
            )
