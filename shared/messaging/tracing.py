"""W3C trace context (`traceparent`) carried from the HTTP request through every Kafka hop.

The gateway's request id is the trace id: nginx logs `$request_id` and forwards it as X-Request-ID, the API
starts the trace from it (unless the caller sent its own `traceparent`), events carry it in their envelope
(CloudEvents' distributed-tracing extension) and in a Kafka header, and every log line names it."""

from __future__ import annotations

import contextlib
import contextvars
import re
import secrets
from collections.abc import Iterator

TRACEPARENT_HEADER = "traceparent"
_FORMAT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")
_HEX32 = re.compile(r"^[0-9a-f]{32}$")

current: contextvars.ContextVar[str | None] = contextvars.ContextVar("traceparent", default=None)


def is_valid(traceparent: str | None) -> bool:
    match = _FORMAT.match(traceparent or "")
    return match is not None and match.group(1) != "0" * 32 and match.group(2) != "0" * 16


def trace_id(traceparent: str | None) -> str | None:
    return traceparent[3:35] if traceparent and is_valid(traceparent) else None


def start(request_id: str | None = None) -> str:
    """A new trace, whose id is the request id when that is 32 hex digits (nginx's `$request_id` is)."""
    trace = request_id.lower() if request_id and _HEX32.match(request_id.lower()) else secrets.token_hex(16)
    return f"00-{trace}-{secrets.token_hex(8)}-01"


def child(parent: str | None) -> str:
    """The next hop of `parent`'s trace (a new span id), or a new trace when there is none."""
    if parent is None or not is_valid(parent):
        return start()
    return f"{parent[:36]}{secrets.token_hex(8)}-{parent[-2:]}"


def from_request(traceparent: str | None, request_id: str | None) -> str:
    return child(traceparent) if traceparent and is_valid(traceparent) else start(request_id)


@contextlib.contextmanager
def continued(traceparent: str | None) -> Iterator[None]:
    """Work done for a request outside its own context (a group commit's batch, shared/batching.py) continues
    that request's trace."""
    token = current.set(traceparent)
    try:
        yield
    finally:
        current.reset(token)
