"""Builds the bundled seed from the official files plus deterministic synthetic market figures.

Run `python -m shared.referential build-seed --data ../shared/data` to regenerate shared/referential/seed/.
Names and codes are copied from ROME v347 and INSEE; every market figure is SYNTHETIC (random with a fixed seed).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from pathlib import Path

from shared.referential import seed_details
from shared.referential import seed_files as files
from shared.referential.codec import to_document
from shared.referential.parsers import insee_geo, rome_domains, rome_job_groups, rome_job_titles
from shared.referential.records import DiplomaShare, JobGroupStatRecord, JobTitleRecord, MarketStatRecord

RANDOM_SEED = 20161115  # fixed so regenerating gives byte-identical files
TITLES_PER_GROUP = 8
MISSING_SHARE = 0.07  # (département, job group) pairs left without any row
NO_OFFERS_SHARE = 0.03  # pairs whose figures say "no offers at all"
# Base offers per 10 candidates of a job group: a stuck, a balanced or an easy market, spread per département.
MARKET_LEVELS = ((1.0, 3.0), (3.5, 6.5), (7.0, 11.0))
CHANNELS = (("SPONTANEOUS", 0.35), ("NETWORK", 0.3), ("AGENCY", 0.2), ("OFFERS", 0.15))

# The seed's job groups (all 14 letters) and the degree their offers typically ask for (None: no diploma needed).
SEED_JOB_GROUPS: dict[str, str | None] = {
    "A1101": "CAP_BEP", "A1203": "CAP_BEP", "A1401": None, "A1414": "CAP_BEP", "A1501": "CAP_BEP",
    "B1101": "LICENCE_MAITRISE", "B1601": "CAP_BEP",
    "C1102": "BTS_DUT_DEUG", "C1201": "BTS_DUT_DEUG", "C1501": "BTS_DUT_DEUG",
    "D1102": "CAP_BEP", "D1106": "CAP_BEP", "D1211": "BAC_BACPRO", "D1214": "BAC_BACPRO", "D1401": "BTS_DUT_DEUG",
    "D1501": "BAC_BACPRO", "D1502": "BTS_DUT_DEUG", "D1505": None, "D1507": None,
    "E1103": "LICENCE_MAITRISE", "E1205": "BTS_DUT_DEUG",
    "F1106": "DEA_DESS_MASTER_PHD", "F1602": "CAP_BEP", "F1603": "CAP_BEP", "F1701": "CAP_BEP", "F1702": "CAP_BEP",
    "F1703": "CAP_BEP",
    "G1201": "BAC_BACPRO", "G1203": "BAC_BACPRO", "G1602": "CAP_BEP", "G1603": None, "G1703": "BTS_DUT_DEUG",
    "G1803": "CAP_BEP",
    "H1206": "DEA_DESS_MASTER_PHD", "H2909": "CAP_BEP", "H2913": "CAP_BEP",
    "I1304": "BTS_DUT_DEUG", "I1310": "BAC_BACPRO", "I1604": "CAP_BEP",
    "J1102": "DEA_DESS_MASTER_PHD", "J1304": "CAP_BEP", "J1501": "CAP_BEP", "J1506": "LICENCE_MAITRISE",
    "K1302": "CAP_BEP", "K1303": "CAP_BEP", "K1304": None, "K2111": "LICENCE_MAITRISE", "K2204": None,
    "K2503": "CAP_BEP",
    "L1101": None, "L1203": "BAC_BACPRO",
    "M1203": "BTS_DUT_DEUG", "M1602": "BAC_BACPRO", "M1607": "BAC_BACPRO", "M1805": "LICENCE_MAITRISE",
    "M1810": "BTS_DUT_DEUG",
    "N1103": None, "N1105": None, "N4101": "CAP_BEP", "N4102": "CAP_BEP", "N4105": "CAP_BEP",
}  # fmt: skip


def synthetic_market_stats(
    rome_codes: Iterable[str], departement_ids: Iterable[str], seed: int = RANDOM_SEED
) -> list[MarketStatRecord]:
    """Offers per 10 candidates for most (département, job group) pairs; some pairs missing, some at 0."""
    rng = random.Random(seed)
    departements = sorted(departement_ids)
    stats: list[MarketStatRecord] = []
    for code in sorted(rome_codes):
        low, high = MARKET_LEVELS[int(rng.random() * len(MARKET_LEVELS))]
        base = low + (high - low) * rng.random()
        for dep_id in departements:
            draw, spread = rng.random(), rng.random()  # always two draws so one change does not shift the rest
            if draw < MISSING_SHARE:
                continue
            value = 0.0 if draw < MISSING_SHARE + NO_OFFERS_SHARE else round(max(0.1, base * (0.5 + spread)), 1)
            stats.append(
                MarketStatRecord(
                    departement_id=dep_id,
                    rome_code=code,
                    offers_per_10_candidates=value,
                    source=files.SYNTHETIC_SOURCE,
                    synthetic=True,
                )
            )
    return stats


def _channel(draw: float) -> str:
    for channel, share in CHANNELS:
        if draw < share:
            return channel
        draw -= share
    return CHANNELS[-1][0]


def synthetic_job_group_stats(
    typical_degrees: dict[str, str | None], seed: int = RANDOM_SEED
) -> list[JobGroupStatRecord]:
    """A first hiring channel, a typical unemployment length and a diploma share per job group."""
    rng = random.Random(seed + 1)
    stats = []
    for code, degree in sorted(typical_degrees.items()):
        channel, days, percent = _channel(rng.random()), 60 + int(rng.random() * 270), 30 + int(rng.random() * 56)
        stats.append(
            JobGroupStatRecord(
                rome_code=code,
                source=files.SYNTHETIC_SOURCE,
                synthetic=True,
                first_hiring_channel=channel,
                typical_unemployment_days=days,
                diploma_requirements=(DiplomaShare(degree, float(percent)),) if degree else (),
            )
        )
    return stats


def _common_titles(titles: Iterable[JobTitleRecord], rome_codes: set[str]) -> list[JobTitleRecord]:
    """The shortest titles of each job group: no usage counts are published, and short titles are the generic ones."""
    by_group: dict[str, list[JobTitleRecord]] = {}
    for title in titles:
        if title.rome_code in rome_codes:
            by_group.setdefault(title.rome_code, []).append(title)
    chosen = []
    for code in sorted(by_group):
        ranked = sorted(by_group[code], key=lambda title: (len(title.name), title.name, title.code_ogr))
        chosen.extend(sorted(ranked[:TITLES_PER_GROUP], key=lambda title: int(title.code_ogr)))
    return chosen


def build_seed(data_dir: Path, seed_dir: Path = files.SEED_DIR) -> dict[str, int]:
    """Writes the seed files; returns the number of rows written per file."""
    rome_dir, geo_dir = data_dir / "rome", data_dir / "geo"
    wanted = set(SEED_JOB_GROUPS)
    groups = rome_job_groups.parse_job_groups(rome_dir / rome_job_groups.FILE_NAME)
    domains = list(rome_domains.parse_domains(rome_dir / rome_domains.FILE_NAME))
    placed = rome_domains.with_domains(groups, domains)
    job_groups = sorted((group for group in placed if group.rome_code in wanted), key=lambda group: group.rome_code)
    missing = wanted - {group.rome_code for group in job_groups}
    if missing:
        raise ValueError(f"seed job groups absent from the ROME referential: {sorted(missing)}")
    titles = _common_titles(rome_job_titles.parse_job_titles(rome_dir / rome_job_titles.FILE_NAME), wanted)
    regions = sorted(insee_geo.parse_regions(geo_dir / insee_geo.REGIONS_FILE), key=lambda r: r.region_id)
    deps = sorted(insee_geo.parse_departements(geo_dir / insee_geo.DEPARTEMENTS_FILE), key=lambda d: d.departement_id)
    market = seed_details.with_market_details(
        synthetic_market_stats(wanted, (dep.departement_id for dep in deps)), RANDOM_SEED + 2
    )
    stats = seed_details.with_channel_percents(synthetic_job_group_stats(SEED_JOB_GROUPS), RANDOM_SEED + 3)

    seed_dir.mkdir(parents=True, exist_ok=True)
    files.write_csv(seed_dir / files.JOB_GROUPS_FILE, files.JOB_GROUP_COLUMNS, map(to_document, job_groups))
    files.write_csv(seed_dir / files.JOB_TITLES_FILE, files.JOB_TITLE_COLUMNS, map(to_document, titles))
    files.write_csv(seed_dir / files.REGIONS_FILE, files.REGION_COLUMNS, map(to_document, regions))
    files.write_csv(seed_dir / files.DEPARTEMENTS_FILE, files.DEPARTEMENT_COLUMNS, map(to_document, deps))
    files.write_csv(seed_dir / files.MARKET_STATS_FILE, files.MARKET_COLUMNS, map(files.market_row, market))
    implied = ("source", "synthetic")  # the reader sets them
    stat_items = [{key: value for key, value in to_document(stat).items() if key not in implied} for stat in stats]
    files.write_json(seed_dir / files.JOB_GROUP_STATS_FILE, stat_items)
    return {
        files.JOB_GROUPS_FILE: len(job_groups),
        files.JOB_TITLES_FILE: len(titles),
        files.REGIONS_FILE: len(regions),
        files.DEPARTEMENTS_FILE: len(deps),
        files.MARKET_STATS_FILE: len(market),
        files.JOB_GROUP_STATS_FILE: len(stat_items),
    }
