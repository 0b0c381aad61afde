"""Faust worker of Bob Action: offers help after a diagnosis or advice, matches pledges to requests, times out
late reviews, relays the stored events to Kafka, and answers privacy requests (`privacy.requests`)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from services.pledges import handlers, matcher, privacy
from services.pledges.adapters.db import ensure_indexes
from services.pledges.adapters.outbox import Relay
from services.pledges.config import PledgesSettings
from services.pledges.domain.kinds import PledgeKind
from services.pledges.entrypoints.consuming import attach_consumer
from shared.events import Envelope
from shared.faust_app import create_faust_app, run_worker
from shared.logs import configure_logging
from shared.mongo import connect, run_sync
from shared.privacy_agent import attach_privacy
from shared.topics import ADVICE_GENERATED, DIAGNOSIS_COMPLETED, PLEDGES_HELPERS, PLEDGES_MATCHES, PLEDGES_REQUESTS

settings = PledgesSettings()
configure_logging(f"{settings.service_name}-worker", settings.log_level)
app = create_faust_app("bob-pledges", settings)
relay = Relay(settings.kafka_bootstrap_servers, f"{settings.service_name}-worker", settings.relay_idle_seconds)
log = logging.getLogger(__name__)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


Timed = Callable[[list[Envelope[Any]], dt.datetime, PledgesSettings], object]


def with_clock(fn: Timed) -> Callable[[list[Envelope[Any]]], None]:
    def handle(events: list[Envelope[Any]]) -> None:
        if events:
            fn(events, now(), settings)
            relay.poke()
    return handle


def sweep() -> None:
    """Times out late reviews, and matches whatever a lost trigger or a lost race left open."""
    timed_out = matcher.time_out_due(now(), settings)
    matched = sum(matcher.run_pass(kind, now(), settings) for kind in PledgeKind)
    if timed_out or matched:
        log.info("sweep", extra={"timed_out": timed_out, "matched": matched})
        relay.poke()


async def sweep_now() -> None:
    try:
        await run_sync(sweep)
    except Exception:  # a failing timer would stop the whole worker; the next sweep tries again
        log.exception("sweep failed")


def erase_between_passes(person_id: str, at: dt.datetime) -> dict[str, int]:
    """Erasure times out reviews and frees pledges: the same counters as matching (see matcher.MATCHING)."""
    with matcher.MATCHING:
        return privacy.erase_person(person_id, at)


async def relay_forever() -> None:
    await relay.run()


def main() -> None:
    connect(settings.mongo_url, settings.mongo_db)
    ensure_indexes()
    attach_consumer(app, "pledges-offers", DIAGNOSIS_COMPLETED, with_clock(handlers.offer_after_diagnosis))
    attach_consumer(app, "pledges-offers", ADVICE_GENERATED, with_clock(handlers.offer_after_advice))
    for spec in (PLEDGES_HELPERS, PLEDGES_REQUESTS, PLEDGES_MATCHES):
        attach_consumer(app, "pledges-matcher", spec, with_clock(handlers.match))
    attach_privacy(app, "pledges", privacy.export_person, erase_between_passes)
    app.task(relay_forever)
    app.timer(settings.timeout_scan_seconds)(sweep_now)
    run_worker(app, settings)


if __name__ == "__main__":
    main()
