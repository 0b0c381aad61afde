"""The records the kit writes on the real broker are CloudEvents in the Kafka protocol binding's structured mode, as
the official CloudEvents SDK reads them: both ways of producing (a direct send, the outbox relay)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import pymongo
import pytest
from cloudevents.core.base import BaseCloudEvent
from cloudevents.core.bindings.kafka import KafkaMessage, from_structured
from cloudevents.core.formats.json import JSONFormat
from pymongo.database import Database

from shared.messaging import tracing
from shared.messaging.access import KafkaAccess
from shared.messaging.envelope import Envelope
from shared.messaging.factory import EventFactory, Outgoing
from shared.messaging.kafka import make_producer, send
from shared.messaging.outbox import Outbox, Relay
from shared.schemas.followup import Group, SurveyKind, SurveySent
from shared.topics import REGISTRY, SURVEYS
from tests.support import read_topic

# followup.surveys has no consumer in the platform: these test events disturb no running worker.
NOW = dt.datetime(2026, 5, 4, 9, 30, 15, 123000, tzinfo=dt.UTC)
TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
FACTORY = EventFactory("followup", "http://127.0.0.1:8000")


def survey_sent(person: str, traceparent: str | None) -> Outgoing:
    data = SurveySent(profile_id=person, kind=SurveyKind.FIRST_FOLLOWUP, round=1, signed_up_at=NOW,
                      group=Group.TREATED, sent_at=NOW)
    token = tracing.current.set(traceparent)
    try:
        outgoing = FACTORY.event("followup.survey.sent", person, data, entity=f"{person}:first:1", time=NOW)
    finally:
        tracing.current.reset(token)
    if traceparent is None:
        return Outgoing(outgoing.topic, outgoing.event.model_copy(update={"traceparent": None}))
    return outgoing


@pytest.fixture
def database(mongo_url: str) -> Iterator[Database[dict[str, Any]]]:
    name = f"binding_{uuid.uuid4().hex[:12]}"
    client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(mongo_url, serverSelectionTimeoutMS=10_000)
    try:
        yield client[name]
    finally:
        client.drop_database(name)
        client.close()


def read_back(bootstrap: KafkaAccess, sent: list[Envelope[Any]]) -> dict[str, Any]:
    """The records carrying these events, by event id."""
    subjects = {e.key for e in sent}
    found = {}
    for record in read_topic(bootstrap, SURVEYS.name):
        if record.key in subjects:
            found[REGISTRY.decode(record.value).id] = record
    assert set(found) == {e.id for e in sent}
    return found


def parse_with_the_sdk(record: Any) -> BaseCloudEvent:
    headers = {name: bytes(value) for name, value in record.headers}
    assert not any(name.startswith("ce_") for name in headers), "structured mode: no binary-mode headers"
    return from_structured(KafkaMessage(headers=headers, key=record.key, value=record.value), JSONFormat())


def assert_same_event(record: Any, ours: Envelope[Any]) -> None:
    headers = dict(record.headers)
    assert headers["content-type"].decode().startswith(JSONFormat.CONTENT_TYPE)
    assert headers["content-type"] == b"application/cloudevents+json; charset=utf-8"
    assert record.key == ours.subject.encode()

    event = parse_with_the_sdk(record)
    assert event.get_specversion() == "1.0"
    assert event.get_id() == ours.id
    assert event.get_type() == "followup.survey.sent"
    assert event.get_source() == "/services/followup"
    assert event.get_subject() == ours.subject
    assert event.get_time() == NOW
    assert event.get_datacontenttype() == "application/json"
    assert event.get_dataschema() == "http://127.0.0.1:8000/api/v1/events/schemas/followup.survey.sent.v1.json"
    assert event.get_extension("schemaversion") == 1
    assert event.get_extension("partitionkey") == ours.subject, "the SDK reads the record key as the partition key"
    assert event.get_data() == ours.data.model_dump(mode="json")
    if ours.traceparent is None:
        assert "traceparent" not in headers
        assert event.get_extension("traceparent") is None
    else:
        assert headers["traceparent"] == ours.traceparent.encode()
        assert event.get_extension("traceparent") == ours.traceparent
        assert tracing.trace_id(ours.traceparent) == tracing.trace_id(TRACE)


def test_a_direct_send_is_a_structured_cloudevent(kafka_bootstrap: KafkaAccess) -> None:
    person = uuid.uuid4().hex
    traced, untraced = survey_sent(person, TRACE), survey_sent(f"{person}-2", None)
    producer = make_producer(kafka_bootstrap)
    try:
        futures = [send(producer, topic, event) for topic, event in (traced, untraced)]
        producer.flush(timeout=30)
        for future in futures:
            future.get(timeout=30)  # type: ignore[attr-defined]
    finally:
        producer.close(timeout=5)

    records = read_back(kafka_bootstrap, [traced.event, untraced.event])
    for _, ours in (traced, untraced):
        assert_same_event(records[ours.id], ours)


def test_the_outbox_relay_writes_the_same_binding(
    kafka_bootstrap: KafkaAccess, database: Database[dict[str, Any]]
) -> None:
    person = uuid.uuid4().hex
    traced, untraced = survey_sent(person, TRACE), survey_sent(f"{person}-2", None)
    outbox = Outbox(lambda: database)
    outbox.add([Outbox.entry([traced, untraced], NOW)])
    relay = Relay(outbox, kafka_bootstrap, "tests")
    try:
        assert relay.relay_once() == 1
    finally:
        relay.close()
    assert outbox.count() == 0, "a relayed entry leaves the outbox"

    records = read_back(kafka_bootstrap, [traced.event, untraced.event])
    for _, ours in (traced, untraced):
        assert_same_event(records[ours.id], ours)
