"""Export and erasure of what the followup service holds about a person, against the real database (FerretDB or
MongoDB): the sign-up stage, the scheduler's planning and the answers are the real ones, with a moved clock."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from typing import Any

import orjson
import pymongo
import pytest

from services.followup import answers, privacy
from services.followup.adapters.store import OutboxRecord, Store
from services.followup.config import FollowupSettings
from services.followup.domain import kpis
from services.followup.domain.links import LinkClaims
from services.followup.scheduler import Scheduler
from services.followup.signup import SignupStage
from shared.consumer import Decoded
from shared.events import Envelope
from shared.schemas.followup import SurveyAnswered, SurveyForm, SurveySent
from shared.schemas.profile import ProfileIn, ProfileSubmitted
from shared.topics import NOTIFICATIONS, PROFILE_SUBMITTED, SURVEYS

pytestmark = [pytest.mark.integration]

SIGNUP = dt.datetime(2026, 1, 15, 8, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
FREE_TEXT = "Je suis Camille Martin, rappelez-moi au 06 12 34 56 78"
COLLECTIONS = ("people", "decisions", "answers", "training_examples")


class NoEmitter:
    """Only the scheduler's planning runs here: nothing is relayed to Kafka."""

    def emit(self, records: list[OutboxRecord]) -> None:
        raise AssertionError("nothing is relayed in these tests")


@pytest.fixture
def settings(mongo_url: str) -> Iterator[FollowupSettings]:
    name = f"test_followup_privacy_{uuid.uuid4().hex[:12]}"
    yield FollowupSettings(mongo_url=mongo_url, mongo_db=name, public_url="https://bob.test")
    client: pymongo.MongoClient[dict[str, Any]]
    with pymongo.MongoClient(mongo_url, serverSelectionTimeoutMS=5_000) as client:
        client.drop_database(name)


@pytest.fixture
def store(settings: FollowupSettings) -> Store:
    opened = Store.open(settings.mongo_url, settings.mongo_db)
    opened.ensure_indexes()
    return opened


def email_of(pid: str) -> str:
    return f"{pid[:12]}@example.org"


def submitted(pid: str, version: int = 1, at: dt.datetime = SIGNUP) -> Decoded[ProfileSubmitted]:
    profile = ProfileIn.model_validate({
        "email": email_of(pid), "name": "Camille Martin", "year_of_birth": 1988, "highest_degree": "BAC_BACPRO",
        "projects": [{"target_job": {"rome_code": "M1607"}, "city": {"name": "Toulouse", "departement_id": "31"}}],
    })
    data = ProfileSubmitted(profile_id=pid, version=version, submitted_at=at, profile=profile)
    event = Envelope.wrap(type=PROFILE_SUBMITTED.event_types[0], source="/tests", subject=pid, data=data)
    return Decoded(event, data)


async def sign_up(settings: FollowupSettings, store: Store, *pids: str) -> None:
    output = await SignupStage(store, settings).handle([submitted(pid) for pid in pids])
    await output.store()


def person_docs(store: Store, pid: str) -> dict[str, list[dict[str, Any]]]:
    """Every document about the person, whatever its collection (a scan: fine in a test)."""
    return {
        name: sorted(
            (d for d in store.db[name].find({}) if d["_id"] == pid or str(d["_id"]).startswith(f"{pid}:")),
            key=lambda d: str(d["_id"]),
        )
        for name in COLLECTIONS
    }


async def a_followed_person(settings: FollowupSettings, store: Store, pid: str) -> None:
    """Signed up, sent the first follow-up (relayed), answered it with a form, then sent the three-month survey
    (its email still waiting in the outbox)."""
    await sign_up(settings, store, pid)
    scheduler = Scheduler(store, settings, NoEmitter())
    scheduler.plan_batch(SIGNUP + 7 * DAY)
    store.mark_relayed("decisions", [f"{pid}:first-followup:1"], SIGNUP + 7 * DAY)
    claims = LinkClaims("survey", pid, "first-followup:1")
    answers.record_answer(store, claims, True, None, SIGNUP + 8 * DAY)
    form = SurveyForm.model_validate({"situation": "SEEKING", "helped": "YES", "scores": {"motivation": 4},
                                      "nps": 8, "free_text": FREE_TEXT})
    answers.record_answer(store, claims, None, form, SIGNUP + 8 * DAY)
    store.mark_relayed("answers", [f"{pid}:first-followup:1:click"], SIGNUP + 8 * DAY)
    scheduler.plan_batch(SIGNUP + 91 * DAY)


async def test_export_has_the_record_the_surveys_and_the_answers(settings: FollowupSettings, store: Store) -> None:
    pid, other = uuid.uuid4().hex, uuid.uuid4().hex
    await a_followed_person(settings, store, pid)
    await sign_up(settings, store, other)

    exported = privacy.export_person(store, pid)

    assert exported["person"]["email"] == email_of(pid)
    assert exported["person"]["features"]["year_of_birth"] == 1988
    assert exported["person"]["signed_up_at"] == SIGNUP.isoformat()
    assert exported["person"]["group"] == "TREATED"
    assert [s["survey_key"] for s in exported["surveys"]] == ["employment-status:1", "first-followup:1"]
    assert all(s["action"] == "send" and "outbox" not in s for s in exported["surveys"])
    assert dt.datetime.fromisoformat(exported["surveys"][1]["survey"]["sent_at"]) == SIGNUP + 7 * DAY
    assert [(a["survey_key"], a["step"]) for a in exported["answers"]] == [
        ("first-followup:1", "click"), ("first-followup:1", "form")]
    assert exported["answers"][1]["data"]["form"]["free_text"] == FREE_TEXT
    assert [t["back_at_work"] for t in exported["training_examples"]] == [False]
    assert exported["training_examples"][0]["features"]["year_of_birth"] == 1988
    assert other not in orjson.dumps(exported).decode()  # someone else's data is not in it
    orjson.dumps(exported)  # JSON values only


async def test_an_unknown_person_has_nothing(store: Store) -> None:
    assert privacy.export_person(store, uuid.uuid4().hex) == {
        "person": None, "surveys": [], "answers": [], "training_examples": []}


async def test_erasure_redacts_every_personal_field_and_keeps_the_figures(
    settings: FollowupSettings, store: Store,
) -> None:
    pid, other = uuid.uuid4().hex, uuid.uuid4().hex
    await a_followed_person(settings, store, pid)
    await a_followed_person(settings, store, other)
    other_before = person_docs(store, other)
    figures_before = kpis.compute(
        [SurveySent.model_validate(s) for s in store.sent_surveys()],
        [SurveyAnswered.model_validate(a) for a in store.answer_data()],
    )
    now = SIGNUP + 92 * DAY

    counts = privacy.erase_person(store, pid, now)

    assert counts == {"people": 1, "decisions": 2, "answers": 2, "training_examples": 1}
    docs = person_docs(store, pid)
    stored = json.dumps(docs, default=str)
    for personal in (email_of(pid), FREE_TEXT, "Camille", "Toulouse", "year_of_birth", "M1607"):
        assert personal not in stored, personal
    [person] = docs["people"]
    assert person["erased_at"] == now
    assert person["due_at"] is None
    assert (person["email"], person["features"], person["locale"]) == (None, None, None)
    assert (person["group"], person["signed_up_at"]) == ("TREATED", SIGNUP)  # what the trial's figures need
    assert docs["training_examples"] == []

    decisions = {d["survey_key"]: d for d in docs["decisions"]}
    assert decisions["first-followup:1"]["outbox"] == []  # relayed: its email copy is gone
    pending = decisions["employment-status:1"]
    assert not pending["relayed"]
    # Still waiting: the email will never be sent, the survey event (no address) still will.
    assert [r["topic"] for r in pending["outbox"]] == [SURVEYS.name]
    assert NOTIFICATIONS.name not in stored
    answers_by_step = {a["step"]: a for a in docs["answers"]}
    assert answers_by_step["click"]["outbox"] == []
    form = answers_by_step["form"]
    assert form["data"]["form"]["situation"] == "SEEKING"  # kept: counted by the figures, identifies nobody
    assert form["data"]["form"]["free_text"] is None
    [waiting] = form["outbox"]
    event = Envelope.from_json(waiting["value"]).payload(SurveyAnswered)
    assert event.form is not None
    assert (event.form.situation, event.form.free_text) == ("SEEKING", None)

    # The figures are unchanged and someone else's data untouched.
    figures_after = kpis.compute(
        [SurveySent.model_validate(s) for s in store.sent_surveys()],
        [SurveyAnswered.model_validate(a) for a in store.answer_data()],
    )
    assert figures_after == figures_before
    assert person_docs(store, other) == other_before


async def test_after_erasure_nothing_brings_the_person_back(settings: FollowupSettings, store: Store) -> None:
    pid = uuid.uuid4().hex
    await a_followed_person(settings, store, pid)
    privacy.erase_person(store, pid, SIGNUP + 92 * DAY)
    erased = person_docs(store, pid)

    # No survey planned any more, even much later.
    Scheduler(store, settings, NoEmitter()).plan_batch(SIGNUP + 400 * DAY)
    # A profile update or a replayed sign-up consumed after the erasure stores nothing.
    await (await SignupStage(store, settings).handle([submitted(pid), submitted(pid, 7)])).store()
    store.update_profile(pid, 8, {"email": email_of(pid)}, SIGNUP + 93 * DAY)
    assert person_docs(store, pid) == erased
    # Survey links and unsubscribing are refused.
    with pytest.raises(answers.Erased):
        answers.record_answer(store, LinkClaims("survey", pid, "employment-status:1"), True, None, SIGNUP + 93 * DAY)
    with pytest.raises(answers.Erased):
        answers.unsubscribe(store, LinkClaims("unsubscribe", pid, None), SIGNUP + 93 * DAY)


async def test_a_replayed_erasure_changes_nothing(settings: FollowupSettings, store: Store) -> None:
    pid = uuid.uuid4().hex
    await a_followed_person(settings, store, pid)
    first = privacy.erase_person(store, pid, SIGNUP + 92 * DAY)
    erased = person_docs(store, pid)

    again = privacy.erase_person(store, pid, SIGNUP + 95 * DAY)

    assert person_docs(store, pid) == erased  # erased_at included: the first erasure's time
    assert again == first | {"training_examples": 0}


async def test_a_person_erased_before_their_sign_up_is_consumed_is_never_stored(
    settings: FollowupSettings, store: Store,
) -> None:
    """`profile.submitted` and `privacy.requests` are different topics: a lagging sign-up may come after."""
    pid = uuid.uuid4().hex
    now = SIGNUP - DAY

    assert privacy.erase_person(store, pid, now) == {"people": 0, "decisions": 0, "answers": 0,
                                                      "training_examples": 0}
    await sign_up(settings, store, pid)

    [person] = person_docs(store, pid)["people"]
    assert (person["email"], person["erased_at"], person["due_at"]) == (None, now, None)
    Scheduler(store, settings, NoEmitter()).plan_batch(SIGNUP + 30 * DAY)
    assert person_docs(store, pid)["decisions"] == []
    assert privacy.export_person(store, pid)["person"]["email"] is None


class RecordingEmitter:
    def __init__(self) -> None:
        self.topics: list[str] = []

    def emit(self, records: list[OutboxRecord]) -> None:
        self.topics.extend(r.topic for r in records)


async def test_a_survey_decided_just_before_an_erasure_is_not_emailed(
    settings: FollowupSettings, store: Store
) -> None:
    """The tick read the person before the erasure and recorded its decision after it: the relay drops the email
    (the survey stays counted as decided, with no personal data in it)."""
    pid = uuid.uuid4().hex
    await sign_up(settings, store, pid)
    emitter = RecordingEmitter()
    scheduler = Scheduler(store, settings, emitter)
    scheduler.plan_batch(SIGNUP + 7 * DAY)
    store.db["people"].update_one({"_id": pid}, {"$set": {"erased_at": SIGNUP + 7 * DAY}})
    scheduler.relay(SIGNUP + 7 * DAY)
    assert emitter.topics
    assert NOTIFICATIONS.name not in emitter.topics
