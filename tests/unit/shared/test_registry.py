"""The contract registry covers the code: every registered type has a model, every type the code emits is registered,
and the topics' publishers and subscribers are the platform's services or named outside parties."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from pydantic import BaseModel

from shared.messaging.catalogue import EXTERNAL_PARTIES
from shared.messaging.contracts import UnregisteredEvent
from shared.messaging.factory import EventFactory
from shared.schemas.deadletter import DeadLetter
from shared.schemas.privacy import PrivacyRequested
from shared.topics import ALL_TOPICS, REGISTRY

ROOT = Path(__file__).resolve().parents[3]
SERVICES = ("profile", "diagnosis", "advice", "pledges", "followup", "notifier", "partners")


def emitted_types(source: str) -> list[tuple[int, str]]:
    """(line, type) of each event type written as a string literal in a call to a factory's `.event(...)`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "event":
            named = [k.value for k in node.keywords if k.arg == "event_type"]
            for arg in node.args[:1] + named:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.append((arg.lineno, arg.value))
    return found


def _emitted_in_the_tree() -> list[tuple[str, int, str]]:
    return [
        (path.relative_to(ROOT).as_posix(), line, event_type)
        for folder in ("services", "shared")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for line, event_type in emitted_types(path.read_text(encoding="utf-8"))
    ]


def test_every_registered_type_has_a_model_a_description_and_a_version() -> None:
    assert REGISTRY.event_types
    for topic in ALL_TOPICS:
        assert topic.description
        assert topic.key
        assert topic.partitions >= 1
        for contract in topic.events:
            assert issubclass(contract.model, BaseModel), contract.type
            assert contract.model.model_json_schema()["type"] == "object"
            assert contract.description
            assert contract.version >= 1
            assert REGISTRY.contract(contract.type) is contract
            assert REGISTRY.topic_of(contract.type) is topic


def test_the_scan_finds_literal_types_passed_to_the_factory() -> None:
    source = (
        'factory.event("nobody.registered.this", subject, data, entity="e")\n'
        'self.factory.event(event_type="profile.submitted", subject=s, data=d, entity="e")\n'
        "factory.event(kind, subject, data, entity='e')\n"
        'logger.info("deadletter")\n'
    )
    assert emitted_types(source) == [(1, "nobody.registered.this"), (2, "profile.submitted")]


def test_every_type_the_code_emits_is_registered() -> None:
    emitted = _emitted_in_the_tree()
    assert emitted, "the services make their events with EventFactory.event"
    unregistered = [f"{path}:{line}: {event_type}" for path, line, event_type in emitted
                    if event_type not in REGISTRY.event_types]
    assert not unregistered, "emitted but not registered in shared/topics.py:\n  " + "\n  ".join(unregistered)


def test_the_factory_refuses_an_unregistered_type_or_a_wrong_model_at_run_time() -> None:
    factory = EventFactory("profile", "https://bob.example")
    asked = PrivacyRequested(request_id="r-1", person_id="p-1", kind="export")
    with pytest.raises(UnregisteredEvent, match="nobody.registered.this"):
        factory.event("nobody.registered.this", "p-1", asked, entity="r-1")
    with pytest.raises(TypeError, match="deadletter carries DeadLetter, not PrivacyRequested"):
        factory.event("deadletter", "p-1", asked, entity="r-1")
    letter = DeadLetter(source_topic="t", consumer="c", error="e", raw_base64="", raw_text="",
                        failed_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    topic, event = factory.event("deadletter", "t", letter, entity="t:0:1")
    assert (topic, event.schemaversion) == ("deadletter", 2)


def test_publishers_and_subscribers_are_services_or_outside_parties() -> None:
    services = {path.parent.name for path in (ROOT / "services").glob("*/__init__.py")}
    assert set(SERVICES) <= services, "each named service has its folder in services/"
    for topic in ALL_TOPICS:
        assert topic.publishers or topic.subscribers
        for party in (*topic.publishers, *topic.subscribers):
            assert party in SERVICES or party in EXTERNAL_PARTIES, f"{topic.name}: {party}"
        assert not set(topic.publishers) & set(EXTERNAL_PARTIES), "outside parties publish through the services"
