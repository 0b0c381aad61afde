"""Export and erasure of what the followup service holds about a person, against the real database (FerretDB or
MongoDB): the sign-up consumer, the scheduler's planning and the answers are the real ones, with a moved clock;
nothing is sent to Kafka (relayed entries are marked done as the relay would)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from typing import Any

import orjson
import pymongo
import pytest

from services.followup.adapters import privacy
from services.followup.config import FollowupSettings
from services.followup.domain import kpis
from services.followup.domain.errors import Erased
from services.followup.entrypoints.deps import Deps, wire
from services.followup.entrypoints.worker import publish_figures
from services.followup.service.scheduler import Scheduler
from services.followup.service.signup import Signups
from shared.crypto.keystore import person_keys
from shared.messaging.envelope import Envelope
from shared.messaging.factory import EventFactory
from shared.schemas.followup import SurveyAnswered, SurveyForm, SurveySent
from shared.schemas.profile import ProfileIn, ProfileSubmitted, SealedProfileSubmitted
from shared.topics import NOTIFICATIONS, REGISTRY, SURVEYS
from tests import support

pytestmark = [pytest.mark.integration]

SIGNUP = dt.datetime(2026, 1, 15, 8, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
FREE_TEXT = "Je suis Camille Martin, rappelez-moi au 06 12 34 56 78"
COLLECTIONS = ("people", "decisions", "answers", "training_examples")


TESTS = EventFactory("tests", "https://bob.test")


@pytest.fixture
def settings(mongo_url: str) -> Iterator[FollowupSettings]:
    name = f"test_followup_privacy_{uuid.uuid4().hex[:12]}"
    yield FollowupSettings(mongo_url=mongo_url, mongo_db=name, public_url="https://bob.test")
    client: pymongo.MongoClient[dict[str, Any]]
    with pymongo.MongoClient(mongo_url, serverSelectionTimeoutMS=5_000) as client:
        client.drop_database(name)


@pytest.fixture
def deps(settings: FollowupSettings) -> Deps:
    support.use_key_store(settings.mongo_url)
    wired = wire(settings)
    wired.store.ensure_indexes()
    return wired


def scheduler(deps: Deps) -> Scheduler:
    return Scheduler(deps.store, deps.outbox, deps.factory, deps.settings)


def email_of(pid: str) -> str:
    return f"{pid[:12]}@example.org"


def submitted(pid: str, version: int = 1, at: dt.datetime = SIGNUP) -> Envelope[SealedProfileSubmitted]:
    profile = ProfileIn.model_validate({
        "email": email_of(pid), "name": "Camille Martin", "year_of_birth": 1988, "highest_degree": "BAC_BACPRO",
        "projects": [{"target_job": {"rome_code": "M1607"}, "city": {"name": "Toulouse", "departement_id": "31"}}],
    })
    data = ProfileSubmitted(profile_id=pid, version=version, submitted_at=at, profile=profile)
    sealed = data.sealed(support.ensure_person_key(pid))  # as the profile service emits it
    event: Envelope[SealedProfileSubmitted] = TESTS.event(
        "profile.submitted", pid, sealed, entity=f"{pid}:{version}").event
    return event


async def sign_up(deps: Deps, *pids: str) -> None:
    signups = Signups(deps.store, deps.settings, deps.factory, person_keys(deps.settings))
    output = await signups.handle([submitted(pid) for pid in pids])  # each with its data key, as in the platform
    await output.store()


def relayed(deps: Deps, collection: str, doc_id: str, now: dt.datetime) -> None:
    """What the relay does once Kafka acknowledged the document's events."""
    doc = deps.store.db[collection].find_one({"_id": doc_id})
    assert doc is not None
    deps.outbox.done([{"_id": doc["outbox_entry"]}], now)


def pending(deps: Deps, pid: str) -> dict[str, dict[str, Any]]:
    """The person's outbox entries still to send, by the id of the document that requires them."""
    return {e["requires"]["id"]: e for e in deps.outbox.collection().find({})
            if e["requires"]["id"].startswith(f"{pid}:")}


def person_docs(deps: Deps, pid: str) -> dict[str, list[dict[str, Any]]]:
    """Every document about the person, whatever its collection (a scan: fine in a test)."""
    docs = {
        name: sorted(
            (d for d in deps.store.db[name].find({}) if d["_id"] == pid or str(d["_id"]).startswith(f"{pid}:")),
            key=lambda d: str(d["_id"]),
        )
        for name in COLLECTIONS
    }
    return {**docs, "outbox": sorted(pending(deps, pid).values(), key=lambda e: str(e["requires"]["id"]))}


async def a_followed_person(deps: Deps, pid: str) -> None:
    """Signed up, sent the first follow-up (relayed), answered it with a click (relayed) and a form (its event
    still waiting), then sent the three-month survey (its email still waiting in the outbox)."""
    await sign_up(deps, pid)
    scheduler(deps).tick(SIGNUP + 7 * DAY)
    relayed(deps, "decisions", f"{pid}:first-followup:1", SIGNUP + 7 * DAY)
    deps.answers.record(pid, "first-followup:1", True, None, SIGNUP + 8 * DAY)
    form = SurveyForm.model_validate({"situation": "SEEKING", "helped": "YES", "scores": {"motivation": 4},
                                      "nps": 8, "free_text": FREE_TEXT})
    deps.answers.record(pid, "first-followup:1", None, form, SIGNUP + 8 * DAY)
    relayed(deps, "answers", f"{pid}:first-followup:1:click", SIGNUP + 8 * DAY)
    scheduler(deps).tick(SIGNUP + 91 * DAY)


async def test_export_has_the_record_the_surveys_and_the_answers(deps: Deps) -> None:
    pid, other = uuid.uuid4().hex, uuid.uuid4().hex
    await a_followed_person(deps, pid)
    await sign_up(deps, other)

    exported = privacy.export_person(deps.store, pid)

    assert exported["person"]["email"] == email_of(pid)
    assert exported["person"]["features"]["year_of_birth"] == 1988
    assert exported["person"]["signed_up_at"] == SIGNUP.isoformat()
    assert exported["person"]["group"] == "TREATED"
    assert [s["survey_key"] for s in exported["surveys"]] == ["employment-status:1", "first-followup:1"]
    assert all(s["action"] == "send" and "outbox_entry" not in s for s in exported["surveys"])
    assert dt.datetime.fromisoformat(exported["surveys"][1]["survey"]["sent_at"]) == SIGNUP + 7 * DAY
    assert [(a["survey_key"], a["step"]) for a in exported["answers"]] == [
        ("first-followup:1", "click"), ("first-followup:1", "form")]
    assert exported["answers"][1]["data"]["form"]["free_text"] == FREE_TEXT
    assert [t["back_at_work"] for t in exported["training_examples"]] == [False]
    assert exported["training_examples"][0]["features"]["year_of_birth"] == 1988
    assert other not in orjson.dumps(exported).decode()  # someone else's data is not in it
    orjson.dumps(exported)  # JSON values only


async def test_an_unknown_person_has_nothing(deps: Deps) -> None:
    assert privacy.export_person(deps.store, uuid.uuid4().hex) == {
        "person": None, "surveys": [], "answers": [], "training_examples": []}


def figures(deps: Deps) -> kpis.Kpis:
    return kpis.compute(
        [SurveySent.model_validate(s) for s in deps.store.sent_surveys()],
        [SurveyAnswered.model_validate(a) for a in deps.store.answer_data()],
    )


async def test_erasure_redacts_every_personal_field_and_keeps_the_figures(deps: Deps) -> None:
    pid, other = uuid.uuid4().hex, uuid.uuid4().hex
    await a_followed_person(deps, pid)
    await a_followed_person(deps, other)
    other_before = person_docs(deps, other)
    figures_before = figures(deps)
    now = SIGNUP + 92 * DAY

    counts = privacy.erase_person(deps.store, deps.outbox, pid, now)

    assert counts == {"people": 1, "decisions": 2, "answers": 2, "training_examples": 1}
    docs = person_docs(deps, pid)
    stored = json.dumps(docs, default=str)
    for personal in (email_of(pid), FREE_TEXT, "Camille", "Toulouse", "year_of_birth", "M1607"):
        assert personal not in stored, personal
    [person] = docs["people"]
    assert person["erased_at"] == now
    assert person["due_at"] is None
    assert (person["email"], person["features"], person["locale"]) == (None, None, None)
    assert (person["group"], person["signed_up_at"]) == ("TREATED", SIGNUP)  # what the trial's figures need
    assert docs["training_examples"] == []

    # What was relayed is gone from the outbox. Still waiting: the email will never be sent, the survey event
    # (no address) still will; the form's event goes without its free text.
    entries = pending(deps, pid)
    assert set(entries) == {f"{pid}:employment-status:1", f"{pid}:first-followup:1:form"}
    assert [r["topic"] for r in entries[f"{pid}:employment-status:1"]["records"]] == [SURVEYS.name]
    assert NOTIFICATIONS.name not in stored
    answers_by_step = {a["step"]: a for a in docs["answers"]}
    form = answers_by_step["form"]
    assert form["data"]["form"]["situation"] == "SEEKING"  # kept: counted by the figures, identifies nobody
    assert form["data"]["form"]["free_text"] is None
    [waiting] = entries[f"{pid}:first-followup:1:form"]["records"]
    event = REGISTRY.decode(waiting["value"].encode())
    assert isinstance(event.data, SurveyAnswered)
    assert event.data.form is not None
    assert (event.data.form.situation, event.data.form.free_text) == ("SEEKING", None)

    # The figures are unchanged and someone else's data untouched.
    assert figures(deps) == figures_before
    assert person_docs(deps, other) == other_before


async def test_after_erasure_nothing_brings_the_person_back(deps: Deps) -> None:
    pid = uuid.uuid4().hex
    await a_followed_person(deps, pid)
    privacy.erase_person(deps.store, deps.outbox, pid, SIGNUP + 92 * DAY)
    erased = person_docs(deps, pid)

    # No survey planned any more, even much later.
    assert scheduler(deps).tick(SIGNUP + 400 * DAY) == []
    # A profile update or a replayed sign-up consumed after the erasure stores nothing.
    signups = Signups(deps.store, deps.settings, deps.factory, person_keys(deps.settings))
    await (await signups.handle([submitted(pid), submitted(pid, 7)])).store()
    deps.store.update_profile(pid, 8, {"email": email_of(pid)}, SIGNUP + 93 * DAY)
    assert person_docs(deps, pid) == erased
    # Survey links and unsubscribing are refused.
    with pytest.raises(Erased):
        deps.answers.record(pid, "employment-status:1", True, None, SIGNUP + 93 * DAY)
    with pytest.raises(Erased):
        deps.answers.unsubscribe(pid, SIGNUP + 93 * DAY)


async def test_a_replayed_erasure_changes_nothing(deps: Deps) -> None:
    pid = uuid.uuid4().hex
    await a_followed_person(deps, pid)
    first = privacy.erase_person(deps.store, deps.outbox, pid, SIGNUP + 92 * DAY)
    erased = person_docs(deps, pid)

    again = privacy.erase_person(deps.store, deps.outbox, pid, SIGNUP + 95 * DAY)

    assert person_docs(deps, pid) == erased  # erased_at included: the first erasure's time
    assert again == first | {"training_examples": 0}


async def test_a_person_erased_before_their_sign_up_is_consumed_is_never_stored(deps: Deps) -> None:
    """`profile.submitted` and `privacy.requests` are different topics: a lagging sign-up may come after."""
    pid = uuid.uuid4().hex
    now = SIGNUP - DAY

    assert privacy.erase_person(deps.store, deps.outbox, pid, now) == {
        "people": 0, "decisions": 0, "answers": 0, "training_examples": 0}
    await sign_up(deps, pid)

    [person] = person_docs(deps, pid)["people"]
    assert (person["email"], person["erased_at"], person["due_at"]) == (None, now, None)
    scheduler(deps).tick(SIGNUP + 30 * DAY)
    assert person_docs(deps, pid)["decisions"] == []
    assert privacy.export_person(deps.store, pid)["person"]["email"] is None
    # The operators' figures count sign-ups only, and still come out with the stand-in there.
    other = uuid.uuid4().hex
    await sign_up(deps, other)
    assert deps.store.signups() == [(SIGNUP.strftime("%Y-%m"), person_docs(deps, other)["people"][0]["group"])]
    publish_figures(deps.store, SIGNUP + 30 * DAY)


async def test_a_survey_decided_just_before_an_erasure_is_not_emailed(deps: Deps) -> None:
    """The tick read the person before the erasure and recorded its decision after it: the relay's vet drops the
    email (the survey stays counted as decided, with no personal data in it)."""
    pid = uuid.uuid4().hex
    await sign_up(deps, pid)
    [entry] = scheduler(deps).tick(SIGNUP + 7 * DAY)
    assert deps.relay.vet is not None
    assert {r["topic"] for r in deps.relay.vet(entry)} == {NOTIFICATIONS.name, SURVEYS.name}
    deps.store.people.update_one({"_id": pid}, {"$set": {"erased_at": SIGNUP + 7 * DAY}})
    assert [r["topic"] for r in deps.relay.vet(entry)] == [SURVEYS.name]


async def test_documents_with_their_own_outbox_move_to_the_shared_one(deps: Deps) -> None:
    """Written before the shared outbox: the unsent events are adopted, and no list (emails) stays behind."""
    pid = uuid.uuid4().hex
    await sign_up(deps, pid)
    [entry] = scheduler(deps).tick(SIGNUP + 7 * DAY)
    deps.outbox.done([entry], SIGNUP + 7 * DAY)
    records = [{k: r[k] for k in ("topic", "key", "value")} for r in entry["records"]]
    deps.store.decisions.insert_many([
        {"_id": f"{pid}:old-sent", "profile_id": pid, "outbox": records, "relayed": True, "relayed_at": SIGNUP},
        {"_id": f"{pid}:old-pending", "profile_id": pid, "outbox": records, "relayed": False},
    ])

    assert deps.store.adopt_legacy_outboxes(deps.outbox, SIGNUP + 8 * DAY) == 2

    [adopted] = deps.outbox.collection().find({})
    assert (adopted["_id"], adopted["records"]) == (f"legacy:decisions:{pid}:old-pending", records)
    assert deps.outbox.pending(10, SIGNUP + 8 * DAY) == [adopted]  # sent by the relay like any other entry
    assert not any({"outbox", "relayed"} & set(d) for d in deps.store.decisions.find({"profile_id": pid}))
    assert deps.store.adopt_legacy_outboxes(deps.outbox, SIGNUP + 9 * DAY) == 0
