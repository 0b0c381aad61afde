"""IMT figures → stored stats: which tension wins, and hiring channels from FAP families to job groups."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable

from shared.referential.parsers.fap_crosswalk import rome_codes_by_fap
from shared.referential.parsers.imt_application_modes import (
    SOURCE,
    ApplicationModeRecord,
    channels_by_fap,
    first_channel,
)
from shared.referential.parsers.imt_bmo import BmoRecord
from shared.referential.parsers.imt_employment_types import EmploymentTypeRecord
from shared.referential.records import (
    ContractShare,
    FapMapping,
    JobGroupStatRecord,
    MarketStatRecord,
    TensionRecord,
)


def market_stats_from_tension(tensions: Iterable[TensionRecord]) -> list[MarketStatRecord]:
    """One stat per (département, job group); a later record wins (the yearly market score after monthly sums)."""
    latest: dict[tuple[str, str], TensionRecord] = {}
    for tension in tensions:
        latest[(tension.departement_id, tension.rome_code)] = tension
    return [
        MarketStatRecord(
            departement_id=tension.departement_id,
            rome_code=tension.rome_code,
            offers_per_10_candidates=tension.offers_per_10_candidates,
            source=tension.source,
        )
        for _, tension in sorted(latest.items())
    ]


def hiring_channel_stats(
    modes: Iterable[ApplicationModeRecord],
    mappings: Iterable[FapMapping],
    known_rome_codes: Collection[str] | None = None,
) -> list[JobGroupStatRecord]:
    """Each job group (of `known_rome_codes` when given) gets the channels of its main FAP family."""
    channels = channels_by_fap(modes)
    stats = []
    for fap, rome_codes in sorted(rome_codes_by_fap(mappings).items()):
        percents = channels.get(fap)
        if not percents:
            continue
        for code in rome_codes:
            if known_rome_codes is not None and code not in known_rome_codes:
                continue
            stats.append(
                JobGroupStatRecord(
                    rome_code=code,
                    source=SOURCE,
                    first_hiring_channel=first_channel(percents),
                    hiring_channel_percents=dict(percents),
                )
            )
    return sorted(stats, key=lambda stat: stat.rome_code)


def with_offer_details(
    stats: Iterable[MarketStatRecord],
    contracts: Iterable[EmploymentTypeRecord],
    bmo: Iterable[BmoRecord],
    mappings: Iterable[FapMapping],
    known_rome_codes: Collection[str] | None = None,
) -> list[MarketStatRecord]:
    """The stats with their contract mix (per département and job group) and BMO hiring intentions (per
    département and FAP family, summed over catchment areas, given to the job groups whose main family it is). A
    pair with details but no tension figure gets a stat of its own, its figure unknown."""
    by_key = {(stat.departement_id, stat.rome_code): stat for stat in stats}
    mixes: dict[tuple[str, str], list[ContractShare]] = {}
    for record in contracts:
        if known_rome_codes is None or record.rome_code in known_rome_codes:
            mixes.setdefault((record.departement_id, record.rome_code), []).append(
                ContractShare(record.contract, record.percent_offers))
    totals: dict[tuple[str, str], list[float]] = {}
    for row in bmo:
        total = totals.setdefault((row.departement_id, row.fap_code), [0.0, 0.0, 0.0])
        total[0] += row.hiring_projects
        total[1] += row.difficult_projects
        total[2] += row.seasonal_projects
    romes_of = rome_codes_by_fap(mappings)
    intentions: dict[tuple[str, str], tuple[float, float | None, float | None]] = {}
    for (dep, fap), (projects, difficult, seasonal) in totals.items():
        shares = (_percent(difficult, projects), _percent(seasonal, projects))
        for code in romes_of.get(fap, ()):
            if known_rome_codes is None or code in known_rome_codes:
                intentions[(dep, code)] = (round(projects, 1), *shares)
    result = []
    for key in sorted(by_key.keys() | mixes.keys() | intentions.keys()):
        stat = by_key.get(key) or MarketStatRecord(key[0], key[1], None, source="imt-offer-details")
        intention = intentions.get(key)
        result.append(dataclasses.replace(
            stat, contract_mix=tuple(sorted(mixes.get(key, ()), key=lambda share: -share.percent_offers)),
            hiring_projects=intention[0] if intention else None,
            difficult_hiring_percent=intention[1] if intention else None,
            seasonal_hiring_percent=intention[2] if intention else None,
        ))
    return result


def _percent(part: float, whole: float) -> float | None:
    return min(100.0, round(100 * part / whole, 1)) if whole else None
