"""The advice stages' batch handling without Kafka or MongoDB: one advice list per profile version, events with
deterministic ids that continue the diagnosis' trace; trial assignments and releases passed on to the store."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from services.advice.adapters import experiment
from services.advice.service import AdviceStage, AssignmentStage, ReleaseStage
from shared.messaging.envelope import Envelope
from shared.messaging.factory import EventFactory, event_id
from shared.messaging.tracing import trace_id
from shared.results import decode_result
from shared.schemas.followup import AdviceReleased, Group, GroupAssigned
from shared.topics import ADVICE_GENERATED
from tests.unit.advice.factories import make_event
from tests.unit.keys import MemoryKeys

NOW = dt.datetime(2024, 6, 1, 8, 0, tzinfo=dt.UTC)
DIAGNOSES = EventFactory("diagnosis", "http://bob.test")
FOLLOWUP = EventFactory("followup", "http://bob.test")


KEYS = MemoryKeys()


def diagnosed(profile_id: str, version: int, entity: str | None = None) -> Envelope[Any]:
    data = make_event(challenge="stuck-market").model_copy(
        update={"profile_id": profile_id, "profile_version": version}
    ).sealed(KEYS.key(profile_id), None)
    return DIAGNOSES.event("diagnosis.completed", profile_id, data, entity=entity or f"{profile_id}:{version}").event


def stage() -> AdviceStage:
    return AdviceStage(EventFactory("advice", "http://bob.test"), KEYS, clock=lambda: NOW)


async def test_each_version_gets_one_advice_event_with_a_deterministic_id() -> None:
    first, second = diagnosed("p1", 1), diagnosed("p1", 2)

    output = await stage().handle([first, second])

    assert [topic for topic, _ in output.events] == [ADVICE_GENERATED.name] * 2
    made = [event for _, event in output.events]
    opened = [e.data.opened(KEYS.key("p1")) for e in made]
    assert [(a.profile_version, a.main_challenge) for a in opened] == [(1, "stuck-market"), (2, "stuck-market")]
    assert [e.id for e in made] == [event_id("/services/advice", "advice.generated", f"p1:{v}") for v in (1, 2)]
    assert all(e.subject == "p1" and e.time == NOW for e in made)
    assert [trace_id(e.traceparent) for e in made] == [trace_id(first.traceparent), trace_id(second.traceparent)]
    again = await stage().handle([first])
    assert [e.id for _, e in again.events] == [made[0].id]


async def test_two_events_of_one_version_give_one_result_and_one_duplicate(monkeypatch: pytest.MonkeyPatch) -> None:
    inserted: list[dict[str, Any]] = []

    def insert(target: object, documents: list[dict[str, Any]]) -> int:
        inserted.extend(documents)
        return 0

    monkeypatch.setattr("services.advice.service.collection", lambda _: "advice")
    monkeypatch.setattr("services.advice.service.insert_ignoring_duplicates", insert)
    monkeypatch.setattr("services.advice.service.drop_erased", lambda *_: 0)  # nobody erased

    output = await stage().handle([diagnosed("p2", 1), diagnosed("p2", 1, entity="re-sent")])

    [(_, event)] = output.events
    assert await output.store() == 1
    [document] = inserted
    assert (document["_id"], document["profile_version"], document["computed_at"]) == ("p2:1", 1, NOW)
    assert decode_result(document["result_blob"]) == event.data.opened(KEYS.key("p2")).model_dump(
        mode="json", include={"main_challenge", "advice"})


async def test_advice_is_sealed_and_an_erased_person_gets_none() -> None:
    kept, erased = diagnosed("p3", 1), diagnosed("p4", 1)
    KEYS.destroy("p4")

    [(_, event)] = (await stage().handle([kept, erased])).events

    assert event.subject == "p3"
    assert "stuck-market" not in event.to_json().decode()
    assert event.data.opened(KEYS.key("p3")).main_challenge == "stuck-market"


async def test_assignments_and_releases_are_stored_without_events(monkeypatch: pytest.MonkeyPatch) -> None:
    saved: list[object] = []
    monkeypatch.setattr(experiment, "save_assignments", saved.extend)
    monkeypatch.setattr(experiment, "save_releases", saved.extend)
    assigned = GroupAssigned(
        profile_id="p3", group=Group.CONTROL, seed="s", control_share=0.5, draw=0.1, signed_up_at=NOW,
        release_after=NOW + dt.timedelta(days=98),
    )
    released = AdviceReleased(profile_id="p3", released_at=NOW, reason="survey-answered")

    assigned_event = FOLLOWUP.event("followup.assigned", "p3", assigned, entity="p3").event
    released_event = FOLLOWUP.event("followup.advice.released", "p3", released, entity="p3").event
    assignments = await AssignmentStage().handle([assigned_event])
    releases = await ReleaseStage().handle([released_event])
    assert assignments.events == releases.events == []
    await assignments.store()
    await releases.store()

    assert saved == [assigned, released]
