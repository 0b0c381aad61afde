"""IMT figures → stored stats: which tension wins, and hiring channels from FAP families to job groups."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from shared.referential.parsers.fap_crosswalk import rome_codes_by_fap
from shared.referential.parsers.imt_application_modes import (
    SOURCE,
    ApplicationModeRecord,
    channels_by_fap,
    first_channel,
)
from shared.referential.records import FapMapping, JobGroupStatRecord, MarketStatRecord, TensionRecord


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
