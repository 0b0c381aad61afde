"""The answer every service gives to a privacy request (`PrivacyAnswers`): an export part or an erasure report,
with a stable id and the request's trace."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest.mock import MagicMock

import pytest

from shared.crypto.cipher import SealError
from shared.messaging import tracing
from shared.messaging.consumer import Runner
from shared.messaging.envelope import Envelope
from shared.messaging.factory import EventFactory
from shared.messaging.privacy import PrivacyAnswers, answer
from shared.schemas.privacy import ErasureCompleted, ExportPart, PrivacyRequested
from shared.topics import PRIVACY_ANSWERS, PRIVACY_REQUESTS
from tests.unit.keys import MemoryKeys

NOW = dt.datetime(2026, 5, 4, 9, 30, tzinfo=dt.UTC)
TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
PUBLIC = "https://bob.example"


class Calls:
    """Records what the service's handlers were asked."""

    def __init__(self) -> None:
        self.exported: list[str] = []
        self.erased: list[tuple[str, dt.datetime]] = []

    def export(self, person_id: str) -> dict[str, Any]:
        self.exported.append(person_id)
        return {"results": [{"version": 1, "at": "2026-05-01T00:00:00+00:00"}]}

    def erase(self, person_id: str, now: dt.datetime) -> dict[str, int]:
        self.erased.append((person_id, now))
        return {"results": 2, "gates": 1}


def request(kind: str, request_id: str = "req-1", person_id: str = "person-1") -> Envelope[PrivacyRequested]:
    data = PrivacyRequested.model_validate({"request_id": request_id, "person_id": person_id, "kind": kind})
    _, event = EventFactory("profile", PUBLIC).event(
        f"privacy.{kind}.requested", person_id, data, entity=request_id, time=NOW
    )
    return event.model_copy(update={"traceparent": TRACE})


KEYS = MemoryKeys()


def agent(service: str, calls: Calls) -> PrivacyAnswers:
    return PrivacyAnswers(service, calls.export, calls.erase, EventFactory(service, PUBLIC), KEYS)


def test_an_export_request_is_answered_with_the_services_records_sealed() -> None:
    calls = Calls()
    KEYS.key("person-1")  # every account has its data key
    topic, reply = answer(request("export"), "diagnosis", calls.export, calls.erase, NOW,
                          EventFactory("diagnosis", PUBLIC), KEYS)
    assert calls.exported == ["person-1"]
    assert calls.erased == []
    assert topic == PRIVACY_ANSWERS.name
    assert reply.type == "privacy.export.part"
    assert (reply.subject, reply.key, reply.source, reply.time) == (
        "person-1", b"person-1", "/services/diagnosis", NOW
    )
    assert reply.dataschema == f"{PUBLIC}/api/v1/events/schemas/privacy.export.part.v2.json"
    assert isinstance(reply.data, ExportPart)
    assert (reply.data.request_id, reply.data.person_id, reply.data.service) == ("req-1", "person-1", "diagnosis")
    assert "2026-05-01" not in reply.to_json().decode()
    assert reply.data.records(KEYS.key("person-1")) == {"results": [{"version": 1, "at": "2026-05-01T00:00:00+00:00"}]}
    with pytest.raises(SealError):
        reply.data.records(KEYS.key("person-2"))
    assert tracing.trace_id(reply.traceparent) == tracing.trace_id(TRACE), "the answer continues the request's trace"


def test_an_erasure_request_is_answered_with_the_counts() -> None:
    calls = Calls()
    _, reply = answer(request("erasure"), "advice", calls.export, calls.erase, NOW, EventFactory("advice", PUBLIC),
                      KEYS)
    assert calls.erased == [("person-1", NOW)]
    assert calls.exported == []
    assert reply.type == "privacy.erasure.completed"
    assert reply.source == "/services/advice"
    assert reply.data == ErasureCompleted(
        request_id="req-1", person_id="person-1", service="advice", counts={"results": 2, "gates": 1}
    )


@pytest.mark.parametrize("kind", ["export", "erasure"])
async def test_a_replayed_request_gets_the_same_answer_id(kind: str) -> None:
    privacy = agent("followup", Calls())
    first = await privacy.handle([request(kind)])
    again = await privacy.handle([request(kind)])
    assert first.events[0].event.id == again.events[0].event.id


async def test_answer_ids_differ_per_service_and_per_request() -> None:
    ids: set[str] = set()
    for service in ("diagnosis", "advice", "followup"):
        output = await agent(service, Calls()).handle([request("export", "req-1"), request("export", "req-2")])
        ids.update(e.id for _, e in output.events)
    assert len(ids) == 6


async def test_a_failing_handler_is_not_swallowed() -> None:
    """A request that cannot be honoured must not be answered as if it had been."""

    def broken(person_id: str, now: dt.datetime) -> dict[str, int]:
        raise RuntimeError("database down")

    privacy = PrivacyAnswers("advice", Calls().export, broken, EventFactory("advice", PUBLIC), KEYS)
    with pytest.raises(RuntimeError, match="database down"):
        await privacy.handle([request("erasure")])


async def test_every_request_on_the_topic_is_answered_through_the_consumer_base() -> None:
    calls = Calls()
    privacy = agent("pledges", calls)
    assert privacy.name == "pledges-privacy"
    assert privacy.topic is PRIVACY_REQUESTS
    assert privacy.attempts is None, "a GDPR request is retried for ever, never dead-lettered"
    batch = await Runner(MagicMock(), privacy, privacy.factory).compute(
        [request("export", "req-1").to_json(), request("erasure", "req-2", "person-2").to_json()]
    )
    assert batch.dead == []
    assert [(topic, e.type, e.subject) for topic, e in batch.output.events] == [
        (PRIVACY_ANSWERS.name, "privacy.export.part", "person-1"),
        (PRIVACY_ANSWERS.name, "privacy.erasure.completed", "person-2"),
    ]
    assert calls.exported == ["person-1"]
    assert [person for person, _ in calls.erased] == ["person-2"]


def test_a_person_without_a_key_gets_an_empty_export_part_and_the_erasure_drops_the_cached_key() -> None:
    keys = MemoryKeys()
    key = keys.key("person-1")
    assert keys.get("person-1") == key  # now cached
    calls = Calls()
    answer(request("erasure"), "advice", calls.export, calls.erase, NOW, EventFactory("advice", PUBLIC), keys)
    keys.stored.clear()  # the profile service destroyed the key
    assert keys.get("person-1") is None, "no cached copy outlives the erasure"
    _, reply = answer(request("export", "req-2"), "advice", calls.export, calls.erase, NOW,
                      EventFactory("advice", PUBLIC), keys)
    assert reply.data.sealed is None
    assert reply.data.records(key) == {}
