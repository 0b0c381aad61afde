"""Faust worker of Bob Action: offers help after a diagnosis or advice, matches pledges to requests, times out
late reviews, relays the stored events to Kafka, and answers privacy requests (`privacy.requests`)."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
from collections.abc import Callable
from typing import Any

from services.pledges import metrics
from services.pledges.adapters import assignments
from services.pledges.adapters.db import OUTBOX, ensure_indexes
from services.pledges.config import PledgesSettings
from services.pledges.domain.kinds import PledgeKind
from services.pledges.service import matching, offers, privacy
from shared.crypto.keystore import person_keys
from shared.logs import configure_logging
from shared.messaging.consumer import Consumer, Output, attach
from shared.messaging.contracts import Topic
from shared.messaging.envelope import Envelope
from shared.messaging.factory import EventFactory
from shared.messaging.outbox import ORPHAN_AGE, Relay
from shared.messaging.privacy import PrivacyAnswers
from shared.messaging.worker import create_faust_app, run_worker
from shared.mongo import connect, run_sync
from shared.topics import ADVICE_GENERATED, DIAGNOSIS_COMPLETED, PLEDGES_TOPICS

settings = PledgesSettings()
configure_logging(f"{settings.service_name}-worker", settings.log_level)
app = create_faust_app("bob-pledges", settings)
relay = Relay(OUTBOX, settings.kafka, settings.service_name,
              scan_seconds=settings.relay_scan_seconds)
log = logging.getLogger(__name__)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Storing(Consumer[Any]):
    """Runs a use case on each batch: what it stores leaves through the outbox, so the batch emits nothing itself."""

    def __init__(self, name: str, topic: Topic,
                 use: Callable[[list[Envelope[Any]], dt.datetime, PledgesSettings], object]) -> None:
        self.name = name
        self.topic = topic
        self.use = use

    async def handle(self, events: list[Envelope[Any]]) -> Output:
        await run_sync(self.use, events, now(), settings)
        relay.poke()
        return Output()


def sweep() -> None:
    """Gives back the slots of matches a dead process never stored, times out late reviews, and matches whatever a
    lost trigger or a lost race left open."""
    assignments.release_orphan_slots(now(), ORPHAN_AGE)
    timed_out = matching.time_out_due(now(), settings)
    matched = sum(matching.run_pass(kind, now(), settings) for kind in PledgeKind)
    if timed_out or matched:
        log.info("sweep", extra={"timed_out": timed_out, "matched": matched})
        relay.poke()


async def sweep_now() -> None:
    try:
        await run_sync(sweep)
    except Exception:  # a failing timer would stop the whole worker; the next sweep tries again
        log.exception("sweep failed")


async def relay_forever() -> None:
    await relay.run()


async def figures_forever() -> None:
    while True:
        try:
            await run_sync(metrics.publish)
        except Exception:  # the database away: the gauges keep their last values until the next round
            log.exception("could not count the pledges")
        await asyncio.sleep(settings.figures_interval_seconds)


def main() -> None:
    connect(settings.mongo_url, settings.mongo_db)
    ensure_indexes()
    assignments.backfill_slots(now())
    factory = EventFactory(settings.service_name, settings.public_url)
    attach(app, Storing("pledges-offers", DIAGNOSIS_COMPLETED, offers.offer_after_diagnosis), factory)
    attach(app, Storing("pledges-offers", ADVICE_GENERATED, offers.offer_after_advice), factory)
    for topic in PLEDGES_TOPICS:
        attach(app, Storing("pledges-matcher", topic, matching.match), factory)
    erase = functools.partial(privacy.erase_person, settings=settings)
    attach(app, PrivacyAnswers(settings.service_name, privacy.export_person, erase, factory, person_keys(settings)),
           factory)
    app.task(relay_forever)
    app.task(figures_forever)
    app.timer(settings.timeout_scan_seconds)(sweep_now)
    run_worker(app, settings)


if __name__ == "__main__":
    main()
