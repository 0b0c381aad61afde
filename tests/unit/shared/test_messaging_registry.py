"""The contract registry: decoding through the registered model, upcasting old versions, refusing the rest."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import orjson
import pytest
from pydantic import BaseModel, ConfigDict

from shared.messaging.contracts import EventContract, Registry, Topic, UnreadableEvent, UnregisteredEvent
from shared.schemas.deadletter import DeadLetter
from shared.topics import DEAD_LETTER, PRIVACY_REQUESTS, REGISTRY

AT = "2026-05-04T09:30:00Z"


class GreetingV1(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str


class Greeting(BaseModel):
    """Version 3: v2 split the name, v3 added the language."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    first: str
    last: str
    language: str


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    first, _, last = data["name"].partition(" ")
    return {"first": first, "last": last}


GREETED = EventContract(
    "greeting.sent", Greeting, "A greeting.", version=3,
    upcasters={1: _v1_to_v2, 2: lambda data: {**data, "language": "fr"}},
)
WAVED = EventContract("wave.sent", GreetingV1, "A wave.")
GREETINGS = Topic("greetings", 1, "person", (GREETED, WAVED), "Greetings.", publishers=("a",), subscribers=("b",))
REG = Registry([GREETINGS])


def raw(event_type: str, data: dict[str, Any], version: int = 1, **attributes: Any) -> bytes:
    return orjson.dumps({
        "specversion": "1.0", "id": "e-1", "source": "/services/a", "type": event_type, "time": AT,
        "subject": "person-1", "dataschema": f"https://bob.example/api/v1/events/schemas/{event_type}.v{version}.json",
        "schemaversion": version, "datacontenttype": "application/json", "data": data, **attributes,
    })


def test_a_current_event_is_parsed_with_its_model() -> None:
    event = REG.decode(raw("greeting.sent", {"first": "Ada", "last": "L", "language": "en"}, 3))
    assert event.data == Greeting(first="Ada", last="L", language="en")
    assert (event.type, event.subject, event.schemaversion) == ("greeting.sent", "person-1", 3)
    assert event.time == dt.datetime(2026, 5, 4, 9, 30, tzinfo=dt.UTC)


def test_the_fast_path_with_an_expected_contract_gives_the_same_event() -> None:
    record = raw("greeting.sent", {"first": "Ada", "last": "L", "language": "en"}, 3, traceparent="00-" + "a" * 32
                 + "-" + "b" * 16 + "-01")
    assert REG.decode(record, GREETED) == REG.decode(record)


def test_old_versions_are_upcast_step_by_step_to_the_current_model() -> None:
    event = REG.decode(raw("greeting.sent", {"name": "Ada Lovelace"}, 1))
    assert event.data == Greeting(first="Ada", last="Lovelace", language="fr")
    assert event.schemaversion == 3
    assert event.dataschema.endswith("/greeting.sent.v3.json"), "the schema now named is the current one"
    v2 = REG.decode(raw("greeting.sent", {"first": "Ada", "last": "Lovelace"}, 2), GREETED)
    assert v2.data == event.data


def test_the_dead_letter_v1_records_still_read_as_v2() -> None:
    """The real version bump of the platform: v1 kept only the text, v2 the exact bytes."""
    v1 = raw("deadletter", {
        "source_topic": "profile.submitted", "consumer": "diagnosis", "error": "boom", "raw_value": "not json",
        "failed_at": AT,
    }, 1)
    event = REGISTRY.decode(v1, REGISTRY.contract("deadletter"))
    assert isinstance(event.data, DeadLetter)
    assert event.schemaversion == DEAD_LETTER.events[0].version == 2
    assert event.data.raw == b"not json"
    assert event.data.raw_text == "not json"
    assert base64.b64decode(event.data.raw_base64) == b"not json"


@pytest.mark.parametrize(("record", "reason"), [
    (b"not json \xff", "invalid"),
    (raw("nobody.registered.this", {"name": "x"}), "nobody.registered.this"),
    (raw("greeting.sent", {"first": "A", "last": "B", "language": "fr"}, 4), "newer than this code knows"),
    (raw("greeting.sent", {"first": "A"}, 3), "last"),
    (raw("greeting.sent", {"first": "A", "last": "B", "language": "fr", "extra": 1}, 3), "extra"),
    (raw("wave.sent", {"name": "x"}, 1, surprise="attribute"), "surprise"),
    (raw("wave.sent", {"name": "x"}, 1, specversion="0.3"), "specversion"),
])
def test_unreadable_records_are_refused(record: bytes, reason: str) -> None:
    with pytest.raises(UnreadableEvent, match=reason):
        REG.decode(record)


def test_a_record_of_another_type_than_expected_takes_the_general_path() -> None:
    event = REG.decode(raw("wave.sent", {"name": "x"}), GREETED)
    assert event.type == "wave.sent"
    assert event.data == GreetingV1(name="x")


def test_lookups_name_the_topic_and_contract_of_a_type() -> None:
    assert REG.topic_of("wave.sent") is GREETINGS
    assert REG.contract("greeting.sent") is GREETED
    assert REG.event_types == ("greeting.sent", "wave.sent")
    with pytest.raises(UnregisteredEvent):
        REG.contract("nope")
    with pytest.raises(UnregisteredEvent):
        REG.topic_of("nope")
    assert REGISTRY.topic_of("privacy.erasure.requested") is PRIVACY_REQUESTS


def test_a_version_bump_without_its_upcaster_is_refused() -> None:
    with pytest.raises(ValueError, match=r"no upcaster from version\(s\) \[2\]"):
        EventContract("greeting.sent", Greeting, "A greeting.", version=3, upcasters={1: _v1_to_v2})


def test_a_type_registered_on_two_topics_is_refused() -> None:
    other = Topic("others", 1, "person", (WAVED,), "Others.", publishers=(), subscribers=())
    with pytest.raises(ValueError, match="wave.sent is registered on two topics"):
        Registry([GREETINGS, other])
