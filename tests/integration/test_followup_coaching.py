"""The coaching emails on the follow-up scheduler through real Kafka and FerretDB, in-process with a moved clock
(as test_followup_flow.py): exactly once across a crash between deciding and relaying, the coaching-only
unsubscribe link (the surveys continue), and the reminder of the person's own action plan."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pymongo
import pytest
from kafka.errors import KafkaError  # type: ignore[import-untyped]

from services.followup.adapters import privacy
from services.followup.config import FollowupSettings
from services.followup.domain.coaching.schedule import plan_coaching
from services.followup.entrypoints.api import create_app
from services.followup.entrypoints.deps import Deps, wire
from services.followup.service.engagement import PlanChanges
from services.followup.service.scheduler import Scheduler, coaching_state
from services.followup.service.signup import Signups
from shared.crypto.keystore import KekRing, KeyStore, person_keys
from shared.crypto.keystore import collection as key_collection
from shared.messaging.access import KafkaAccess
from shared.messaging.envelope import Envelope
from shared.messaging.factory import EventFactory
from shared.messaging.outbox import Relay
from shared.mongo import run_sync
from shared.schemas.engagement import PlanChanged, PlanDetail, Progress, SealedPlanChanged
from shared.schemas.profile import ProfileIn, ProfileSubmitted, SealedProfileSubmitted
from shared.topics import NOTIFICATIONS, REGISTRY
from tests import support

pytestmark = [pytest.mark.integration]

SIGNUP = dt.datetime(2024, 1, 15, 8, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
TESTS = EventFactory("tests", "https://bob.test")


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def settings(kafka_bootstrap: KafkaAccess, mongo_url: str) -> Iterator[FollowupSettings]:
    name = f"test_coaching_{uuid.uuid4().hex[:12]}"
    yield FollowupSettings(
        kafka_bootstrap_servers=kafka_bootstrap.bootstrap_servers, kafka_username=kafka_bootstrap.username,
        kafka_password=kafka_bootstrap.password, mongo_url=mongo_url, mongo_db=name, public_url="https://bob.test",
    )
    client: pymongo.MongoClient[dict[str, Any]]
    with pymongo.MongoClient(mongo_url, serverSelectionTimeoutMS=5_000) as client:
        client.drop_database(name)


@pytest.fixture
def clock() -> Clock:
    return Clock(SIGNUP)


@pytest.fixture
def deps(settings: FollowupSettings, clock: Clock) -> Iterator[Deps]:
    support.use_key_store(settings.mongo_url)
    wired = wire(settings, clock)
    wired.store.ensure_indexes()
    yield wired
    wired.relay.close()


@pytest.fixture
async def api(deps: Deps) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(deps)), base_url="http://test") as client:
        yield client


def submitted(pid: str, frequency: str = "WEEKLY", version: int = 1) -> Envelope[SealedProfileSubmitted]:
    profile = ProfileIn.model_validate({
        "email": f"{pid[:12]}@example.org", "year_of_birth": 1988, "locale": "en", "coaching_emails": frequency,
        "frustrations": ["INTERVIEW", "RACE_DISCRIMINATION"],
        "projects": [{"target_job": {"rome_code": "M1607"}, "city": {"name": "Toulouse", "departement_id": "31"}}],
    })
    data = ProfileSubmitted(profile_id=pid, version=version, submitted_at=SIGNUP, profile=profile)
    event: Envelope[SealedProfileSubmitted] = TESTS.event(
        "profile.submitted", pid, data.sealed(support.ensure_person_key(pid)), entity=f"{pid}:{version}").event
    return event


async def sign_up(deps: Deps, pid: str) -> None:
    KeyStore(key_collection(deps.settings), KekRing.from_settings(deps.settings)).ensure(pid)
    output = await Signups(deps.store, deps.settings, deps.factory, person_keys(deps.settings)).handle(
        [submitted(pid)])
    await output.store()


async def relay_all(relay: Relay) -> None:
    while await run_sync(relay.relay_once):
        pass


def emails(deps: Deps, pid: str, kafka: KafkaAccess) -> list[dict[str, Any]]:
    """The person's notifications on the topic, opened with their key as the notifier does."""
    key = person_keys(deps.settings).require(pid)
    return [REGISTRY.decode(r.value).data.opened(key).model_dump(mode="json")
            for r in support.read_topic(kafka, NOTIFICATIONS.name) if r.key is not None and r.key.decode() == pid]


def first_due(deps: Deps, pid: str) -> dt.datetime:
    person = deps.store.person(pid)
    assert person is not None
    due = plan_coaching(coaching_state(person), SIGNUP).next_check
    assert due is not None
    return due


async def test_what_the_followup_keeps_for_coaching_is_the_least_it_needs(deps: Deps) -> None:
    pid = uuid.uuid4().hex
    await sign_up(deps, pid)
    person = deps.store.person(pid)
    assert person is not None
    assert (person["coaching_emails"], person["coaching"]["frustrations"]) == ("WEEKLY", ["INTERVIEW"])
    # A later version changes the frequency: read at the next plan.
    changed = await Signups(deps.store, deps.settings, deps.factory, person_keys(deps.settings)).handle(
        [submitted(pid, "MONTHLY", version=2)])
    await changed.store()
    assert deps.store.person(pid)["coaching_emails"] == "MONTHLY"  # type: ignore[index]


async def test_crash_between_deciding_and_relaying_sends_the_coaching_email_exactly_once(
    deps: Deps, kafka_bootstrap: KafkaAccess, monkeypatch: pytest.MonkeyPatch,
) -> None:
    pid = uuid.uuid4().hex
    store = deps.store
    await sign_up(deps, pid)
    now = first_due(deps, pid)
    scheduler = Scheduler(store, deps.outbox, deps.factory, deps.settings)

    # Decided and recorded, then Kafka is down: the entry stays in the outbox.
    entries = await run_sync(scheduler.tick, now)  # with the first survey's, when the blackout moved it past
    [decision] = list(store.decisions.find({"profile_id": pid, "action": "coaching"}))
    assert decision["focus"] == "interview"
    assert decision["outbox_entry"] in {entry["_id"] for entry in entries}
    with pytest.raises(KafkaError):
        await run_sync(Relay(deps.outbox, KafkaAccess("127.0.0.1:1"), "followup").relay_once)

    # A crash after recording but before the person was marked: the next tick decides the same focus again.
    calls = {"n": 0}
    original = store.mark_planned

    def crash_once(*args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("crashed")
        original(*args, **kwargs)

    monkeypatch.setattr(store, "mark_planned", crash_once)
    store.people.update_one({"_id": pid}, {"$set": {"due_at": now}, "$pull": {"handled": "coaching:interview"}})
    with pytest.raises(RuntimeError):
        await run_sync(scheduler.tick, now)
    for minutes in (1, 2):
        assert await run_sync(scheduler.tick, now + dt.timedelta(minutes=minutes)) == []
        await relay_all(deps.relay)

    coaching = [m for m in emails(deps, pid, kafka_bootstrap) if m["category"] == "coaching"]
    assert len(coaching) == 1
    assert coaching[0]["idempotency_key"] == f"coaching:{pid}:interview"
    assert coaching[0]["list_unsubscribe"].startswith("https://bob.test/api/v1/followup/coaching/unsubscribe/")
    assert deps.outbox.count() == 0  # relayed, and the second decision's orphan dropped
    assert store.person(pid)["coaching_last_at"] is not None  # type: ignore[index]


async def test_the_coaching_link_stops_coaching_only(
    deps: Deps, clock: Clock, api: httpx.AsyncClient, kafka_bootstrap: KafkaAccess,
) -> None:
    pid = uuid.uuid4().hex
    await sign_up(deps, pid)
    scheduler = Scheduler(deps.store, deps.outbox, deps.factory, deps.settings)
    clock.now = first_due(deps, pid)
    await run_sync(scheduler.tick, clock.now)
    await relay_all(deps.relay)
    [mail] = [m for m in emails(deps, pid, kafka_bootstrap) if m["category"] == "coaching"]
    found = re.search(r"/#/unsubscribe/coaching/([\w.-]+)", mail["text"])
    assert found is not None
    token = found.group(1)
    assert mail["list_unsubscribe"].endswith(token)

    survey_token = "e30.e30.x" * 3
    assert (await api.post(f"/api/v1/followup/coaching/unsubscribe/{survey_token}")).status_code == 403
    assert (await api.get(f"/api/v1/followup/unsubscribe/{token}")).status_code == 403  # not a survey link
    # What a mail client's one-click sends (RFC 8058).
    response = await api.post(f"/api/v1/followup/coaching/unsubscribe/{token}",
                              content="List-Unsubscribe=One-Click",
                              headers={"content-type": "application/x-www-form-urlencoded"})
    assert (response.status_code, response.json()) == (200, {"unsubscribed": True, "stopped": "coaching"})

    # Over the next two months: the surveys continue, no coaching email.
    for day in range(5, 60):
        clock.now = SIGNUP + day * DAY
        await run_sync(scheduler.tick, clock.now)
    await relay_all(deps.relay)
    categories = sorted(m["category"] for m in emails(deps, pid, kafka_bootstrap))
    assert categories == ["coaching", "survey"]


def plan_changed(pid: str, revision: int, total: int, done: int) -> Envelope[SealedPlanChanged]:
    change = PlanChanged(profile_id=pid, revision=revision, occurred_at=SIGNUP + revision * dt.timedelta(hours=1),
                         progress=Progress(total=total, done=done, stuck=0), detail=PlanDetail(strategy_id="s"))
    event_type = "action.done" if done else "plan.created"
    sealed = change.sealed(support.ensure_person_key(pid), event_type)
    event: Envelope[SealedPlanChanged] = TESTS.event(event_type, pid, sealed, entity=f"{pid}:plan:{revision}").event
    return event


async def test_the_plan_reminder_reads_the_newest_progress_and_goes_once(
    deps: Deps, kafka_bootstrap: KafkaAccess,
) -> None:
    pid = uuid.uuid4().hex
    await sign_up(deps, pid)
    plans = PlanChanges(deps.store)
    await (await plans.handle([plan_changed(pid, 1, 3, 0), plan_changed(pid, 2, 3, 1)])).store()
    await (await plans.handle([plan_changed(pid, 1, 3, 0)])).store()  # a replay of an older revision
    person = deps.store.person(pid)
    assert person is not None
    assert (person["plan_revision"], person["plan_actions_left"]) == (2, 2)

    scheduler = Scheduler(deps.store, deps.outbox, deps.factory, deps.settings)
    for day in range(3, 20):
        await run_sync(scheduler.tick, SIGNUP + day * DAY)
        await relay_all(deps.relay)
    coaching = [m for m in emails(deps, pid, kafka_bootstrap) if m["category"] == "coaching"]
    assert coaching[0]["idempotency_key"] == f"coaching:{pid}:action-plan"  # their own plan first
    assert "https://bob.test/#/plan" in coaching[0]["text"]
    assert [m["idempotency_key"] for m in coaching].count(f"coaching:{pid}:action-plan") == 1


async def test_erasure_takes_what_coaching_kept_and_its_unsent_emails(deps: Deps) -> None:
    pid = uuid.uuid4().hex
    await sign_up(deps, pid)
    await (await PlanChanges(deps.store).handle([plan_changed(pid, 1, 2, 0)])).store()
    now = first_due(deps, pid)
    await run_sync(Scheduler(deps.store, deps.outbox, deps.factory, deps.settings).tick, now)  # not relayed
    [decision] = list(deps.store.decisions.find({"profile_id": pid, "action": "coaching"}))

    privacy.erase_person(deps.store, deps.outbox, pid, now)
    person = deps.store.person(pid)
    assert person is not None
    assert (person["coaching"], person["plan_actions_left"], person["email"]) == (None, None, None)
    entry = deps.outbox.collection().find_one({"_id": decision["outbox_entry"]})
    assert entry is None or not [r for r in entry["records"] if r["topic"] == NOTIFICATIONS.name]
