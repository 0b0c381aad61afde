"""Faust worker of the partners service: reads the internal events partners may hear of (opening each with the
person's data key), makes every partner's feed (its Kafka topic, its webhook queue), sends the erasure notices, and
runs the webhook sender."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import logging
from abc import abstractmethod
from typing import Any

from services.partners import privacy
from services.partners.config import PartnersSettings
from services.partners.domain import feed
from services.partners.entrypoints.deps import Deps, resolve, wire
from services.partners.service import Book, Feeds, Made, Sender, View, http_client
from shared.crypto.keystore import PersonKeys, person_keys
from shared.logs import configure_logging
from shared.messaging.consumer import Consumer, Output, attach, send_all
from shared.messaging.envelope import Envelope
from shared.messaging.factory import Outgoing
from shared.messaging.privacy import PrivacyAnswers
from shared.messaging.worker import create_faust_app, run_worker
from shared.mongo import run_sync
from shared.schemas.advice import SealedAdviceGenerated
from shared.schemas.diagnosis import SealedDiagnosisCompleted
from shared.schemas.engagement import SealedPlanChanged
from shared.schemas.followup import SurveyAnswered
from shared.schemas.privacy import ErasureCompleted, PrivacyRequested
from shared.schemas.profile import SealedProfileSubmitted
from shared.topics import (
    ADVICE_GENERATED,
    DIAGNOSIS_COMPLETED,
    ENGAGEMENT_ACTIONS,
    PRIVACY_REQUESTS,
    PROFILE_SUBMITTED,
    SURVEYS,
)

log = logging.getLogger(__name__)


def store_made(deps: Deps, made: Made, now: dt.datetime, forget: list[str] | None = None) -> int:
    deps.store.add_recipients(made.recipients, now)
    duplicates = deps.store.enqueue(made.queued)
    if forget:
        deps.store.forget_recipients(forget)
    return duplicates


class FeedConsumer(Consumer[Any]):
    """Turns each internal event of a person into every partner's view of it. A person without a key was erased:
    their events are skipped (the erasure notice already went)."""

    def __init__(self, deps: Deps, keys: PersonKeys, queued: asyncio.Event | None = None) -> None:
        self.deps, self.keys, self.feeds = deps, keys, Feeds(deps.factory)
        self.queued = queued or asyncio.Event()

    @abstractmethod
    def view(self, data: Any, key: bytes) -> tuple[str, View]:
        """The feed event type and the view of this event for a partner key."""

    @staticmethod
    def person(data: Any) -> str:
        return str(data.profile_id)

    async def handle(self, events: list[Envelope[Any]]) -> Output:
        keys = await self.keys.lookup([self.person(e.data) for e in events])
        items = []
        for event in events:
            key = keys.get(self.person(event.data))
            if key is not None:
                event_type, view = self.view(event.data, key)
                items.append((event_type, event.id, view))
        book = await run_sync(Book.load, self.deps.store, self.deps.keys)
        now = self.deps.clock()
        made = self.feeds.make(book, items, now)

        async def store() -> int:
            duplicates = await run_sync(store_made, self.deps, made, now)
            if made.queued:
                self.queued.set()  # the sender goes at once instead of at its next look
            return duplicates

        return Output(made.events, store)


class Profiles(FeedConsumer):
    name = "partners-profiles"
    topic = PROFILE_SUBMITTED

    def view(self, data: SealedProfileSubmitted, key: bytes) -> tuple[str, View]:
        opened = data.opened(key)
        return feed.PROFILE, lambda partner_key: feed.profile_view(partner_key, opened)


class Diagnoses(FeedConsumer):
    name = "partners-diagnoses"
    topic = DIAGNOSIS_COMPLETED

    def view(self, data: SealedDiagnosisCompleted, key: bytes) -> tuple[str, View]:
        opened = data.opened(key)
        return feed.DIAGNOSIS, lambda partner_key: feed.diagnosis_view(partner_key, opened)


class Advice(FeedConsumer):
    name = "partners-advice"
    topic = ADVICE_GENERATED

    def view(self, data: SealedAdviceGenerated, key: bytes) -> tuple[str, View]:
        opened = data.opened(key)
        return feed.ADVICE, lambda partner_key: feed.advice_view(partner_key, opened)


class Answers(FeedConsumer):
    name = "partners-answers"
    topic = SURVEYS
    types = ("followup.survey.answered",)

    def view(self, data: SurveyAnswered, key: bytes) -> tuple[str, View]:
        return feed.FOLLOWUP, lambda partner_key: feed.followup_view(partner_key, data)


class Actions(FeedConsumer):
    """Action plans: only an action marked done or stuck, as counts (see feed.action_view)."""

    name = "partners-actions"
    topic = ENGAGEMENT_ACTIONS
    types = ("action.done", "action.stuck")

    def view(self, data: SealedPlanChanged, key: bytes) -> tuple[str, View]:
        return feed.ACTION, lambda partner_key: feed.action_view(partner_key, data)


class Erasures(Consumer[PrivacyRequested]):
    """A person erased: every partner that received them gets the notice, whatever its scopes (it must delete), and
    forgets them; the person's logged and queued deliveries go, and the service answers the request. Needs no
    person key: the pseudonym is of the person id."""

    name = "partners-erasures"
    topic = PRIVACY_REQUESTS
    types = ("privacy.erasure.requested",)
    attempts = None  # an erasure must never be skipped

    def __init__(self, deps: Deps, keys: PersonKeys, queued: asyncio.Event | None = None) -> None:
        self.deps, self.keys, self.feeds = deps, keys, Feeds(deps.factory)
        self.queued = queued or asyncio.Event()

    async def handle(self, events: list[Envelope[PrivacyRequested]]) -> Output:
        book = await run_sync(Book.load, self.deps.store, self.deps.keys)
        now = self.deps.clock()
        candidates = [f"{p.name}:{feed.pseudonym(k, e.data.person_id)}" for e in events for p, k in book.partners]
        received = await run_sync(self.deps.store.recipients_among, candidates)
        items = [(feed.ERASED, e.id, _erased(e.data.person_id, e.time)) for e in events]
        made = self.feeds.make(book, items, now, only_to=lambda p, lane: f"{p.name}:{lane}" in received)
        answers = []
        for event in events:
            person = event.data.person_id
            counts = await run_sync(privacy.erase_person, self.deps.store, book, person)
            lanes = privacy.lanes(book, person)
            counts["recipients"] = sum(f"{n}:{lane}" in received for n, lane in lanes.items())
            self.keys.forget(person)  # their in-flight events find no key: skipped
            answers.append(self.deps.factory.event(
                "privacy.erasure.completed", person, ErasureCompleted(
                    request_id=event.data.request_id, person_id=person, service="partners", counts=counts),
                entity=event.data.request_id, time=now, cause=event))

        async def store() -> int:
            duplicates = await run_sync(store_made, self.deps, made, now, sorted(received))
            if made.queued:
                self.queued.set()
            return duplicates

        return Output([*made.events, *answers], store)


class Exports(PrivacyAnswers):
    """A person's export: the partners that received their pseudonymised data, and the deliveries logged."""

    topic = PRIVACY_REQUESTS
    types = ("privacy.export.requested",)

    def __init__(self, deps: Deps, keys: PersonKeys) -> None:
        def export(person_id: str) -> dict[str, Any]:
            return privacy.export_person(deps.store, Book.load(deps.store, deps.keys), person_id)

        def erase(person_id: str, now: dt.datetime) -> dict[str, int]:
            return privacy.erase_person(deps.store, Book.load(deps.store, deps.keys), person_id)

        super().__init__("partners", export, erase, deps.factory, keys)


def _erased(person_id: str, at: dt.datetime) -> View:
    return lambda partner_key: feed.erased_view(partner_key, person_id, at)


async def emit(app: Any, outgoing: list[Outgoing]) -> None:
    """Produce and wait until Kafka took every event."""
    await asyncio.gather(*await send_all(app, outgoing))


async def send_webhooks(sender: Sender, pause: float, queued: asyncio.Event) -> None:
    """Sends until the queue has nothing due, then looks again after `pause`, or as soon as `queued` is set (this
    process queued deliveries; retries and other processes' wait for the next look)."""
    while True:
        queued.clear()
        try:
            delivered = await sender.tick()
        except Exception:  # e.g. the database is away: the next pass catches up
            log.exception("webhook pass failed")
            delivered = 0
        if not delivered:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(queued.wait(), pause)


def main() -> None:
    settings = PartnersSettings()
    configure_logging(f"{settings.service_name}-worker", settings.log_level)
    deps = wire(settings)
    app = create_faust_app("bob-partners", settings)
    keys, queued = person_keys(settings), asyncio.Event()
    attach(app, Profiles(deps, keys, queued), deps.factory)
    attach(app, Diagnoses(deps, keys, queued), deps.factory)
    attach(app, Advice(deps, keys, queued), deps.factory)
    attach(app, Answers(deps, keys, queued), deps.factory)
    attach(app, Actions(deps, keys, queued), deps.factory)
    attach(app, Erasures(deps, keys, queued), deps.factory)
    attach(app, Exports(deps, keys), deps.factory)

    @app.timer(settings.log_sweep_seconds)  # type: ignore[untyped-decorator]
    async def expire_log() -> None:
        before = deps.clock() - dt.timedelta(days=settings.log_retention_days)
        try:
            gone = await run_sync(deps.store.expire_log, before)
        except Exception:  # the next sweep catches up
            log.exception("delivery log sweep failed")
            return
        if gone:
            log.info("delivery log entries past retention deleted", extra={"deleted": gone})

    @app.task  # type: ignore[untyped-decorator]
    async def webhooks() -> None:
        async with http_client(settings) as client:
            sender = Sender(deps.store, deps.keys, settings, client, deps.clock, resolve=resolve,
                            alerts=(deps.factory, functools.partial(emit, app)))
            await send_webhooks(sender, settings.webhook_scan_seconds, queued)

    run_worker(app, settings)


if __name__ == "__main__":
    main()
