"""The wiring of the followup processes, in one place (tests build theirs here too): the store, the outbox with
this process's one relay, the event factory and the clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from services.followup.adapters import privacy
from services.followup.adapters.store import Store
from services.followup.config import FollowupSettings
from services.followup.service.answers import Answers
from shared.crypto.keystore import KekRing, KeyReader, collection
from shared.messaging.factory import EventFactory
from shared.messaging.outbox import Outbox, Relay

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Deps:
    settings: FollowupSettings
    store: Store
    outbox: Outbox
    relay: Relay
    factory: EventFactory
    clock: Clock

    @property
    def answers(self) -> Answers:
        # Uncached: the survey API does not hear of erasures, so it keeps no key in memory.
        return Answers(self.store, self.outbox, self.factory, KeyReader(collection(self.settings),
                                                                        KekRing.from_settings(self.settings)))


def wire(settings: FollowupSettings, clock: Clock = utc_now) -> Deps:
    store = Store.open(settings.mongo_url, settings.mongo_db)
    outbox = Outbox(lambda: store.db)
    # An email decided just before its person was erased is dropped at the last moment.
    relay = Relay(outbox, settings.kafka, settings.service_name, vet=privacy.vet(store))
    return Deps(settings, store, outbox, relay, EventFactory(settings.service_name, settings.public_url), clock)
