"""Export and erasure of a person's advice, trial gate state and action plan, against the real database (FerretDB or
MongoDB)."""

from __future__ import annotations

import datetime as dt
import uuid
import zlib
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from bson import Binary

from services.advice.adapters import experiment, feedback, plans, privacy
from services.advice.adapters.results import AdviceList
from services.advice.domain.plans import Plan, PlannedAction, StaleRevision
from services.advice.service import AdviceStage
from shared.messaging.envelope import Envelope
from shared.messaging.factory import EventFactory
from shared.mongo import as_utc
from shared.results import collection
from shared.schemas.diagnosis import ChallengeId, Text
from shared.schemas.engagement import ActionState
from shared.schemas.followup import AdviceReleased, Group, GroupAssigned
from tests.support import scratch_db
from tests.unit.advice.factories import make_event
from tests.unit.keys import MemoryKeys

pytestmark = [pytest.mark.integration]

SIGNUP = dt.datetime(2026, 2, 1, 8, 0, tzinfo=dt.UTC)
RELEASED = SIGNUP + dt.timedelta(days=98)
NOW = dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC)
DIAGNOSES = EventFactory("diagnosis", "http://bob.test")


NOTHING: dict[str, Any] = {
    "action_plan": None, "action_plan_history": [], "advice": [], "experiment_assignment": None, "feedback": []}
NOTHING_ERASED = {
    "advice": 0, "experiment_assignments": 0, "action_plans": 0, "action_plan_revisions": 0, "feedback": 0}


@pytest.fixture
def advice_db(mongo_url: str) -> Iterator[None]:
    with scratch_db(mongo_url, "test_advice_privacy"):
        yield


def result(version: int) -> dict[str, Any]:
    return {"main_challenge": "stuck-market", "advice": [{"id": "improve-resume", "version": version}]}


def store_advice(person_id: str, *versions: int) -> None:
    """As the advice stage stores them: one document per version, the result compressed."""
    collection(AdviceList).insert_many([
        {"_id": f"{person_id}:{v}", "profile_id": person_id, "profile_version": v, "source_event_id": f"event-{v}",
         "computed_at": SIGNUP + dt.timedelta(days=v),
         "result_blob": Binary(zlib.compress(orjson.dumps(result(v))))}
        for v in versions
    ])


def assign(person_id: str, group: Group = Group.CONTROL) -> None:
    experiment.save_assignments([GroupAssigned(
        profile_id=person_id, group=group, seed="test", control_share=0.5, draw=0.2, signed_up_at=SIGNUP,
        release_after=RELEASED,
    )])


def test_export_has_the_advice_and_the_gate_state(advice_db: None) -> None:
    person, other = uuid.uuid4().hex, uuid.uuid4().hex
    store_advice(person, 1, 2)
    store_advice(other, 1)
    assign(person)
    experiment.save_releases([AdviceReleased(profile_id=person, released_at=RELEASED, reason="survey-answered")])

    exported = privacy.export_person(person)

    assert exported["advice"] == [
        {"profile_version": v, "computed_at": (SIGNUP + dt.timedelta(days=v)).isoformat(),
         "source_event_id": f"event-{v}", "result": result(v)}
        for v in (1, 2)
    ]
    assert exported["experiment_assignment"] == {
        "group": "CONTROL", "release_after": RELEASED.isoformat(), "released_at": RELEASED.isoformat(),
    }
    orjson.dumps(exported)  # JSON values only


def test_erasure_deletes_the_advice_and_the_gate_state_of_that_person_only(advice_db: None) -> None:
    person, other = uuid.uuid4().hex, uuid.uuid4().hex
    for pid in (person, other):
        store_advice(pid, 1, 2, 3)
        assign(pid)

    assert privacy.erase_person(person, NOW) == {
        **NOTHING_ERASED, "advice": 3, "experiment_assignments": 1}

    assert privacy.export_person(person) == NOTHING
    assert experiment.find(person) is None
    assert collection(AdviceList).count_documents({"profile_id": person}) == 0
    kept = privacy.export_person(other)
    assert len(kept["advice"]) == 3
    assert experiment.find(other) is not None
    # A replayed request erases nothing more.
    assert privacy.erase_person(person, NOW) == NOTHING_ERASED


def test_a_release_stored_before_its_assignment_is_erased_too(advice_db: None) -> None:
    """The gate document exists as soon as either event arrived."""
    person = uuid.uuid4().hex
    experiment.save_releases([AdviceReleased(profile_id=person, released_at=RELEASED, reason="survey-answered")])

    assert privacy.export_person(person)["experiment_assignment"] == {
        "group": None, "release_after": None, "released_at": RELEASED.isoformat(),
    }
    assert privacy.erase_person(person, NOW) == {**NOTHING_ERASED, "experiment_assignments": 1}
    assert privacy.export_person(person) == NOTHING
    assert_only_the_marker(person)


def test_trial_events_consumed_after_the_erasure_store_nothing(advice_db: None) -> None:
    """The followup service sends a person's group as it reads their profile: an erasure may overtake it here."""
    person = uuid.uuid4().hex
    assert privacy.erase_person(person, NOW) == NOTHING_ERASED

    assign(person)
    experiment.save_releases([AdviceReleased(profile_id=person, released_at=RELEASED, reason="survey-answered")])

    assert experiment.find(person) is None
    assert privacy.export_person(person) == NOTHING
    assert_only_the_marker(person)
    assert privacy.erase_person(person, NOW) == NOTHING_ERASED


def assert_only_the_marker(person: str) -> None:
    marker = experiment.assignments().find_one({"_id": person})
    assert marker is not None
    assert set(marker) == {"_id", "erased_at"}
    assert as_utc(marker["erased_at"]) == NOW


def test_a_version_missing_in_between_does_not_hide_the_later_ones(advice_db: None) -> None:
    person = uuid.uuid4().hex
    store_advice(person, 1, 2, 4)

    assert [a["profile_version"] for a in privacy.export_person(person)["advice"]] == [1, 2, 4]
    assert privacy.erase_person(person, NOW)["advice"] == 3


def test_an_unknown_person_has_nothing(advice_db: None) -> None:
    assert privacy.export_person(uuid.uuid4().hex) == NOTHING
    assert privacy.erase_person(uuid.uuid4().hex, NOW) == NOTHING_ERASED


def plan(person_id: str, revision: int, state: ActionState = ActionState.TODO) -> Plan:
    return Plan(
        profile_id=person_id, revision=revision, main_challenge=ChallengeId.STUCK_MARKET, strategy_id="widen-area",
        strategy_title=Text(fr="s", en="s"), strategy_why=Text(fr="w", en="w"),
        actions=[PlannedAction(id="commute-alerts", module_id="commute", title=Text(fr="a", en="a"), state=state,
                               note="trop loin" if state is ActionState.STUCK else None, updated_at=NOW)],
        created_at=NOW, updated_at=NOW + dt.timedelta(minutes=revision),
    )


def test_the_plan_is_exported_with_its_history_and_erased_for_that_person_only(advice_db: None) -> None:
    person, other = uuid.uuid4().hex, uuid.uuid4().hex
    plans.save(plan(person, 1), "entry-1")
    plans.save(plan(person, 2, ActionState.STUCK), None)
    plans.save(plan(other, 1), None)

    exported = privacy.export_person(person)
    assert exported["action_plan"]["revision"] == 2
    assert exported["action_plan"]["actions"][0]["note"] == "trop loin"
    assert [(h["revision"], h["plan"]["actions"][0]["state"]) for h in exported["action_plan_history"]] == [
        (1, "todo"), (2, "stuck")]
    orjson.dumps(exported)

    assert privacy.erase_person(person, NOW) == {**NOTHING_ERASED, "action_plans": 1, "action_plan_revisions": 2}
    assert plans.load(person) is None
    assert privacy.export_person(person) == NOTHING
    assert plans.load(other) is not None


def test_a_revision_is_stored_once_and_readers_roll_forward_past_a_late_pointer(advice_db: None) -> None:
    person = uuid.uuid4().hex
    plans.save(plan(person, 1), None)
    with pytest.raises(StaleRevision):
        plans.save(plan(person, 1, ActionState.DONE), None)  # a second writer that read the same revision
    plans.save(plan(person, 2, ActionState.DONE), None)
    plans.save(plan(person, 3), None)
    # A writer's pointer update that lands late (after a later one) does not hide the later revisions.
    plans.heads().replace_one({"_id": person}, {"revision": 1, "plan": plan(person, 1).model_dump(mode="json")})
    loaded = plans.load(person)
    assert loaded is not None
    assert loaded.revision == 3


def test_feedback_is_exported_then_erased_with_its_unsent_events(advice_db: None) -> None:
    person, other = uuid.uuid4().hex, uuid.uuid4().hex
    outbox = collection(AdviceList).database["outbox"]
    for pid in (person, other):
        outbox.insert_one({"_id": f"entry-{pid}", "records": [], "created_at": NOW})
        feedback.save({"_id": feedback.challenge_id(pid, 1), "kind": "challenge", "profile_id": pid,
                       "profile_version": 1, "main_challenge": "stuck-market", "agrees": True, "at": NOW,
                       "outbox_entry": f"entry-{pid}"})
        feedback.save({"_id": feedback.note_id(pid), "kind": "note", "profile_id": pid, "note": "merci", "at": NOW})

    exported = privacy.export_person(person)["feedback"]
    assert exported == [
        {"kind": "challenge", "profile_id": person, "profile_version": 1, "main_challenge": "stuck-market",
         "agrees": True, "at": NOW.isoformat()},
        {"kind": "note", "profile_id": person, "note": "merci", "at": NOW.isoformat()},
    ]
    assert privacy.erase_person(person, NOW)["feedback"] == 2
    assert privacy.export_person(person)["feedback"] == []
    assert outbox.find_one({"_id": f"entry-{person}"}) is None
    assert outbox.find_one({"_id": f"entry-{other}"}) is not None
    assert len(privacy.export_person(other)["feedback"]) == 2
    assert privacy.erase_person(person, NOW)["feedback"] == 0


async def test_an_advice_stored_after_the_erasure_is_dropped(advice_db: None) -> None:
    """The stage computed it from the person's diagnosis before their erasure, which found nothing to delete."""
    person, other = uuid.uuid4().hex, uuid.uuid4().hex
    keys = MemoryKeys()
    computed = await AdviceStage(EventFactory("advice", "http://bob.test"), keys).handle(
        [diagnosed(keys, person), diagnosed(keys, other)])

    privacy.erase_person(person, NOW)
    await computed.store()

    assert privacy.export_person(person) == NOTHING
    assert len(privacy.export_person(other)["advice"]) == 1


def diagnosed(keys: MemoryKeys, person_id: str) -> Envelope[Any]:
    data = make_event(challenge="stuck-market").model_copy(
        update={"profile_id": person_id, "profile_version": 1}).sealed(keys.key(person_id), None)
    return DIAGNOSES.event("diagnosis.completed", person_id, data, entity=f"{person_id}:1").event
