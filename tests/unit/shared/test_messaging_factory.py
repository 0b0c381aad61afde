"""The event factory: topic, model and version from the registry, deterministic ids, the trace carried on."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest

from shared.messaging import tracing
from shared.messaging.contracts import UnregisteredEvent
from shared.messaging.factory import EVENT_IDS, EventFactory, event_id, schema_url
from shared.schemas.privacy import ErasureCompleted, ExportPart, PrivacyRequested
from shared.topics import PRIVACY_ANSWERS, PRIVACY_REQUESTS

NOW = dt.datetime(2026, 5, 4, 9, 30, tzinfo=dt.UTC)
TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
PUBLIC = "https://bob.example/"
REQUEST = PrivacyRequested(request_id="r-1", person_id="person-1", kind="erasure")
ERASED = ErasureCompleted(request_id="r-1", person_id="person-1", service="advice", counts={"results": 1})


@pytest.fixture(autouse=True)
def no_request() -> Iterator[None]:
    """Each test starts outside any HTTP request."""
    token = tracing.current.set(None)
    yield
    tracing.current.reset(token)


def test_the_event_takes_its_topic_version_and_schema_from_the_registry() -> None:
    topic, event = EventFactory("profile", PUBLIC).event(
        "privacy.erasure.requested", "person-1", REQUEST, entity="r-1", time=NOW
    )
    assert topic == PRIVACY_REQUESTS.name
    assert event.type == "privacy.erasure.requested"
    assert event.source == "/services/profile"
    assert (event.subject, event.key, event.time) == ("person-1", b"person-1", NOW)
    assert event.schemaversion == 1
    assert event.dataschema == "https://bob.example/api/v1/events/schemas/privacy.erasure.requested.v1.json"
    assert event.data is REQUEST


def test_the_id_is_derived_from_source_type_and_entity() -> None:
    factory = EventFactory("profile", PUBLIC)
    first = factory.event("privacy.erasure.requested", "person-1", REQUEST, entity="r-1", time=NOW).event
    replay = factory.event("privacy.erasure.requested", "person-1", REQUEST, entity="r-1").event
    assert first.id == replay.id == str(uuid.uuid5(EVENT_IDS, "/services/profile:privacy.erasure.requested:r-1"))
    assert first.id == event_id("/services/profile", "privacy.erasure.requested", "r-1")
    others = {
        factory.event("privacy.erasure.requested", "person-1", REQUEST, entity="r-2").event.id,
        factory.event("privacy.export.requested", "person-1", REQUEST, entity="r-1").event.id,
        EventFactory("pledges", PUBLIC).event("privacy.erasure.requested", "person-1", REQUEST, entity="r-1").event.id,
    }
    assert first.id not in others
    assert len(others) == 3


def test_an_event_continues_the_trace_of_its_cause() -> None:
    cause = EventFactory("profile", PUBLIC).event("privacy.erasure.requested", "p", REQUEST, entity="r-1").event
    cause = cause.model_copy(update={"traceparent": TRACE})
    topic, answer = EventFactory("advice", PUBLIC).event(
        "privacy.erasure.completed", "person-1", ERASED, entity="r-1", cause=cause
    )
    assert topic == PRIVACY_ANSWERS.name
    assert answer.traceparent is not None
    assert tracing.trace_id(answer.traceparent) == tracing.trace_id(TRACE)
    assert answer.traceparent != TRACE, "a new span of the same trace"


def test_outside_a_cause_the_event_continues_the_current_request() -> None:
    factory = EventFactory("profile", PUBLIC)
    tracing.current.set(TRACE)
    event = factory.event("privacy.erasure.requested", "person-1", REQUEST, entity="r-1").event
    assert tracing.trace_id(event.traceparent) == "4bf92f3577b34da6a3ce929d0e0e4736"


def test_without_request_or_cause_the_event_starts_a_trace() -> None:
    factory = EventFactory("profile", PUBLIC)
    first = factory.event("privacy.erasure.requested", "person-1", REQUEST, entity="r-1").event
    second = factory.event("privacy.erasure.requested", "person-1", REQUEST, entity="r-1").event
    assert tracing.is_valid(first.traceparent)
    assert tracing.trace_id(first.traceparent) != tracing.trace_id(second.traceparent)


def test_a_wrong_model_or_an_unregistered_type_is_refused() -> None:
    factory = EventFactory("advice", PUBLIC)
    with pytest.raises(TypeError, match="privacy.erasure.completed carries ErasureCompleted, not ExportPart"):
        factory.event("privacy.erasure.completed", "person-1", ExportPart(
            request_id="r-1", person_id="person-1", service="advice", sealed=None), entity="r-1")
    with pytest.raises(UnregisteredEvent):
        factory.event("advice.invented", "person-1", ERASED, entity="r-1")


def test_the_schema_url_names_the_published_catalogue_file() -> None:
    assert schema_url("http://127.0.0.1:8000", "advice.generated", 2) == (
        "http://127.0.0.1:8000/api/v1/events/schemas/advice.generated.v2.json"
    )
