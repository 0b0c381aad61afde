"""IMT hiring channels per FAP job family: application_modes.csv.

Columns: APPLICATION_TYPE_CODE (R1 placement agencies, R2 personal or professional network, R3 spontaneous
application, R4 other channels), APPLICATION_TYPE_NAME, APPLICATION_TYPE_ORDER (1 = most used), FAP_CODE,
FAP_NAME, RECRUT_PERCENT (share of hires through that channel).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from shared.referential.parsers.common import number, read_rows
from shared.referential.parsers.report import ParseReport

FILE_NAME = "application_modes.csv"
SOURCE = "imt-application-modes"
# MarketFacts.first_hiring_channel values; "other channels" are mostly answers to published offers.
CHANNELS = {"R1": "AGENCY", "R2": "NETWORK", "R3": "SPONTANEOUS", "R4": "OFFERS"}


@dataclass(frozen=True)
class ApplicationModeRecord:
    fap_code: str
    channel: str  # a CHANNELS value
    order: int
    percent: float


def parse_application_modes(path: Path, report: ParseReport | None = None) -> Iterator[ApplicationModeRecord]:
    report = report if report is not None else ParseReport(path.name)
    seen: set[tuple[str, str]] = set()
    for line, row in read_rows(path):
        report.read += 1
        fap = row.get("FAP_CODE", "")
        channel = CHANNELS.get(row.get("APPLICATION_TYPE_CODE", ""))
        percent = number(row.get("RECRUT_PERCENT", ""))
        order = row.get("APPLICATION_TYPE_ORDER", "")
        if not fap:
            report.skip("missing FAP code", line)
        elif channel is None:
            report.skip("unknown channel", line)
        elif percent is None or not 0 <= percent <= 100 or not order.isdigit():
            report.skip("non-numeric value", line)
        elif (fap, channel) in seen:
            report.skip("duplicate", line)
        else:
            seen.add((fap, channel))
            report.kept += 1
            yield ApplicationModeRecord(fap_code=fap, channel=channel, order=int(order), percent=percent)


def channels_by_fap(records: Iterable[ApplicationModeRecord]) -> dict[str, dict[str, float]]:
    """FAP → {channel: percent of hires}."""
    result: dict[str, dict[str, float]] = {}
    for record in records:
        result.setdefault(record.fap_code, {})[record.channel] = record.percent
    return result


def first_channel(percents: dict[str, float]) -> str | None:
    """The most used channel (ties broken by name so imports are reproducible)."""
    if not percents:
        return None
    return min(percents.items(), key=lambda item: (-item[1], item[0]))[0]
