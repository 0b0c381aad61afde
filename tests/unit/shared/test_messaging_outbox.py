"""Outbox entries as stored, and what the relay sends for them (fake producer and outbox: no broker, no database)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest.mock import MagicMock

from shared.messaging.access import KafkaAccess
from shared.messaging.factory import EventFactory, Outgoing
from shared.messaging.outbox import Outbox, Relay
from shared.schemas.privacy import PrivacyRequested

NOW = dt.datetime(2026, 5, 4, 9, 30, tzinfo=dt.UTC)
TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
FACTORY = EventFactory("profile", "https://bob.example")
CONTENT_TYPE = ("content-type", b"application/cloudevents+json; charset=utf-8")


def request(person: str, kind: str = "export", traceparent: str | None = None) -> Outgoing:
    topic, event = FACTORY.event(
        f"privacy.{kind}.requested", person, PrivacyRequested(request_id=f"r-{person}", person_id=person, kind=kind),
        entity=f"r-{person}", time=NOW,
    )
    return Outgoing(topic, event.model_copy(update={"traceparent": traceparent}))


def test_an_entry_keeps_each_record_with_its_topic_key_value_and_trace() -> None:
    traced, untraced = request("p1", traceparent=TRACE), request("p2", "erasure")
    entry = Outbox.entry([traced, untraced], NOW, requires=("accounts", "p1"))
    assert entry["records"] == [
        {"topic": "privacy.requests", "key": "p1", "value": traced.event.to_json().decode(), "traceparent": TRACE},
        {"topic": "privacy.requests", "key": "p2", "value": untraced.event.to_json().decode(), "traceparent": None},
    ]
    assert entry["created_at"] == NOW
    assert entry["requires"] == {"collection": "accounts", "id": "p1"}
    assert "traceparent" not in entry["records"][1]["value"], "no null attribute in the envelope"


def test_entry_ids_are_fresh_unless_given() -> None:
    events = [request("p1")]
    assert Outbox.entry(events, NOW)["_id"] != Outbox.entry(events, NOW)["_id"]
    fixed = Outbox.entry(events, NOW, entry_id="signup:p1")
    assert fixed["_id"] == "signup:p1"
    assert "requires" not in fixed


class FakeProducer:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.flushed = False

    def send(self, topic: str, **record: Any) -> MagicMock:
        self.sent.append({"topic": topic, **record})
        return MagicMock()  # a future whose get() returns at once

    def flush(self, timeout: float) -> None:
        self.flushed = True


def relay_with(vet: Any = None) -> tuple[Relay, FakeProducer, MagicMock]:
    outbox = MagicMock(spec=Outbox)
    relay = Relay(outbox, KafkaAccess("unused:9092"), "profile", vet=vet)
    producer = FakeProducer()
    relay._producer = producer
    return relay, producer, outbox


def test_the_relay_sends_each_record_with_the_binding_headers_then_marks_the_entries_done() -> None:
    relay, producer, outbox = relay_with()
    entries = [Outbox.entry([request("p1", traceparent=TRACE)], NOW), Outbox.entry([request("p2")], NOW)]
    assert relay.relay(entries) == 2
    assert producer.flushed
    assert [(s["topic"], s["key"], s["value"]) for s in producer.sent] == [
        (r["topic"], r["key"].encode(), r["value"].encode()) for e in entries for r in e["records"]
    ]
    assert producer.sent[0]["headers"] == [CONTENT_TYPE, ("traceparent", TRACE.encode())]
    assert producer.sent[1]["headers"] == [CONTENT_TYPE]
    outbox.done.assert_called_once()
    assert outbox.done.call_args.args[0] == entries


def test_vetting_drops_records_that_must_no_longer_go() -> None:
    relay, producer, outbox = relay_with(vet=lambda entry: [r for r in entry["records"] if r["key"] != "erased"])
    entry = Outbox.entry([request("erased"), request("kept")], NOW)
    assert relay.relay([entry]) == 1
    assert [s["key"] for s in producer.sent] == [b"kept"]
    outbox.done.assert_called_once()


def test_nothing_to_relay_sends_nothing() -> None:
    relay, producer, outbox = relay_with()
    assert relay.relay([]) == 0
    assert producer.sent == []
    outbox.done.assert_not_called()
