"""The follow-up from sign-up to answer to figures through real Kafka and FerretDB, in-process: the sign-up
consumer, the scheduler's tick and the outbox relay are called directly with a moved clock, the API through
ASGI."""

from __future__ import annotations

import datetime as dt
import re
import uuid
import zlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import orjson
import pymongo
import pytest
from bson import Binary
from kafka.errors import KafkaError  # type: ignore[import-untyped]

from services.advice.adapters.gated_results import gated_advice_router
from services.advice.adapters.results import AdviceList
from services.advice.config import AdviceSettings
from services.advice.service import AssignmentStage, ReleaseStage
from services.followup.config import FollowupSettings
from services.followup.domain import kpis
from services.followup.domain.assignment import draw
from services.followup.domain.emails import SURVEY_LINK
from services.followup.entrypoints.api import create_app
from services.followup.entrypoints.deps import Deps, wire
from services.followup.service.scheduler import Scheduler
from services.followup.service.signup import Signups
from shared.auth import links as signed_links
from shared.auth.tokens import Role
from shared.crypto.keystore import KekRing, KeyStore, person_keys
from shared.crypto.keystore import collection as key_collection
from shared.http import create_api
from shared.messaging.access import KafkaAccess
from shared.messaging.envelope import Envelope
from shared.messaging.factory import EventFactory
from shared.messaging.kafka import make_producer, send
from shared.messaging.outbox import Relay
from shared.mongo import run_sync
from shared.results import collection
from shared.schemas.followup import AdviceReleased, Group, GroupAssigned, SurveyAnswered, SurveySent
from shared.schemas.profile import ProfileIn, ProfileSubmitted, SealedProfileSubmitted
from shared.topics import ASSIGNMENTS, NOTIFICATIONS, REGISTRY, RELEASES, SURVEYS
from tests import support

pytestmark = [pytest.mark.integration]

SIGNUP = dt.datetime(2024, 1, 15, 8, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
SHARE = 0.5
SEED = "integration-trial"


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def settings(kafka_bootstrap: KafkaAccess, mongo_url: str) -> Iterator[FollowupSettings]:
    name = f"test_followup_{uuid.uuid4().hex[:12]}"
    yield FollowupSettings(
        kafka_bootstrap_servers=kafka_bootstrap.bootstrap_servers, kafka_username=kafka_bootstrap.username,
        kafka_password=kafka_bootstrap.password, mongo_url=mongo_url, mongo_db=name,
        control_share=SHARE, assignment_seed=SEED, public_url="https://bob.test",
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
    # No lifespan under ASGITransport: the answers' entries are relayed by `relay_all`.
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(deps)), base_url="http://test") as client:
        yield client


def people(group_wanted: dict[Group, int]) -> list[str]:
    """Fresh profile ids whose seeded draw puts them in the wanted groups."""
    found: list[str] = []
    counts = dict.fromkeys(Group, 0)
    while counts != group_wanted:
        pid = uuid.uuid4().hex
        group = Group.CONTROL if draw(SEED, pid) < SHARE else Group.TREATED
        if counts[group] < group_wanted[group]:
            counts[group] += 1
            found.append(pid)
    return found


TESTS = EventFactory("tests", "https://bob.test")


def submitted(
    pid: str, version: int = 1, started: bool = True, at: dt.datetime = SIGNUP
) -> Envelope[SealedProfileSubmitted]:
    profile = ProfileIn.model_validate({
        "email": f"{pid[:12]}@example.org", "year_of_birth": 1988, "highest_degree": "BAC_BACPRO",
        "projects": [{"target_job": {"rome_code": "M1607"}, "city": {"name": "Toulouse", "departement_id": "31"},
                      "job_search_has_not_started": not started}],
    })
    data = ProfileSubmitted(profile_id=pid, version=version, submitted_at=at, profile=profile)
    sealed = data.sealed(support.ensure_person_key(pid))  # as the profile service emits it
    event: Envelope[SealedProfileSubmitted] = TESTS.event(
        "profile.submitted", pid, sealed, entity=f"{pid}:{version}").event
    return event


async def sign_up(deps: Deps, events: list[Envelope[SealedProfileSubmitted]]) -> None:
    """What the worker's consumer does per batch: emit, then store."""
    for event in events:  # what the profile service does for every account: its data key
        KeyStore(key_collection(deps.settings), KekRing.from_settings(deps.settings)).ensure(event.data.profile_id)
    output = await Signups(deps.store, deps.settings, deps.factory, person_keys(deps.settings)).handle(events)
    producer = make_producer(deps.settings.kafka)
    try:
        futures: list[Any] = [send(producer, topic, event) for topic, event in output.events]
        producer.flush(timeout=30)
        for future in futures:
            future.get(timeout=30)
    finally:
        producer.close(timeout=2)
    await output.store()


async def relay_all(relay: Relay) -> None:
    """Send every stored outbox entry, as the process's relay would."""
    while await run_sync(relay.relay_once):
        pass


async def tick(deps: Deps, now: dt.datetime) -> None:
    """The worker's scheduler tick, then its relay."""
    await run_sync(Scheduler(deps.store, deps.outbox, deps.factory, deps.settings).tick, now)
    await relay_all(deps.relay)


def read_topic(bootstrap: KafkaAccess, topic: str, subjects: set[str]) -> list[Envelope[Any]]:
    """Every event about these people on the topic now (topics are shared by the test session)."""
    records = support.read_topic(bootstrap, topic)
    return [REGISTRY.decode(r.value) for r in records if r.key is not None and r.key.decode() in subjects]


def links(text: str) -> dict[str, str]:
    """The survey token and the unsubscribe token in an email."""
    survey = re.search(r"/#/survey/([\w.-]+)\?answer=still-seeking", text)
    unsubscribe = re.search(r"/#/unsubscribe/followup/([\w.-]+)", text)
    assert survey is not None
    assert unsubscribe is not None
    return {"survey": survey.group(1), "unsubscribe": unsubscribe.group(1)}


def notifications(
    bootstrap: KafkaAccess, pids: list[str], survey_key: str, mongo: str,
) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {pid: [] for pid in pids}
    for event in read_topic(bootstrap, NOTIFICATIONS.name, set(pids)):
        if event.data.idempotency_key == f"followup:{event.subject}:{survey_key}":
            # Sealed on the topic: opened with the person's key, as the notifier does.
            key = person_keys(FollowupSettings(mongo_url=mongo)).require(event.subject)
            found[event.subject].append(event.data.opened(key).model_dump(mode="json"))
    return found


async def test_signup_to_answers_to_kpis(
    deps: Deps, clock: Clock, api: httpx.AsyncClient, kafka_bootstrap: KafkaAccess,
) -> None:
    treated_ids = people({Group.TREATED: 4, Group.CONTROL: 0})
    control_ids = people({Group.TREATED: 0, Group.CONTROL: 3})
    not_started = people({Group.TREATED: 1, Group.CONTROL: 0})
    everyone = treated_ids + control_ids + not_started
    await sign_up(deps, [submitted(p) for p in treated_ids + control_ids]
                  + [submitted(p, started=False) for p in not_started])
    store = deps.store

    # Assignments are events, stored once, and never change on a replay even if the share changed.
    assigned = {e.subject: e.data.group for e in read_topic(kafka_bootstrap, ASSIGNMENTS.name, set(everyone))}
    assert assigned == {p: "CONTROL" if p in control_ids else "TREATED" for p in everyone}
    changed = deps.settings.model_copy(update={"control_share": 0.0})
    replay = await Signups(store, changed, deps.factory, person_keys(deps.settings)).handle([submitted(control_ids[0])])
    assert await replay.store() == 1
    assert (await run_sync(store.person, control_ids[0]))["group"] == "CONTROL"  # type: ignore[index]

    # Day 7: the first follow-up goes to everyone; day 91: the status survey to those whose search started.
    await tick(deps, SIGNUP + 7 * DAY)
    first = notifications(kafka_bootstrap, everyone, "first-followup:1", deps.settings.mongo_url)
    assert all(len(mails) == 1 for mails in first.values())
    clock.now = SIGNUP + 91 * DAY
    await tick(deps, clock.now)
    status = notifications(kafka_bootstrap, everyone, "employment-status:1", deps.settings.mongo_url)
    assert {p for p, mails in status.items() if mails} == set(treated_ids + control_ids)
    mail = status[treated_ids[0]][0]
    assert mail["category"] == "survey"
    assert mail["to"] == f"{treated_ids[0][:12]}@example.org"
    tokens = {p: links(status[p][0]["text"]) for p in treated_ids + control_ids}

    # Answers: two treated back at work, one still seeking, one silent; one control back at work, two seeking.
    async def answer(pid: str, click: str | None, form: dict[str, Any] | None) -> None:
        token = tokens[pid]["survey"]
        if click:
            response = await api.get(f"/api/v1/followup/surveys/{token}", params={"answer": click})
            assert response.status_code == 200, response.text
        if form:
            response = await api.post(f"/api/v1/followup/surveys/{token}", json=form)
            assert response.status_code == 200, response.text

    working = {"situation": "WORKING", "helped": "YES", "new_job_contract": "CDI",
               "features_helped": ["advice"], "scores": {"motivation": 5, "new_ideas": 4}, "free_text": "merci"}
    seeking = {"situation": "SEEKING", "helped": "NOT_AT_ALL", "scores": {"motivation": 2}}
    await answer(treated_ids[0], "stopped-seeking", working)
    await answer(treated_ids[1], None, {**working, "situation": "FREELANCE", "helped": "YES_A_LOT"})
    await answer(treated_ids[2], "still-seeking", seeking)
    await answer(control_ids[0], "stopped-seeking", working)
    await answer(control_ids[1], "still-seeking", None)
    await answer(control_ids[2], "still-seeking", {**seeking, "helped": "YES"})
    await tick(deps, clock.now + dt.timedelta(minutes=1))

    # Control persons who answered get their advice released; the silent ones wait for the window's end.
    released = {e.subject for e in read_topic(kafka_bootstrap, RELEASES.name, set(everyone))}
    assert released == set(control_ids)

    operator = support.bearer(support.access_token(None, Role.OPERATOR))
    figures = (await api.get("/api/v1/followup/kpis", headers=operator)).json()
    overall = figures["overall"]
    assert overall["sent"] == 7
    assert overall["response_rate"] == {"count": 6, "total": 7, "share": 6 / 7}
    assert overall["back_at_work"] == {"count": 3, "total": 6, "share": 0.5}
    assert overall["helped_back_at_work"] == {"count": 3, "total": 3, "share": 1.0}
    assert overall["helped_still_seeking"] == {"count": 1, "total": 2, "share": 0.5}
    impact = figures["impact"]
    assert (impact["treated"]["respondents"], impact["treated"]["back_at_work"]) == (3, 2)
    assert (impact["control"]["respondents"], impact["control"]["back_at_work"]) == (3, 1)
    assert impact["difference"] == pytest.approx(2 / 3 - 1 / 3)
    assert impact["ci95_low"] < impact["difference"] < impact["ci95_high"]
    assert [c["signup_month"] for c in figures["cohorts"]] == ["2024-01"]

    # Every figure is recomputable from the raw events on the surveys topic.
    raw = read_topic(kafka_bootstrap, SURVEYS.name, set(everyone))
    sent = [e.data for e in raw if isinstance(e.data, SurveySent)]
    answered = [e.data for e in raw if isinstance(e.data, SurveyAnswered)]
    assert len(answered) == 10
    assert kpis.compute(sent, answered).model_dump(mode="json") == figures

    # Answers became labelled examples: features at sign-up -> back at work or not (unknown ones left out).
    examples = {d["profile_id"]: d for d in store.training_examples.find({"survey_key": "employment-status:1"})}
    assert {p: d["back_at_work"] for p, d in examples.items()} == {
        treated_ids[0]: True, treated_ids[1]: True, treated_ids[2]: False,
        control_ids[0]: True, control_ids[1]: False, control_ids[2]: False,
    }
    assert examples[treated_ids[0]]["features"]["highest_degree"] == "BAC_BACPRO"
    assert "email" not in examples[treated_ids[0]]["features"]

    # Unsubscribed: no more surveys; still seeking, the others get round 2 three months later.
    response = await api.get(f"/api/v1/followup/unsubscribe/{tokens[treated_ids[2]]['unsubscribe']}")
    assert response.status_code == 200
    await tick(deps, SIGNUP + 182 * DAY)
    second = notifications(kafka_bootstrap, everyone, "employment-status:2", deps.settings.mongo_url)
    assert {p for p, mails in second.items() if mails} == {treated_ids[3], control_ids[1], control_ids[2]}


async def test_crash_between_deciding_and_sending_sends_exactly_once(
    deps: Deps, kafka_bootstrap: KafkaAccess, monkeypatch: pytest.MonkeyPatch,
) -> None:
    pid = uuid.uuid4().hex
    store = deps.store
    await sign_up(deps, [submitted(pid)])
    now = SIGNUP + 93 * DAY
    scheduler = Scheduler(store, deps.outbox, deps.factory, deps.settings)

    # Decided and recorded, then Kafka is down: the entry stays in the outbox.
    [entry] = await run_sync(scheduler.tick, now)
    assert store.decision(f"{pid}:employment-status:1")["outbox_entry"] == entry["_id"]  # type: ignore[index]
    kafka_down = Relay(deps.outbox, KafkaAccess("127.0.0.1:1"), "followup")
    with pytest.raises(KafkaError):
        await run_sync(kafka_down.relay_once)
    assert deps.outbox.collection().find_one({"_id": entry["_id"]}) is not None

    # And a crash after recording the decision but before the person was marked: the next tick decides again,
    # to the same decision id, whose first entry stays the one relayed.
    calls = {"n": 0}
    original = store.mark_planned

    def crash_once(*args: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("crashed")
        original(*args)

    monkeypatch.setattr(store, "mark_planned", crash_once)
    store.people.update_one({"_id": pid}, {"$set": {"due_at": now}, "$pull": {"handled": "employment-status:1"}})
    with pytest.raises(RuntimeError):
        await run_sync(scheduler.tick, now)

    for minutes in (1, 2):
        assert await run_sync(scheduler.tick, now + dt.timedelta(minutes=minutes)) == []
        await relay_all(deps.relay)
    mails = notifications(kafka_bootstrap, [pid], "employment-status:1", deps.settings.mongo_url)[pid]
    assert len(mails) == 1
    assert store.decision(f"{pid}:employment-status:1")["outbox_entry"] == entry["_id"]  # type: ignore[index]
    assert deps.outbox.count() == 0  # relayed, and the orphan of the second decision dropped


async def test_catches_up_after_downtime_and_records_what_it_skipped(deps: Deps, kafka_bootstrap: KafkaAccess) -> None:
    pid = people({Group.TREATED: 1, Group.CONTROL: 0})[0]
    await sign_up(deps, [submitted(pid)])
    await tick(deps, SIGNUP + 183 * DAY)
    decisions = {d["_id"].split(":", 1)[1]: d for d in deps.store.decisions.find({"profile_id": pid})}
    assert {k: (d["action"], d.get("reason")) for k, d in decisions.items()} == {
        "first-followup:1": ("skip", "window-passed"),
        "employment-status:1": ("skip", "window-passed"),
        "employment-status:2": ("send", None),
    }
    assert len(notifications(kafka_bootstrap, [pid], "employment-status:2", deps.settings.mongo_url)[pid]) == 1


async def test_bad_links_are_refused_and_record_nothing(
    deps: Deps, clock: Clock, api: httpx.AsyncClient, kafka_bootstrap: KafkaAccess,
) -> None:
    pid = uuid.uuid4().hex
    store = deps.store
    await sign_up(deps, [submitted(pid)])
    clock.now = SIGNUP + 91 * DAY
    await tick(deps, clock.now)
    mail = notifications(kafka_bootstrap, [pid], "employment-status:1", deps.settings.mongo_url)[pid][0]
    token = links(mail["text"])
    ok = await api.get(f"/api/v1/followup/surveys/{token['survey']}", params={"answer": "still-seeking"})
    assert ok.status_code == 200
    person_before = store.person(pid)
    answers_before = store.answers.count_documents({})

    forged = signed_links.sign("not-the-key" * 6, SURVEY_LINK, pid, clock.now, None, scope="employment-status:1")
    never_sent = signed_links.sign(deps.settings.key, SURVEY_LINK, pid, clock.now, None, scope="employment-status:4")
    refused = [
        (403, "get", f"/api/v1/followup/surveys/{forged}?answer=stopped-seeking"),
        (403, "post", f"/api/v1/followup/surveys/{forged}"),
        (403, "get", f"/api/v1/followup/surveys/{token['unsubscribe']}?answer=still-seeking"),
        (403, "get", f"/api/v1/followup/unsubscribe/{token['survey']}"),
        (403, "get", "/api/v1/followup/surveys/not-a-token-at-all?answer=still-seeking"),
        (404, "post", f"/api/v1/followup/surveys/{never_sent}"),
        (409, "get", f"/api/v1/followup/surveys/{token['survey']}?answer=stopped-seeking"),  # reused
        (422, "get", f"/api/v1/followup/surveys/{token['survey']}?answer=maybe"),
        (422, "post", f"/api/v1/followup/surveys/{token['survey']}"),
    ]
    for status, method, url in refused:
        body = {"situation": "WORKING"} if method == "post" and status != 422 else None
        response = await api.request(method.upper(), url, json=body)
        assert response.status_code == status, (url, response.text)
    clock.now += 61 * DAY  # expired
    expired = await api.post(f"/api/v1/followup/surveys/{token['survey']}", json={"situation": "WORKING"})
    assert expired.status_code == 403

    assert store.person(pid) == person_before
    assert store.answers.count_documents({}) == answers_before
    assert store.training_examples.count_documents({"profile_id": pid}) == 1  # the click before, only


@pytest.fixture
def advice_db(mongo_url: str) -> Iterator[None]:
    with support.scratch_db(mongo_url, "test_advice_gate"):
        yield


async def test_advice_is_withheld_for_the_control_group_until_released(
    advice_db: None, deps: Deps, kafka_bootstrap: KafkaAccess,
) -> None:
    treated, control = people({Group.TREATED: 1, Group.CONTROL: 0})[0], people({Group.TREATED: 0, Group.CONTROL: 1})[0]
    app = create_api(AdviceSettings(), [gated_advice_router()])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:

        async def status(pid: str) -> dict[str, Any]:
            response = await client.get(
                f"/api/v1/profiles/{pid}/advice", headers=support.bearer(support.access_token(pid))
            )
            assert response.status_code == 200
            body: dict[str, Any] = response.json()
            return body

        # Advice stored, assignment not yet: pending.
        for pid in (treated, control):
            collection(AdviceList).insert_one({
                "_id": f"{pid}:1", "profile_id": pid, "profile_version": 1, "source_event_id": "e",
                "computed_at": SIGNUP,
                "result_blob": Binary(zlib.compress(orjson.dumps({"main_challenge": "x", "advice": [{"id": "a"}]}))),
            })
            assert (await status(pid))["status"] == "pending"

        # The advice worker's stages store the assignments read from Kafka.
        await sign_up(deps, [submitted(treated), submitted(control)])
        found = read_topic(kafka_bootstrap, ASSIGNMENTS.name, {treated, control})
        await (await AssignmentStage().handle(found)).store()
        assert (await status(treated))["status"] == "ready"
        withheld = await status(control)
        assert withheld["status"] == "withheld"
        assert withheld["result"] is None
        assert withheld["release_after"].startswith((SIGNUP + 98 * DAY).date().isoformat())

        # A replay carrying another group (the share changed meanwhile) changes nothing.
        changed = found[-1].data.model_copy(update={"group": Group.TREATED})
        event: Envelope[GroupAssigned] = TESTS.event(
            ASSIGNMENTS.event_types[0], changed.profile_id, changed, entity=f"changed:{changed.profile_id}").event
        await (await AssignmentStage().handle([event] * 2)).store()
        assert (await status(found[-1].subject))["status"] == (
            "withheld" if found[-1].subject == control else "ready")

        # The survey window passes without an answer: released.
        await tick(deps, SIGNUP + 98 * DAY)
        releases: list[Envelope[AdviceReleased]] = read_topic(kafka_bootstrap, RELEASES.name, {control})
        assert [e.data.reason for e in releases] == ["survey-window-passed"]
        await (await ReleaseStage().handle(releases)).store()
        ready = await status(control)
        assert ready["status"] == "ready"
        assert ready["result"]["advice"] == [{"id": "a"}]
