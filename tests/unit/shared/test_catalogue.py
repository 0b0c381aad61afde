"""The published event catalogue (shared/messaging/published/): no drift from the registry, a valid AsyncAPI document
(checked by the official parser, installed here when missing), and schema ids that the events' `dataschema` names."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from pydantic import BaseModel, ConfigDict

from shared.messaging import catalogue
from shared.messaging.contracts import EventContract, Registry, Topic
from shared.messaging.factory import SCHEMAS_PATH, schema_url
from shared.topics import ALL_TOPICS

ROOT = Path(__file__).resolve().parents[3]
def _contracts() -> list[EventContract]:
    return [c for topic in ALL_TOPICS for c in topic.events]


def test_the_committed_catalogue_matches_the_registry() -> None:
    problems = catalogue.drift()
    assert not problems, (
        "the published catalogue differs from shared/topics.py and shared/schemas:\n  " + "\n  ".join(problems)
        + f"\nregenerate it with: {catalogue.REGENERATE}"
    )


def test_each_dataschema_url_names_a_published_file_whose_id_is_its_path() -> None:
    for contract in _contracts():
        url = schema_url("https://bob.example/", contract.type, contract.version)
        path = urlsplit(url).path
        assert path.startswith(SCHEMAS_PATH + "/"), "the gateway serves published/schemas/ at this path"
        published = catalogue.PUBLISHED / catalogue.SCHEMAS / path.removeprefix(SCHEMAS_PATH + "/")
        schema = json.loads(published.read_text(encoding="utf-8"))
        assert schema["$id"] == path, "a relative $id resolves to wherever the gateway serves the file"
        assert schema["$schema"] == catalogue.JSON_SCHEMA_DIALECT


def test_every_topic_is_a_channel_with_its_key_partitions_visibility_and_messages() -> None:
    doc = catalogue.asyncapi()
    assert doc["asyncapi"].startswith("3.0")
    assert list(doc["channels"]) == [catalogue.channel_id(t) for t in ALL_TOPICS]
    for topic in ALL_TOPICS:
        channel = doc["channels"][catalogue.channel_id(topic)]
        assert channel["address"] == topic.name
        assert channel["bindings"]["kafka"]["partitions"] == topic.partitions
        assert channel["x-key"] == topic.key
        assert channel["tags"] == [{"name": "partner-visible" if topic.partner_visible else "internal"}]
        assert list(channel["messages"]) == list(topic.event_types)
        for contract in topic.events:
            message = doc["components"]["messages"][contract.type]
            data = message["payload"]["allOf"][1]["properties"]["data"]["$ref"]
            assert data == f"schemas/{contract.type}.v{contract.version}.json"
            assert set(message["headers"]["properties"]) == {"content-type", "traceparent"}
            assert message["bindings"]["kafka"]["key"]["type"] == "string"
    assert [t.name for t in ALL_TOPICS if t.partner_visible] == ["partner.{partner}.events"]
    per_partner = doc["channels"]["partner.by-partner.events"]
    assert set(per_partner["parameters"]) == {"partner"}  # one topic per partner, its name in the address


def test_there_is_one_operation_per_party_and_channel_naming_the_party() -> None:
    operations = catalogue.asyncapi()["operations"]
    expected = {
        (party, action, catalogue.channel_id(topic))
        for topic in ALL_TOPICS
        for action, parties in (("send", topic.publishers), ("receive", topic.subscribers))
        for party in parties
    }
    found = {
        (op.get("x-service") or op["x-party"], op["action"], op["channel"]["$ref"].removeprefix("#/channels/"))
        for op in operations.values()
    }
    assert found == expected
    assert len(operations) == len(expected)
    assert operations["organisations.receive.partner.by-partner.events"]["x-party"] == "organisations"
    assert operations["partners.send.partner.by-partner.events"]["x-service"] == "partners"


def test_the_envelope_attributes_and_partner_visible_fields_are_described() -> None:
    envelope = catalogue.asyncapi()["components"]["schemas"]["CloudEvent"]
    assert all(prop.get("description") for prop in envelope["properties"].values())
    for topic in (t for t in ALL_TOPICS if t.partner_visible):
        for contract in topic.events:
            properties = catalogue.contract_schema(contract)["properties"]
            assert [name for name, prop in properties.items() if not prop.get("description")] == []


def test_the_output_is_deterministic() -> None:
    assert catalogue.render() == catalogue.render()
    text = catalogue.render()[catalogue.ASYNCAPI]
    assert text == catalogue.dumps(json.loads(text)), "keys sorted, two-space indent, final newline"


class _Ping(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str


class _PingRequired(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str
    count: int


def _registry(model: type[BaseModel], version: int = 1, **upcasters: Any) -> Registry:
    contract = EventContract("ping", model, "A ping.", version=version, upcasters=upcasters.get("up", {}))
    return Registry([Topic("pings", 1, "id", (contract,), "Pings.", publishers=("profile",), subscribers=())])


def test_drift_names_changed_missing_and_unknown_files(tmp_path: Path) -> None:
    registry = _registry(_Ping)
    assert catalogue.write(tmp_path, registry) == ["asyncapi.json", "schemas/ping.v1.json"]
    assert catalogue.drift(tmp_path, registry) == []
    (tmp_path / "schemas" / "ping.v1.json").write_text("{}")
    (tmp_path / "schemas" / "pong.v1.json").write_text("{}")
    assert catalogue.drift(tmp_path, registry) == [
        "schemas/ping.v1.json is out of date", "schemas/pong.v1.json is no registered event type and version",
    ]
    bumped = _registry(_PingRequired, 2, up={1: lambda data: {**data, "count": 0}})
    (tmp_path / "schemas" / "ping.v1.json").unlink()
    assert catalogue.drift(tmp_path, bumped)[:2] == [
        "asyncapi.json is out of date", "schemas/ping.v2.json is missing",
    ]
    assert "schemas/ping.v1.json is missing: an older version's schema stays published" in catalogue.drift(
        tmp_path, bumped
    )


def test_the_generator_refuses_to_publish_an_incompatible_change_under_the_same_version(tmp_path: Path) -> None:
    catalogue.write(tmp_path, _registry(_Ping))
    with pytest.raises(SystemExit, match=r"ping.v1.json: data.count: new required field"):
        catalogue.write(tmp_path, _registry(_PingRequired))
    assert "count" not in (tmp_path / "schemas" / "ping.v1.json").read_text()
    bumped = _registry(_PingRequired, 2, up={1: lambda data: {**data, "count": 0}})
    assert catalogue.write(tmp_path, bumped) == ["asyncapi.json", "schemas/ping.v2.json"]
    assert (tmp_path / "schemas" / "ping.v1.json").exists(), "the old version's schema stays"
