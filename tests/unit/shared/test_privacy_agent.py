"""The answer every service gives to a privacy request: an export part or an erasure report, with a stable id."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from shared.events import Envelope
from shared.privacy_agent import answer
from shared.schemas.privacy import ErasureCompleted, ExportPart, PrivacyRequested
from shared.topics import PRIVACY_ANSWERS

NOW = dt.datetime(2026, 5, 4, 9, 30, tzinfo=dt.UTC)


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


def request(kind: str, request_id: str = "req-1", person_id: str = "person-1") -> PrivacyRequested:
    return PrivacyRequested.model_validate({"request_id": request_id, "person_id": person_id, "kind": kind})


def test_an_export_request_is_answered_with_the_services_records() -> None:
    calls = Calls()
    reply = answer(request("export"), "diagnosis", calls.export, calls.erase, NOW)

    assert calls.exported == ["person-1"]
    assert calls.erased == []
    assert reply.type == "privacy.export.part"
    assert reply.type in PRIVACY_ANSWERS.event_types
    assert reply.subject == "person-1"
    assert reply.key == b"person-1"
    assert reply.source == "/services/diagnosis"
    assert reply.time == NOW
    assert reply.dataschema == "urn:bob:schema:privacy.export.part:v1"
    assert reply.data == ExportPart(
        request_id="req-1", person_id="person-1", service="diagnosis",
        records={"results": [{"version": 1, "at": "2026-05-01T00:00:00+00:00"}]},
    )
    parsed = Envelope.from_json(reply.to_json())
    assert parsed.payload(ExportPart) == reply.data


def test_an_erasure_request_is_answered_with_the_counts() -> None:
    calls = Calls()
    reply = answer(request("erasure"), "advice", calls.export, calls.erase, NOW)

    assert calls.erased == [("person-1", NOW)]
    assert calls.exported == []
    assert reply.type == "privacy.erasure.completed"
    assert reply.type in PRIVACY_ANSWERS.event_types
    assert reply.subject == "person-1"
    assert reply.source == "/services/advice"
    assert reply.data == ErasureCompleted(
        request_id="req-1", person_id="person-1", service="advice", counts={"results": 2, "gates": 1}
    )
    assert Envelope.from_json(reply.to_json()).payload(ErasureCompleted) == reply.data


@pytest.mark.parametrize("kind", ["export", "erasure"])
def test_a_replayed_request_gets_the_same_answer_id(kind: str) -> None:
    calls = Calls()
    first = answer(request(kind), "followup", calls.export, calls.erase, NOW)
    again = answer(request(kind), "followup", calls.export, calls.erase, NOW + dt.timedelta(minutes=5))
    assert first.id == again.id


def test_answer_ids_differ_per_service_and_per_request() -> None:
    calls = Calls()
    ids = {
        answer(request("export", request_id), service, calls.export, calls.erase, NOW).id
        for request_id in ("req-1", "req-2")
        for service in ("diagnosis", "advice", "followup")
    }
    assert len(ids) == 6


def test_a_failing_handler_is_not_swallowed() -> None:
    """A request that cannot be honoured must not be answered as if it had been."""

    def broken(person_id: str, now: dt.datetime) -> dict[str, int]:
        raise RuntimeError("database down")

    with pytest.raises(RuntimeError, match="database down"):
        answer(request("erasure"), "advice", Calls().export, broken, NOW)
