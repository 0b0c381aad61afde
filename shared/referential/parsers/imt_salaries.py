"""IMT salaries: salaries.csv, per area × PCS profession × age group (monthly gross euros).

Columns: AGE_GROUP_CODE (1 under 35, 2 35 and over), AGE_GROUP_NAME, AREA_CODE, AREA_NAME, AREA_TYPE_CODE,
AREA_TYPE_NAME, MAXIMUM_SALARY, MINIMUM_SALARY, PCS_PROFESSION_CODE, PCS_PROFESSION_NAME.
Negative salaries are codes for "not enough data" (-1) or "confidential" (-2). Keyed by PCS, not ROME, and with no
MarketFacts field: parsed and counted, not stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from shared.referential.parsers.common import departement_id, number, read_rows
from shared.referential.parsers.report import ParseReport

FILE_NAME = "salaries.csv"
_PCS_CODE = re.compile(r"^\d{3}[a-z]$")


@dataclass(frozen=True)
class SalaryRecord:
    departement_id: str
    pcs_code: str
    age_group: str  # "1" under 35, "2" 35 and over
    minimum: float
    maximum: float


def parse_salaries(path: Path, report: ParseReport | None = None) -> Iterator[SalaryRecord]:
    report = report if report is not None else ParseReport(path.name)
    for line, row in read_rows(path):
        report.read += 1
        dep_id = departement_id(row.get("AREA_CODE", ""))
        pcs = row.get("PCS_PROFESSION_CODE", "")
        low, high = number(row.get("MINIMUM_SALARY", "")), number(row.get("MAXIMUM_SALARY", ""))
        if row.get("AREA_TYPE_CODE") != "D" or dep_id is None:
            report.skip("bad département code", line)
        elif not _PCS_CODE.match(pcs):
            report.skip("bad PCS code", line)
        elif low is None or high is None:
            report.skip("non-numeric value", line)
        elif low < 0 or high < 0:
            report.skip("undisclosed salary", line)
        elif low > high:
            report.skip("minimum above maximum", line)
        else:
            report.kept += 1
            yield SalaryRecord(dep_id, pcs, row.get("AGE_GROUP_CODE", ""), low, high)
