"""The diagnosis stage's batch handling without Kafka or MongoDB: one result per profile version, events with
deterministic ids that continue the cause's trace, documents ready to store."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from services.diagnosis.model.employability import EmployabilityModel
from services.diagnosis.service import DiagnosisStage
from shared.messaging.envelope import Envelope
from shared.messaging.factory import EventFactory, event_id
from shared.messaging.tracing import trace_id
from shared.referential.repository import ReferentialCache
from shared.results import decode_result
from shared.schemas.profile import ProfileSubmitted
from shared.topics import DIAGNOSIS_COMPLETED
from tests.unit.diagnosis.builders import profile

NOW = dt.datetime(2024, 7, 1, 8, 0, tzinfo=dt.UTC)
PROFILES = EventFactory("profile", "http://bob.test")


@pytest.fixture(scope="module")
def stage() -> DiagnosisStage:
    return DiagnosisStage(
        ReferentialCache.from_seed(), EmployabilityModel.load(), EventFactory("diagnosis", "http://bob.test"),
        clock=lambda: NOW,
    )


def submitted(profile_id: str, version: int, entity: str | None = None) -> Envelope[Any]:
    data = ProfileSubmitted(profile_id=profile_id, version=version, submitted_at=NOW, profile=profile())
    return PROFILES.event("profile.submitted", profile_id, data, entity=entity or f"{profile_id}:{version}").event


async def test_each_version_gets_one_diagnosis_event_with_a_deterministic_id(stage: DiagnosisStage) -> None:
    first, second = submitted("p1", 1), submitted("p1", 2)

    output = await stage.handle([first, second])

    assert [topic for topic, _ in output.events] == [DIAGNOSIS_COMPLETED.name] * 2
    made = [event for _, event in output.events]
    assert [e.data.profile_version for e in made] == [1, 2]
    assert [e.id for e in made] == [
        event_id("/services/diagnosis", "diagnosis.completed", f"p1:{v}") for v in (1, 2)
    ]
    assert {e.subject for e in made} == {"p1"}
    assert all(e.time == NOW and e.source == "/services/diagnosis" for e in made)
    # Each diagnosis continues the trace of the profile event that caused it.
    assert [trace_id(e.traceparent) for e in made] == [trace_id(first.traceparent), trace_id(second.traceparent)]


async def test_a_replayed_event_yields_the_same_event_id(stage: DiagnosisStage) -> None:
    event = submitted("p2", 1)
    once = await stage.handle([event])
    again = await stage.handle([event])
    assert [e.id for _, e in once.events] == [e.id for _, e in again.events]


async def test_two_events_of_one_version_give_one_result_and_one_duplicate(
    stage: DiagnosisStage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two different events (ids) for the same profile version: computed, emitted and stored once."""
    inserted: list[dict[str, Any]] = []

    def insert(target: object, documents: list[dict[str, Any]]) -> int:
        inserted.extend(documents)
        return 0  # none was stored before

    monkeypatch.setattr("services.diagnosis.service.collection", lambda _: "diagnoses")
    monkeypatch.setattr("services.diagnosis.service.insert_ignoring_duplicates", insert)
    cause = submitted("p3", 1)

    output = await stage.handle([cause, submitted("p3", 1, entity="re-sent")])

    [(_, event)] = output.events
    assert await output.store() == 1
    [document] = inserted
    assert {k: document[k] for k in ("_id", "profile_id", "profile_version", "computed_at")} == {
        "_id": "p3:1", "profile_id": "p3", "profile_version": 1, "computed_at": NOW,
    }
    assert document["source_event_id"] in {cause.id, event_id("/services/profile", "profile.submitted", "re-sent")}
    stored = decode_result(document["result_blob"])
    assert stored["diagnosis"]["main_challenge"] == event.data.diagnosis.main_challenge
    assert stored["market"] is not None
