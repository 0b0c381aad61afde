"""The published event catalogue, generated from the registry (shared/topics.py) and committed in `published/`:

- `schemas/<type>.v<N>.json`: the JSON Schema of each event type's data, one file per version. Older versions stay
  (records of them may still be on the topics); their `$id` is the path the envelope's `dataschema` points at.
- `asyncapi.json`: an AsyncAPI 3.0 document of every topic: channels (address, partitions, key, partner visibility),
  one message per event type (the CloudEvents envelope, its `data` referencing the schema file, the Kafka binding's
  headers and key), and one send or receive operation per service (or outside party) and channel.

The gateway serves the folder at /api/v1/events/. Regenerate with `make catalogue` (or
`python -m shared.messaging.catalogue`); `--check` only reports drift. The generator refuses to overwrite a
published version's schema with a backward-incompatible one (see compatibility.py): bump the version instead."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from shared.messaging.binding import CONTENT_TYPE
from shared.messaging.compatibility import breaking_changes
from shared.messaging.contracts import EventContract, Registry, Topic
from shared.messaging.envelope import RawEnvelope
from shared.messaging.factory import schema_url
from shared.messaging.tracing import TRACEPARENT_HEADER
from shared.topics import REGISTRY

PUBLISHED = Path(__file__).with_name("published")
ASYNCAPI = "asyncapi.json"
SCHEMAS = "schemas"
REGENERATE = "make catalogue  (or: .venv/bin/python -m shared.messaging.catalogue)"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
KAFKA_BINDING = "0.5.0"
# Parties outside the platform's services that subscribe to topics.
EXTERNAL_PARTIES = {
    "partners": "Partner organisations: they see pseudonymised, partner-visible events only.",
    "operators": "The platform's operators: they watch the flow and inspect and replay dead letters.",
}
PARTNER_VISIBLE, INTERNAL = "partner-visible", "internal"
_SCHEMA_FILE = re.compile(r"^(?P<type>.+)\.v(?P<version>\d+)\.json$")

# The CloudEvents envelope's attributes, as every message of the catalogue carries them.
ENVELOPE_FIELDS = {
    "specversion": "CloudEvents specification version.",
    "id": "Unique per event and deterministic (uuid5 of source, type and cause): a replayed cause yields the same "
          "id, so consumers deduplicate on it.",
    "source": "The service that emitted the event, e.g. /services/profile.",
    "type": "The event type: one of this catalogue's messages.",
    "time": "When the event happened (RFC 3339).",
    "subject": "What the event is about, usually a person's id. It is also the Kafka record key, so one subject's "
               "events stay in order.",
    "dataschema": "URL of the JSON Schema of `data`, served by the gateway at /api/v1/events/schemas/.",
    "schemaversion": "Version of the schema of `data` (CloudEvents extension attribute). Consumers upcast older "
                     "versions' data to the current one.",
    "datacontenttype": "Media type of `data`.",
    "traceparent": "W3C trace context of the request that caused the event (CloudEvents distributed-tracing "
                   "extension); absent when there is none.",
    "data": "The event's data, described by the schema `dataschema` names.",
}


def schema_file(event_type: str, version: int) -> str:
    return f"{event_type}.v{version}.json"


def data_schema(event_type: str, version: int, model_schema: dict[str, Any], description: str) -> dict[str, Any]:
    """The published JSON Schema of one version of an event type's data. `$id` is the path of the envelope's
    `dataschema` URL (relative to the gateway: it resolves against wherever the schema was fetched from)."""
    doc = dict(model_schema)
    own = doc.get("description")
    doc["description"] = description if not own or own == description else f"{description}\n\n{own}"
    return {"$schema": JSON_SCHEMA_DIALECT, "$id": schema_url("", event_type, version), **doc}


def contract_schema(contract: EventContract) -> dict[str, Any]:
    return data_schema(contract.type, contract.version, contract.model.model_json_schema(), contract.description)


def _envelope_schema() -> dict[str, Any]:
    schema = RawEnvelope.model_json_schema()
    properties = {name: {**prop, "description": ENVELOPE_FIELDS[name]} for name, prop in schema["properties"].items()}
    return {**schema, "title": "CloudEvent", "properties": properties,
            "description": "A CloudEvents 1.0 envelope in structured mode: the whole Kafka record value."}


def _parties(topic: Topic) -> list[tuple[str, str]]:
    return [(p, "send") for p in topic.publishers] + [(p, "receive") for p in topic.subscribers]


def _message(topic: Topic, contract: EventContract) -> dict[str, Any]:
    older = [
        {"version": v, "schema": f"{SCHEMAS}/{schema_file(contract.type, v)}"} for v in range(1, contract.version)
    ]
    message: dict[str, Any] = {
        "name": contract.type,
        "title": f"{contract.type} v{contract.version}",
        "summary": contract.description,
        "contentType": CONTENT_TYPE.split(";")[0],
        "headers": {
            "type": "object",
            "properties": {
                "content-type": {
                    "type": "string", "const": CONTENT_TYPE,
                    "description": "CloudEvents Kafka protocol binding, structured mode: the value is the envelope.",
                },
                TRACEPARENT_HEADER: {
                    "type": "string", "pattern": "^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$",
                    "description": "The envelope's W3C trace context, for tools that do not parse the value.",
                },
            },
            "required": ["content-type"],
        },
        "payload": {"allOf": [
            {"$ref": "#/components/schemas/CloudEvent"},
            {"type": "object", "properties": {
                "type": {"const": contract.type},
                "schemaversion": {"const": contract.version},
                "data": {"$ref": f"{SCHEMAS}/{schema_file(contract.type, contract.version)}"},
            }},
        ]},
        "correlationId": {
            "location": f"$message.header#/{TRACEPARENT_HEADER}",
            "description": "Follows one request through every hop.",
        },
        "bindings": {"kafka": {
            "key": {"type": "string", "description": f"The envelope's subject: {topic.key}."},
            "bindingVersion": KAFKA_BINDING,
        }},
    }
    if older:
        message["x-older-versions"] = older
    return message


def _channel(topic: Topic) -> dict[str, Any]:
    visibility = PARTNER_VISIBLE if topic.partner_visible else INTERNAL
    return {
        "address": topic.name,
        "title": topic.name,
        "description": f"{topic.description}\n\nKey: {topic.key}. Partitions: {topic.partitions}.",
        "messages": {c.type: {"$ref": f"#/components/messages/{c.type}"} for c in topic.events},
        "tags": [{"name": visibility}],
        "bindings": {"kafka": {"topic": topic.name, "partitions": topic.partitions, "bindingVersion": KAFKA_BINDING}},
        "x-key": topic.key,
        "x-partitions": topic.partitions,
        "x-partner-visible": topic.partner_visible,
        "x-publishers": list(topic.publishers),
        "x-subscribers": list(topic.subscribers),
    }


def _operation(topic: Topic, party: str, action: str) -> dict[str, Any]:
    verb = "publish" if action == "send" else "subscribe"
    if party in EXTERNAL_PARTIES:
        title, kind = f"{party.capitalize()} {verb} to {topic.name}", "party"
    else:
        title, kind = f"The {party} service {verb}s to {topic.name}", "service"
    return {
        "action": action,
        "channel": {"$ref": f"#/channels/{topic.name}"},
        "title": title,
        "messages": [{"$ref": f"#/channels/{topic.name}/messages/{c.type}"} for c in topic.events],
        "tags": [{"name": f"{kind}:{party}"}],
        f"x-{kind}": party,
    }


def asyncapi(registry: Registry = REGISTRY) -> dict[str, Any]:
    parties = sorted({p for topic in registry.topics for p, _ in _parties(topic)})
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Bob platform events",
            "version": "1.0.0",
            "description": (
                "Every Kafka topic of the platform and the events it carries. Each record is a CloudEvents 1.0 "
                "envelope in structured mode (header content-type: application/cloudevents+json); its `data` "
                "follows the JSON Schema that `dataschema` names, one per event type and version, served with this "
                "document under /api/v1/events/. A new schema version comes with an upcaster, so records of "
                "older versions stay readable; their schemas stay published.\n\n"
                "Channels tagged partner-visible carry pseudonymised data that partners may receive; the others "
                "are internal. Operations name the service (or outside party) that publishes or subscribes."
            ),
            "tags": [
                {"name": PARTNER_VISIBLE, "description": "Pseudonymised events partners may subscribe to."},
                {"name": INTERNAL, "description": "Internal to the platform's services (may hold personal data)."},
                *[{"name": f"party:{p}", "description": d} for p, d in EXTERNAL_PARTIES.items()],
                *[{"name": f"service:{p}", "description": f"The {p} service."}
                  for p in parties if p not in EXTERNAL_PARTIES],
            ],
        },
        "defaultContentType": CONTENT_TYPE.split(";")[0],
        "servers": {"kafka": {
            "host": "kafka:9092", "protocol": "kafka",
            "description": "The platform's Kafka broker, as the services reach it in docker-compose.",
        }},
        "channels": {topic.name: _channel(topic) for topic in registry.topics},
        "operations": {
            f"{party}.{action}.{topic.name}": _operation(topic, party, action)
            for topic in registry.topics for party, action in _parties(topic)
        },
        "components": {
            "schemas": {"CloudEvent": _envelope_schema()},
            "messages": {c.type: _message(t, c) for t in registry.topics for c in t.events},
        },
    }


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def render(registry: Registry = REGISTRY) -> dict[str, str]:
    """Every generated file (path relative to the published folder) and its text."""
    files = {ASYNCAPI: dumps(asyncapi(registry))}
    for topic in registry.topics:
        for contract in topic.events:
            files[f"{SCHEMAS}/{schema_file(contract.type, contract.version)}"] = dumps(contract_schema(contract))
    return files


def drift(folder: Path = PUBLISHED, registry: Registry = REGISTRY) -> list[str]:
    """How the committed files differ from what the registry generates (empty: none)."""
    problems = [
        f"{name} is {'out of date' if (folder / name).exists() else 'missing'}"
        for name, text in render(registry).items()
        if not (folder / name).exists() or (folder / name).read_text(encoding="utf-8") != text
    ]
    for contract in (c for t in registry.topics for c in t.events):
        problems += [
            f"{SCHEMAS}/{schema_file(contract.type, v)} is missing: an older version's schema stays published"
            for v in range(1, contract.version) if not (folder / SCHEMAS / schema_file(contract.type, v)).exists()
        ]
    for path in sorted((folder / SCHEMAS).glob("*.json")):
        match = _SCHEMA_FILE.match(path.name)
        known = match is not None and match["type"] in registry.event_types
        if match is None or not known or int(match["version"]) > registry.contract(match["type"]).version:
            problems.append(f"{SCHEMAS}/{path.name} is no registered event type and version")
    return problems


def incompatible(folder: Path = PUBLISHED, registry: Registry = REGISTRY) -> dict[str, list[str]]:
    """Per committed schema of a current version, the breaking changes the registry's model would bring."""
    found = {}
    for contract in (c for t in registry.topics for c in t.events):
        path = folder / SCHEMAS / schema_file(contract.type, contract.version)
        if path.exists():
            changes = breaking_changes(json.loads(path.read_text(encoding="utf-8")), contract_schema(contract))
            if changes:
                found[path.name] = changes
    return found


def write(folder: Path = PUBLISHED, registry: Registry = REGISTRY) -> list[str]:
    """Writes the generated files, unless a published version would change incompatibly; returns what changed."""
    refused = incompatible(folder, registry)
    if refused:
        raise SystemExit(
            "refusing to overwrite published schemas with backward-incompatible changes; bump the event's version "
            "with an upcaster in shared/topics.py instead:\n"
            + "\n".join(f"  {name}: {change}" for name, changes in refused.items() for change in changes)
        )
    changed = []
    for name, text in render(registry).items():
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            changed.append(name)
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="report drift from the registry, write nothing")
    args = parser.parse_args(argv)
    if args.check:
        problems = drift()
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print(f"regenerate with: {REGENERATE}", file=sys.stderr)
        return 1 if problems else 0
    changed = write()
    print("\n".join(f"wrote {PUBLISHED / name}" for name in changed) or "the catalogue is up to date")
    leftover = [p for p in drift() if "no registered" in p or "missing" in p]
    for problem in leftover:
        print(problem, file=sys.stderr)
    return 1 if leftover else 0


if __name__ == "__main__":
    sys.exit(main())
