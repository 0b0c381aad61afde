"""The CloudEvents Kafka protocol binding, structured mode: the record value is the whole JSON envelope, the
key is the subject, and the headers say so (`content-type: application/cloudevents+json`). The trace context
also travels as a `traceparent` header, so tools that do not parse the envelope can follow it."""

from __future__ import annotations

from typing import Any

from shared.messaging.envelope import Envelope
from shared.messaging.tracing import TRACEPARENT_HEADER

CONTENT_TYPE = "application/cloudevents+json; charset=utf-8"
Headers = list[tuple[str, bytes]]


def headers(event: Envelope[Any]) -> Headers:
    found: Headers = [("content-type", CONTENT_TYPE.encode())]
    if event.traceparent:
        found.append((TRACEPARENT_HEADER, event.traceparent.encode()))
    return found


def record(event: Envelope[Any]) -> tuple[bytes, bytes, Headers]:
    """(key, value, headers) of the Kafka record that carries `event`."""
    return event.key, event.to_json(), headers(event)


def header(found: Any, name: str) -> str | None:
    """A header's value from a consumed record's headers ((name, bytes) pairs), or None."""
    for key, value in found or ():
        if key.lower() == name and value is not None:
            return bytes(value).decode("utf-8", errors="replace")
    return None
