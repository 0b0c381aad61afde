"""Envelopes of the pledges context, with deterministic ids so a replayed cause yields the same event."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel

from shared.events import Envelope
from shared.messaging.contracts import Topic
from shared.schemas.notification import NotificationRequested
from shared.topics import NOTIFICATIONS

SOURCE = "/services/pledges"
_IDS = uuid.UUID("0b6f3c1e-8f0a-4f0e-9a53-5d2a7c4e9b21")

Outgoing = tuple[str, Envelope[Any]]


def stable_id(*parts: str) -> str:
    return str(uuid.uuid5(_IDS, ":".join(parts)))


def event(spec: Topic, type_: str, subject: str, data: BaseModel, entity: str) -> Outgoing:
    assert type_ in spec.event_types, type_
    return spec.name, Envelope.wrap(
        type=type_, source=SOURCE, subject=subject, data=data, id=stable_id(type_, entity)
    )


def notification(
    key: str, recipient_id: str, to: str, subject: str, text: str, category: str
) -> Outgoing:
    data = NotificationRequested(
        idempotency_key=key, recipient_id=recipient_id, to=to, subject=subject, text=text, category=category
    )
    return NOTIFICATIONS.name, Envelope.wrap(
        type=NOTIFICATIONS.event_types[0], source=SOURCE, subject=recipient_id, data=data,
        id=stable_id("notification", key),
    )
