"""IMT monthly offers and candidates: IMT.csv, semicolon-separated.

Columns: dpt (département), ROME, off (offers), de (registered job seekers, "demandeurs d'emploi"),
mois (YYYYMM). Offers per 10 candidates = 10 × offers / candidates over the latest 12 valid months.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from shared.referential.parsers.common import KnownCodes, departement_id, number, read_rows, rome_code
from shared.referential.parsers.report import ParseReport
from shared.referential.records import TensionRecord

FILE_NAME = "IMT.csv"
SOURCE = "imt-monthly"
MONTHS_PER_YEAR = 12
FIRST_YEAR = 2000


@dataclass(frozen=True)
class MonthlyFigures:
    departement_id: str
    rome_code: str
    month: str  # YYYYMM
    offers: float
    candidates: float


def _month(value: str, today: dt.date) -> str | None:
    if len(value) != 6 or not value.isdigit():
        return None
    year, month = int(value[:4]), int(value[4:])
    if not 1 <= month <= 12 or year < FIRST_YEAR or (year, month) > (today.year, today.month):
        return None
    return value


def parse_monthly_figures(
    path: Path, report: ParseReport | None = None, today: dt.date | None = None, known: KnownCodes = KnownCodes()
) -> Iterator[MonthlyFigures]:
    report = report if report is not None else ParseReport(path.name)
    today = today or dt.date.today()
    seen: set[tuple[str, str, str]] = set()
    for line, row in read_rows(path, delimiter=";"):
        report.read += 1
        dep_id = departement_id(row.get("dpt", ""))
        code = rome_code(row.get("ROME", ""))
        month = _month(row.get("mois", ""), today)
        offers, candidates = number(row.get("off", "")), number(row.get("de", ""))
        if dep_id is None:
            report.skip("bad département code", line)
        elif code is None:
            report.skip("bad ROME code", line)
        elif known.departements is not None and dep_id not in known.departements:
            report.skip("unknown département", line)
        elif known.rome_codes is not None and code not in known.rome_codes:
            report.skip("unknown job group", line)
        elif month is None:
            report.skip("bad or future month", line)
        elif offers is None or candidates is None:
            report.skip("non-numeric value", line)
        elif offers < 0 or candidates < 0:
            report.skip("negative value", line)
        elif (dep_id, code, month) in seen:
            report.skip("duplicate", line)
        else:
            seen.add((dep_id, code, month))
            report.kept += 1
            yield MonthlyFigures(dep_id, code, month, offers, candidates)


def yearly_tension(figures: Iterable[MonthlyFigures], report: ParseReport | None = None) -> Iterator[TensionRecord]:
    """One TensionRecord per (département, job group) from its latest 12 months; skipped if no candidates."""
    by_key: dict[tuple[str, str], list[MonthlyFigures]] = {}
    for figure in figures:
        by_key.setdefault((figure.departement_id, figure.rome_code), []).append(figure)
    for (dep_id, code), months in sorted(by_key.items()):
        latest = sorted(months, key=lambda figure: figure.month)[-MONTHS_PER_YEAR:]
        candidates = sum(figure.candidates for figure in latest)
        if candidates <= 0:
            if report is not None:
                report.skip("no candidates over the year", f"{dep_id}/{code}")
            continue
        ratio = round(10 * sum(figure.offers for figure in latest) / candidates, 2)
        yield TensionRecord(departement_id=dep_id, rome_code=code, offers_per_10_candidates=ratio, source=SOURCE)
