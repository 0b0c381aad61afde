"""The bundled seed (shared/referential/seed/): reading it into records, and writing it (seed_builder.py)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shared.referential.records import (
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
MARKET_COLUMNS = ("departement_id", "rome_code", "offers_per_10_candidates")


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


def read_seed(seed_dir: Path = SEED_DIR) -> Seed:
    market = [
        MarketStatRecord(
            departement_id=row["departement_id"],
            rome_code=row["rome_code"],
            offers_per_10_candidates=float(row["offers_per_10_candidates"]),
            source=SYNTHETIC_SOURCE,
            synthetic=True,
        )
        for row in _rows(seed_dir / MARKET_STATS_FILE)
    ]
    stats = [
        JobGroupStatRecord(
            rome_code=item["rome_code"],
            source=SYNTHETIC_SOURCE,
            synthetic=True,
            first_hiring_channel=item["first_hiring_channel"],
            typical_unemployment_days=item["typical_unemployment_days"],
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
