"""The notifier's rules, pure: the states of a notification record, what a settled record keeps, when a claim is
stale, how long to wait before retrying, and how an erased person's addresses leave the emails still to send.

A record per idempotency key: SENDING (claimed), SENT, SKIPPED (unsubscribed or erased) or FAILED (retry due at
`next_attempt_at`). It keeps the whole email only while it may still be sent (SENDING, FAILED)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Collection
from enum import StrEnum
from typing import Any

from shared.schemas.notification import Notification

STALE_CLAIM = dt.timedelta(minutes=5)  # a SENDING claim this old belongs to a notifier that crashed
MAX_BACKOFF = dt.timedelta(hours=1)
REDACTED = "[effacé]"
# A pending payload is revalidated when retried: the address that replaces one must stay a valid one.
ERASED_ADDRESS = "erased@redacted.example.org"
_ADDRESS = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")


class State(StrEnum):
    SENDING = "SENDING"
    SENT = "SENT"
    SKIPPED = "SKIPPED"
    FAILED = "FAILED"


PENDING = (State.SENDING.value, State.FAILED.value)


def address_key(address: str) -> str:
    """How an address is known without being kept: unsubscribes and erasures are recorded under it."""
    return "email:" + hashlib.sha256(address.strip().casefold().encode()).hexdigest()


def kept(note: Notification) -> dict[str, str]:
    """What a settled record keeps of its email: whom it was for (their id) and its category."""
    return {"recipient_id": note.recipient_id, "category": note.category}


def backoff(tries: int) -> dt.timedelta:
    """The wait before the next try, after `tries` failed attempts in all."""
    return min(dt.timedelta(seconds=5 * 2 ** min(tries, 12)), MAX_BACKOFF)


def scrub(text: str, erased: Collection[str]) -> str:
    """The text with every address whose key is among `erased` replaced."""
    return _ADDRESS.sub(lambda m: REDACTED if address_key(m.group(0)) in erased else m.group(0), text)


def redact(payload: dict[str, Any], person_id: str, erased: Collection[str]) -> dict[str, Any]:
    """A pending email's payload once `person_id` (whose address keys are `erased`) is erased: an email to them
    keeps only what a settled record keeps; any other loses their addresses."""
    if payload.get("recipient_id") == person_id:
        return {k: v for k, v in payload.items() if k in ("recipient_id", "category")}
    redacted = {k: scrub(v, erased) if k in ("subject", "text") and isinstance(v, str) else v
                for k, v in payload.items()}
    if isinstance(payload.get("to"), str) and address_key(payload["to"]) in erased:
        redacted["to"] = ERASED_ADDRESS
    return redacted
