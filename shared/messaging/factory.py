"""The one way to make an event: type, model and version come from the registry, the id is deterministic.

`id = uuid5(EVENT_IDS, "<source>:<type>:<entity>")`: the same cause (the same entity, say a profile version)
always yields the same id, so a replay is deduplicated downstream. One namespace for the whole platform; the
source in the name keeps two services' events apart."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, NamedTuple

from pydantic import BaseModel

from shared.messaging import tracing
from shared.messaging.contracts import Registry
from shared.messaging.envelope import Envelope, typed
from shared.topics import REGISTRY

EVENT_IDS = uuid.UUID("6d0c1f0e-2b7a-4f4e-8f55-5b0f3a9e1c42")
SCHEMAS_PATH = "/api/v1/events/schemas"


class Outgoing(NamedTuple):
    topic: str
    event: Envelope[Any]


def schema_url(public_url: str, event_type: str, version: int) -> str:
    """Where the gateway serves the JSON Schema of this type's data (the published catalogue)."""
    return f"{public_url.rstrip('/')}{SCHEMAS_PATH}/{event_type}.v{version}.json"


def event_id(source: str, event_type: str, entity: str) -> str:
    return str(uuid.uuid5(EVENT_IDS, f"{source}:{event_type}:{entity}"))


class EventFactory:
    def __init__(self, service: str, public_url: str, registry: Registry | None = None) -> None:
        self.service = service
        self.source = f"/services/{service}"
        self.public_url = public_url
        self.registry = registry or REGISTRY

    def event(
        self, event_type: str, subject: str, data: BaseModel, *, entity: str, time: dt.datetime | None = None,
        cause: Envelope[Any] | None = None,
    ) -> Outgoing:
        """`entity` names what the event is about (its id is derived from it); `cause` is the event being
        handled, whose trace the new event continues (else the current request's, else a new trace)."""
        contract = self.registry.contract(event_type)
        if type(data) is not contract.model:
            raise TypeError(f"{event_type} carries {contract.model.__name__}, not {type(data).__name__}")
        parent = cause.traceparent if cause is not None else tracing.current.get()
        envelope = typed(contract.model)(
            id=event_id(self.source, event_type, entity),
            source=self.source,
            type=event_type,
            time=time or dt.datetime.now(dt.UTC),
            subject=subject,
            dataschema=schema_url(self.public_url, event_type, contract.version),
            schemaversion=contract.version,
            traceparent=tracing.child(parent),
            data=data,
        )
        return Outgoing(self.registry.topic_of(event_type).name, envelope)
