"""Helpers for consumers: decoding a batch of raw records, dead letters, and lag reporting."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from shared.events import Envelope, typed
from shared.topics import DEAD_LETTER

log = logging.getLogger(__name__)
T = TypeVar("T", bound=BaseModel)


class DeadLetter(BaseModel):
    """Data of a `deadletter` event: the untouched record and why it was refused."""

    source_topic: str
    consumer: str
    error: str
    raw_value: str  # decoded as UTF-8 with replacement; never lost
    failed_at: dt.datetime


@dataclass(frozen=True)
class Decoded(Generic[T]):
    event: Envelope[T]
    data: T


def decode_batch(
    raws: Iterable[bytes], model: type[T], expected_type: str, *, topic: str, consumer: str
) -> tuple[list[Decoded[T]], list[Envelope[Any]]]:
    """Parse raw records into typed events; anything unparsable becomes a dead-letter envelope."""
    good: list[Decoded[T]] = []
    dead: list[Envelope[Any]] = []
    envelope = typed(model)
    for raw in raws:
        try:
            event = envelope.model_validate_json(raw)
            if event.type != expected_type:
                raise ValueError(f"unexpected event type {event.type!r}")
            good.append(Decoded(event, event.data))
        except (ValidationError, ValueError) as exc:
            dead.append(dead_letter(raw, str(exc)[:2000], topic=topic, consumer=consumer))
    return good, dead


def dead_letter(raw: bytes, error: str, *, topic: str, consumer: str) -> Envelope[DeadLetter]:
    log.warning("dead-lettered a record", extra={"topic": topic, "consumer": consumer, "error": error[:200]})
    data = DeadLetter(
        source_topic=topic,
        consumer=consumer,
        error=error,
        raw_value=raw.decode("utf-8", errors="replace"),
        failed_at=dt.datetime.now(dt.UTC),
    )
    return Envelope.wrap(type=DEAD_LETTER.event_types[0], source=f"/services/{consumer}", subject=topic, data=data)
