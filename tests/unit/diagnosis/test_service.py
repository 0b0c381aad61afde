"""The diagnosis stage's batch handling without Kafka or MongoDB: one result per profile version, events with
deterministic ids that continue the cause's trace, documents ready to store."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from services.diagnosis.model.employability import EmployabilityModel
from services.diagnosis.service import DiagnosisStage, LiveModel
from shared.crypto.cipher import SealError, new_key
from shared.messaging.envelope import Envelope
from shared.messaging.factory import EventFactory, event_id
from shared.messaging.tracing import trace_id
from shared.referential.repository import ReferentialCache
from shared.results import decode_result
from shared.schemas.profile import ProfileSubmitted
from shared.topics import DIAGNOSIS_COMPLETED
from tests.unit.diagnosis.builders import profile
from tests.unit.keys import MemoryKeys

NOW = dt.datetime(2024, 7, 1, 8, 0, tzinfo=dt.UTC)
PROFILES = EventFactory("profile", "http://bob.test")
KEYS = MemoryKeys()


@pytest.fixture(scope="module")
def stage() -> DiagnosisStage:
    return DiagnosisStage(
        ReferentialCache.from_seed(), LiveModel(EmployabilityModel.load()), EventFactory("diagnosis", "http://bob.test"),
        KEYS,
        clock=lambda: NOW,
    )


def submitted(profile_id: str, version: int, entity: str | None = None, **changes: Any) -> Envelope[Any]:
    person = profile().model_copy(update=changes)
    data = ProfileSubmitted(profile_id=profile_id, version=version, submitted_at=NOW, profile=person)
    sealed = data.sealed(KEYS.key(profile_id))
    return PROFILES.event("profile.submitted", profile_id, sealed, entity=entity or f"{profile_id}:{version}").event


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
    """Two different events (ids) for the same profile version: computed, emitted and stored once, with the
    features the estimate was computed from (to learn from its outcome)."""
    inserted: dict[str, list[dict[str, Any]]] = {"diagnoses": [], "model_inputs": []}

    def insert(target: str, documents: list[dict[str, Any]]) -> int:
        inserted[target].extend(documents)
        return 0  # none was stored before

    monkeypatch.setattr("services.diagnosis.service.collection", lambda _: "diagnoses")
    monkeypatch.setattr("services.diagnosis.service.model_inputs", lambda: "model_inputs")
    monkeypatch.setattr("services.diagnosis.service.insert_ignoring_duplicates", insert)
    monkeypatch.setattr("services.diagnosis.service.drop_erased", lambda *_: 0)  # nobody erased
    cause = submitted("p3", 1)

    output = await stage.handle([cause, submitted("p3", 1, entity="re-sent")])

    [(_, event)] = output.events
    assert await output.store() == 1
    [document] = inserted["diagnoses"]
    [model_input] = inserted["model_inputs"]
    assert model_input["_id"] == "p3:1"
    assert len(model_input["features"]) == 18
    assert model_input["model_version"] == "employability-v1"
    assert set(model_input["groups"]) >= {"age_band", "handicap"}
    assert {k: document[k] for k in ("_id", "profile_id", "profile_version", "computed_at")} == {
        "_id": "p3:1", "profile_id": "p3", "profile_version": 1, "computed_at": NOW,
    }
    assert document["source_event_id"] in {cause.id, event_id("/services/profile", "profile.submitted", "re-sent")}
    stored = decode_result(document["result_blob"])
    assert stored["diagnosis"]["main_challenge"] == event.data.opened(KEYS.key("p3")).diagnosis.main_challenge
    assert stored["market"] is not None


async def test_the_diagnosis_is_sealed_with_the_person_key_and_forwards_the_contact_unopened(
    stage: DiagnosisStage,
) -> None:
    # Readable text cannot hide in a token by chance: "@", "." and "ï" are not base64url.
    cause = submitted("p4", 1, email="ana@example.org", name="Anaïs", has_handicap=True)

    [(_, event)] = (await stage.handle([cause])).events

    text = event.to_json().decode()
    assert "ana@example.org" not in text
    assert "Anaïs" not in text
    assert "has_handicap" not in text
    assert event.data.contact == cause.data.contact  # the very token: diagnosis never opened it
    opened = event.data.opened(KEYS.key("p4"))
    assert opened.profile.has_handicap
    assert (opened.profile.email, opened.profile.name) == (None, None)
    assert opened.diagnosis.main_challenge in {step.challenge for step in opened.diagnosis.train}
    with pytest.raises(SealError):
        event.data.opened(KEYS.key("someone-else"))


async def test_an_erased_person_profile_is_skipped(stage: DiagnosisStage) -> None:
    kept, erased = submitted("p5", 1), submitted("p6", 1)
    KEYS.destroy("p6")

    output = await stage.handle([kept, erased])

    assert [event.subject for _, event in output.events] == ["p5"]


async def test_a_profile_sealed_with_another_key_fails_and_is_not_diagnosed(stage: DiagnosisStage) -> None:
    forged = submitted("p7", 1)
    KEYS.stored["p7"] = new_key()  # not the key it was sealed with
    KEYS.forget("p7")

    with pytest.raises(SealError):  # the consumer base dead-letters it
        await stage.handle([forged])
