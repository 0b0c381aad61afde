"""BMO hiring-needs survey ("Besoins en main-d'œuvre"): bmo.csv, per catchment area × FAP job family.

Columns: CATCHMENT_AREA_CODE/NAME, PROFESSION_FAMILY_CODE/NAME, FAP_CODE, FAP_NAME, DEPARTEMENT_CODE (not
zero-padded), DEPARTEMENT_NAME, NB_RECRUT_PROJECTS, NB_DIFF_RECRUT_PROJECTS (judged difficult),
NB_SEASON_RECRUT_PROJECTS (seasonal), REGION_CODE, REGION_LIB. "*" = confidential; empty = none.
Summed per département and FAP family and stored with the market stats of the family's job groups
(imt_mapping.with_offer_details): MarketFacts.hiring_projects, difficult_ and seasonal_hiring_percent.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from shared.referential.parsers.common import departement_id, number, read_rows
from shared.referential.parsers.report import ParseReport

FILE_NAME = "bmo.csv"


@dataclass(frozen=True)
class BmoRecord:
    departement_id: str
    catchment_area_code: str
    fap_code: str
    hiring_projects: float
    difficult_projects: float
    seasonal_projects: float


def _count(value: str) -> float | None:
    """Empty means none; anything else must be a non-negative number."""
    if value == "":
        return 0.0
    parsed = number(value)
    return parsed if parsed is not None and parsed >= 0 else None


def parse_bmo(path: Path, report: ParseReport | None = None) -> Iterator[BmoRecord]:
    report = report if report is not None else ParseReport(path.name)
    for line, row in read_rows(path):
        report.read += 1
        dep_id = departement_id(row.get("DEPARTEMENT_CODE", ""))
        fap = row.get("FAP_CODE", "")
        counts = [_count(row.get(column, "")) for column in _COUNT_COLUMNS]
        if dep_id is None:
            report.skip("bad département code", line)
        elif not fap:
            report.skip("missing FAP code", line)
        elif any(count is None for count in counts):
            report.skip("non-numeric value", line)
        else:
            projects, difficult, seasonal = (count or 0.0 for count in counts)
            report.kept += 1
            yield BmoRecord(dep_id, row.get("CATCHMENT_AREA_CODE", ""), fap, projects, difficult, seasonal)


_COUNT_COLUMNS = ("NB_RECRUT_PROJECTS", "NB_DIFF_RECRUT_PROJECTS", "NB_SEASON_RECRUT_PROJECTS")
