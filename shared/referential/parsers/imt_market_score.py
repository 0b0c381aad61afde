"""IMT market score: market_score.csv, one row per area × job group.

Columns: AREA_CODE, AREA_NAME, AREA_TYPE_CODE (D département, R région, F France entière), AREA_TYPE_NAME,
NB_APPLICATION_END_MONTH, NB_APPLICATION_LAST_WEEK, NB_OFFER_END_MONTH, NB_OFFER_LAST_WEEK,
RICHER_CATCHMENT_AREA_CODE/NAME, ROME_PROFESSION_CARD_CODE/NAME, SEASONAL and SEASONAL_<MONTH> (O/N),
TENSION_RATIO = yearly average offers per 10 candidates. Only département rows map to MarketFacts.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from shared.referential.parsers.common import KnownCodes, departement_id, number, read_rows, rome_code
from shared.referential.parsers.report import ParseReport
from shared.referential.records import TensionRecord

FILE_NAME = "market_score.csv"
SOURCE = "imt-market-score"
DEPARTEMENT_AREA = "D"


def parse_market_scores(
    path: Path, report: ParseReport | None = None, known: KnownCodes = KnownCodes()
) -> Iterator[TensionRecord]:
    report = report if report is not None else ParseReport(path.name)
    seen: set[tuple[str, str]] = set()
    for line, row in read_rows(path):
        report.read += 1
        dep_id = departement_id(row.get("AREA_CODE", ""))
        code = rome_code(row.get("ROME_PROFESSION_CARD_CODE", ""))
        raw_ratio = row.get("TENSION_RATIO", "")
        ratio = number(raw_ratio)
        if row.get("AREA_TYPE_CODE") != DEPARTEMENT_AREA:
            report.skip("not a département row", line)
        elif dep_id is None:
            report.skip("bad département code", line)
        elif code is None:
            report.skip("bad ROME code", line)
        elif known.departements is not None and dep_id not in known.departements:
            report.skip("unknown département", line)
        elif known.rome_codes is not None and code not in known.rome_codes:
            report.skip("unknown job group", line)
        elif not raw_ratio:
            report.skip("missing value", line)
        elif ratio is None:
            report.skip("non-numeric value", line)
        elif ratio < 0:
            report.skip("negative value", line)
        elif (dep_id, code) in seen:
            report.skip("duplicate", line)
        else:
            seen.add((dep_id, code))
            report.kept += 1
            yield TensionRecord(departement_id=dep_id, rome_code=code, offers_per_10_candidates=ratio, source=SOURCE)
