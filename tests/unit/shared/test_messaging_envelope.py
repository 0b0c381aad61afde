"""The envelope (CloudEvents 1.0, structured JSON) and the Kafka binding's record and headers."""

from __future__ import annotations

import datetime as dt

import orjson
import pytest
from pydantic import ValidationError

from shared.messaging import binding
from shared.messaging.envelope import Envelope, any_event, typed
from shared.schemas.privacy import PrivacyRequested

TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
DATA = PrivacyRequested(request_id="r-1", person_id="person-1", kind="export")


def envelope(traceparent: str | None = None) -> Envelope[PrivacyRequested]:
    return typed(PrivacyRequested)(
        id="e-1", source="/services/profile", type="privacy.export.requested",
        time=dt.datetime(2026, 5, 4, 9, 30, tzinfo=dt.UTC), subject="person-1",
        dataschema="https://bob.example/api/v1/events/schemas/privacy.export.requested.v1.json",
        traceparent=traceparent, data=DATA,
    )


def test_the_json_has_the_cloudevents_attributes_and_round_trips() -> None:
    event = envelope(TRACE)
    parsed = orjson.loads(event.to_json())
    assert parsed == {
        "specversion": "1.0", "id": "e-1", "source": "/services/profile", "type": "privacy.export.requested",
        "time": "2026-05-04T09:30:00Z", "subject": "person-1",
        "dataschema": "https://bob.example/api/v1/events/schemas/privacy.export.requested.v1.json",
        "schemaversion": 1, "datacontenttype": "application/json", "traceparent": TRACE,
        "data": {"request_id": "r-1", "person_id": "person-1", "kind": "export"},
    }
    assert typed(PrivacyRequested).model_validate_json(event.to_json()) == event
    assert any_event(event.to_json()).data == parsed["data"]


def test_without_a_trace_the_attribute_is_left_out_not_null() -> None:
    """CloudEvents attributes have no null value: `"traceparent": null` would break other SDKs."""
    text = envelope().to_json()
    assert b"traceparent" not in text
    assert typed(PrivacyRequested).model_validate_json(text).traceparent is None


def test_unknown_attributes_and_other_spec_versions_are_refused() -> None:
    good = orjson.loads(envelope().to_json())
    with pytest.raises(ValidationError):
        any_event(orjson.dumps({**good, "surprise": 1}))
    with pytest.raises(ValidationError):
        any_event(orjson.dumps({**good, "specversion": "0.3"}))


def test_the_envelope_is_immutable_and_keyed_by_its_subject() -> None:
    event = envelope()
    assert event.key == b"person-1"
    with pytest.raises(ValidationError):
        event.subject = "someone-else"  # type: ignore[misc]


def test_the_record_is_structured_mode_with_the_binding_headers() -> None:
    event = envelope(TRACE)
    key, value, headers = binding.record(event)
    assert key == b"person-1"
    assert value == event.to_json()
    assert headers == [
        ("content-type", b"application/cloudevents+json; charset=utf-8"),
        ("traceparent", TRACE.encode()),
    ]
    assert binding.headers(envelope()) == [("content-type", b"application/cloudevents+json; charset=utf-8")]


def test_a_header_is_found_whatever_its_case() -> None:
    found = [("Content-Type", b"application/cloudevents+json"), ("traceparent", TRACE.encode()), ("x", None)]
    assert binding.header(found, "content-type") == "application/cloudevents+json"
    assert binding.header(found, "traceparent") == TRACE
    assert binding.header(found, "x") is None
    assert binding.header(None, "traceparent") is None
