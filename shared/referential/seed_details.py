"""SYNTHETIC market details for the demo seed: contract mix, BMO hiring intentions and hiring-channel shares.

The importers parse these from IMT and BMO files the seed cannot ship, so without them `make run` would show a market
page with only a first channel and a search length. Every figure is invented (random with a fixed seed) and stored
marked synthetic like the rest of the seed. Each draw uses its own random generator, separate from the offers
figures', so adding details never changes the committed offers per candidate.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterable

from shared.referential.records import ContractShare, JobGroupStatRecord, MarketStatRecord

CONTRACTS = ("CDI", "CDD_LONG", "CDD_SHORT", "INTERIM")
CHANNELS = ("SPONTANEOUS", "NETWORK", "AGENCY", "OFFERS")
# Per job group, the raw weight of each contract before a département's variation: permanent contracts usually lead,
# as in the IMT files, but some job groups (seasonal, temping-heavy) are mostly short contracts.
CONTRACT_WEIGHTS = {"CDI": (1.0, 8.0), "CDD_LONG": (1.0, 3.0), "CDD_SHORT": (0.5, 4.0), "INTERIM": (0.3, 3.5)}
LOCAL_VARIATION = (0.8, 1.2)  # a département's factor on each weight or share of its job group
HIRING_PROJECTS = (20, 1500)  # a job group's yearly BMO hiring projects in an average département
DEPARTEMENT_SIZE = (0.2, 2.5)  # départements differ in size far more than job groups do
DIFFICULT_PERCENT = (15.0, 80.0)
SEASONAL_PERCENT = (0.0, 55.0)
FIRST_CHANNEL_PERCENT = (35, 60)  # the first channel's share; the others split the rest
OTHER_CHANNEL_WEIGHTS = (1.0, 2.0)  # at most 2/(2+1+1) of 65 %, so never above the first channel's 35 %


def _percents(weights: dict[str, float]) -> dict[str, float]:
    """Whole percents summing to exactly 100: the largest share takes the rounding remainder."""
    total = sum(weights.values())
    percents = {key: float(round(100 * weight / total)) for key, weight in weights.items()}
    largest = max(percents, key=lambda key: (percents[key], key))
    percents[largest] += 100 - sum(percents.values())
    return percents


def _contract_mix(base: dict[str, float], rng: random.Random) -> tuple[ContractShare, ...]:
    local = {contract: weight * rng.uniform(*LOCAL_VARIATION) for contract, weight in base.items()}
    percents = _percents(local)
    ranked = sorted(percents.items(), key=lambda item: (-item[1], CONTRACTS.index(item[0])))
    return tuple(ContractShare(contract, percent) for contract, percent in ranked)


def with_market_details(stats: Iterable[MarketStatRecord], seed: int) -> list[MarketStatRecord]:
    """The same rows with a contract mix and BMO figures; rows saying "no offers at all" stay without details, so
    a market with no offers never shows contracts offered or hiring projects."""
    rng = random.Random(seed)
    bases: dict[str, tuple[dict[str, float], float, float, float]] = {}
    detailed = []
    for stat in stats:
        if stat.rome_code not in bases:
            weights = {contract: rng.uniform(*CONTRACT_WEIGHTS[contract]) for contract in CONTRACTS}
            bases[stat.rome_code] = (weights, rng.uniform(*HIRING_PROJECTS), rng.uniform(*DIFFICULT_PERCENT),
                                     rng.uniform(*SEASONAL_PERCENT))
        weights, projects, difficult, seasonal = bases[stat.rome_code]
        mix = _contract_mix(weights, rng)
        size, hard, season = (rng.uniform(*DEPARTEMENT_SIZE), rng.uniform(*LOCAL_VARIATION),
                              rng.uniform(*LOCAL_VARIATION))  # always drawn so one row never shifts the next
        if not stat.offers_per_10_candidates:
            detailed.append(stat)
            continue
        detailed.append(dataclasses.replace(
            stat,
            contract_mix=mix,
            hiring_projects=float(max(1, round(projects * size))),
            difficult_hiring_percent=float(round(min(100.0, difficult * hard))),
            seasonal_hiring_percent=float(round(min(100.0, seasonal * season))),
        ))
    return detailed


def with_channel_percents(stats: Iterable[JobGroupStatRecord], seed: int) -> list[JobGroupStatRecord]:
    """The same job groups with each channel's share of hires, their first channel keeping the largest share."""
    rng = random.Random(seed)
    detailed = []
    for stat in stats:
        first = rng.randint(*FIRST_CHANNEL_PERCENT)
        others = {
            channel: rng.uniform(*OTHER_CHANNEL_WEIGHTS) for channel in CHANNELS if channel != stat.first_hiring_channel
        }
        total = sum(others.values())
        percents = {channel: float(round((100 - first) * weight / total)) for channel, weight in others.items()}
        if stat.first_hiring_channel is not None:
            percents[stat.first_hiring_channel] = 100.0 - sum(percents.values())
        detailed.append(dataclasses.replace(stat, hiring_channel_percents=percents))
    return detailed
