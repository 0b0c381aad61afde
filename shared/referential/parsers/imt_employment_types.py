"""IMT contract mix of offers: employment_type.csv, per area × job group.

Columns: AREA_CODE, AREA_NAME, AREA_TYPE_CODE, AREA_TYPE_NAME, CONTRACT_TYPE_CODE (01 CDI, 02 CDD <= 3 months,
03 CDD > 3 months, 04 interim), CONTRACT_TYPE_NAME, NB_OFFERS, OFFERS_PERCENT, ROME_PROFESSION_CARD_CODE/NAME.
Stored with the market stats (imt_mapping.with_offer_details), as MarketFacts.contract_mix.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from shared.referential.parsers.common import departement_id, number, read_rows, rome_code
from shared.referential.parsers.report import ParseReport

FILE_NAME = "employment_type.csv"
CONTRACTS = {"01": "CDI", "02": "CDD_SHORT", "03": "CDD_LONG", "04": "INTERIM"}


@dataclass(frozen=True)
class EmploymentTypeRecord:
    departement_id: str
    rome_code: str
    contract: str  # a CONTRACTS value
    offers: int
    percent_offers: float


def parse_employment_types(path: Path, report: ParseReport | None = None) -> Iterator[EmploymentTypeRecord]:
    report = report if report is not None else ParseReport(path.name)
    for line, row in read_rows(path):
        report.read += 1
        dep_id = departement_id(row.get("AREA_CODE", ""))
        code = rome_code(row.get("ROME_PROFESSION_CARD_CODE", ""))
        contract = CONTRACTS.get(row.get("CONTRACT_TYPE_CODE", ""))
        offers, percent = number(row.get("NB_OFFERS", "")), number(row.get("OFFERS_PERCENT", ""))
        if row.get("AREA_TYPE_CODE") != "D":
            report.skip("not a département row", line)
        elif dep_id is None:
            report.skip("bad département code", line)
        elif code is None:
            report.skip("bad ROME code", line)
        elif contract is None:
            report.skip("unknown contract type", line)
        elif offers is None or percent is None or offers < 0 or not 0 <= percent <= 100:
            report.skip("non-numeric value", line)
        else:
            report.kept += 1
            yield EmploymentTypeRecord(dep_id, code, contract, int(offers), percent)
