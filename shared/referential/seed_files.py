"""The bundled seed (shared/referential/seed/): reading it into records, and writing it (seed_builder.py)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shared.referential.records import (
    ContractShare,
    DepartementRecord,
    DiplomaShare,
    JobGroupRecord,
    JobGroupStatRecord,
    JobTitleRecord,
    MarketStatRecord,
    RegionRecord,
)

SEED_DIR = Path(__file__).resolve().parent / "seed"
SYNTHETIC_SOURCE = "seed-synthetic"
JOB_GROUPS_FILE = "job_groups.csv"
JOB_TITLES_FILE = "job_titles.csv"
REGIONS_FILE = "regions.csv"
DEPARTEMENTS_FILE = "departements.csv"
MARKET_STATS_FILE = "market_stats_synthetic.csv"
JOB_GROUP_STATS_FILE = "job_group_stats_synthetic.json"

JOB_GROUP_COLUMNS = (
    "rome_code",
    "name",
    "code_ogr",
    "domain_letter",
    "domain_name",
    "subdomain_code",
    "subdomain_name",
)
JOB_TITLE_COLUMNS = ("code_ogr", "name", "short_name", "rome_code")
REGION_COLUMNS = ("region_id", "name")
DEPARTEMENT_COLUMNS = ("departement_id", "name", "region_id")
CONTRACTS = ("CDI", "CDD_LONG", "CDD_SHORT", "INTERIM")
# One column per contract (its share of offers) keeps the file a plain table; empty cells mean unknown.
MARKET_COLUMNS = (
    "departement_id",
    "rome_code",
    "offers_per_10_candidates",
    *(f"contract_{contract}" for contract in CONTRACTS),
    "hiring_projects",
    "difficult_hiring_percent",
    "seasonal_hiring_percent",
)


@dataclass(frozen=True)
class Seed:
    job_groups: list[JobGroupRecord]
    job_titles: list[JobTitleRecord]
    regions: list[RegionRecord]
    departements: list[DepartementRecord]
    market_stats: list[MarketStatRecord]
    job_group_stats: list[JobGroupStatRecord]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def _number(cell: str) -> float | None:
    return float(cell) if cell else None


def _cell(value: float | None) -> str:
    """Whole numbers without a trailing ".0" (the details are whole percents and counts); "" for unknown."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def market_row(stat: MarketStatRecord) -> dict[str, Any]:
    """The CSV row of a market stat (the inverse of `_market_stat`)."""
    shares = {share.contract: share.percent_offers for share in stat.contract_mix}
    details = {
        "hiring_projects": stat.hiring_projects,
        "difficult_hiring_percent": stat.difficult_hiring_percent,
        "seasonal_hiring_percent": stat.seasonal_hiring_percent,
        **{f"contract_{contract}": shares.get(contract) for contract in CONTRACTS},
    }
    return {
        "departement_id": stat.departement_id,
        "rome_code": stat.rome_code,
        "offers_per_10_candidates": stat.offers_per_10_candidates,
        **{column: _cell(value) for column, value in details.items()},
    }


def _market_stat(row: dict[str, str]) -> MarketStatRecord:
    shares = [(contract, _number(row[f"contract_{contract}"])) for contract in CONTRACTS]
    known = sorted(((c, p) for c, p in shares if p is not None), key=lambda item: (-item[1], CONTRACTS.index(item[0])))
    return MarketStatRecord(
        departement_id=row["departement_id"],
        rome_code=row["rome_code"],
        offers_per_10_candidates=float(row["offers_per_10_candidates"]),
        source=SYNTHETIC_SOURCE,
        synthetic=True,
        contract_mix=tuple(ContractShare(contract, percent) for contract, percent in known),  # largest first
        hiring_projects=_number(row["hiring_projects"]),
        difficult_hiring_percent=_number(row["difficult_hiring_percent"]),
        seasonal_hiring_percent=_number(row["seasonal_hiring_percent"]),
    )


def read_seed(seed_dir: Path = SEED_DIR) -> Seed:
    market = [_market_stat(row) for row in _rows(seed_dir / MARKET_STATS_FILE)]
    stats = [
        JobGroupStatRecord(
            rome_code=item["rome_code"],
            source=SYNTHETIC_SOURCE,
            synthetic=True,
            first_hiring_channel=item["first_hiring_channel"],
            typical_unemployment_days=item["typical_unemployment_days"],
            hiring_channel_percents=item["hiring_channel_percents"],
            diploma_requirements=tuple(DiplomaShare(**share) for share in item["diploma_requirements"]),
        )
        for item in json.loads((seed_dir / JOB_GROUP_STATS_FILE).read_text(encoding="utf-8"))
    ]
    return Seed(
        job_groups=[JobGroupRecord(**row) for row in _rows(seed_dir / JOB_GROUPS_FILE)],
        job_titles=[JobTitleRecord(**row) for row in _rows(seed_dir / JOB_TITLES_FILE)],
        regions=[RegionRecord(**row) for row in _rows(seed_dir / REGIONS_FILE)],
        departements=[DepartementRecord(**row) for row in _rows(seed_dir / DEPARTEMENTS_FILE)],
        market_stats=market,
        job_group_stats=stats,
    )


def write_csv(path: Path, columns: tuple[str, ...], rows: Iterable[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_json(path: Path, items: list[dict[str, Any]]) -> None:
    lines = ",\n".join(json.dumps(item, ensure_ascii=False, sort_keys=True) for item in items)
    path.write_text(f"[\n{lines}\n]\n", encoding="utf-8")
