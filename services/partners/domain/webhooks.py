"""Webhook delivery rules (pure): the Standard Webhooks headers, the retry schedule, and which deliveries go next.

- Headers: `webhook-id` is the feed event's id (the same on every attempt and replay, so a receiver deduplicates on
  it), `webhook-timestamp` the sending second, `webhook-signature` one `v1,<base64 HMAC-SHA256>` per valid secret:
  during a rotation both secrets sign, so the receiver verifies with either.
- Retries: exponential backoff with jitter, `base * 2^(n-1)` capped, less a random share; given up after the last
  attempt of the schedule.
- Order: a person's events at one partner form a lane, sent one at a time in the order they were queued: the next
  waits until the one before it is delivered or given up.
- Enabling: a delivery whose backoff was decided before its endpoint was last enabled (decided while it failed) is
  due at once; enabling writes one date on the partner, never the queue (which may hold minutes of backlog)."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from standardwebhooks.webhooks import Webhook

SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and the base64 of 24 random bytes."""
    import base64

    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def headers(message_id: str, body: str, at: dt.datetime, secrets_: Sequence[str]) -> dict[str, str]:
    signatures = " ".join(Webhook(secret).sign(message_id, at, body) for secret in secrets_)
    return {
        "webhook-id": message_id, "webhook-timestamp": str(int(at.timestamp())), "webhook-signature": signatures,
        "content-type": "application/json",
    }


@dataclass(frozen=True)
class Schedule:
    base_seconds: float
    max_seconds: float
    jitter: float
    attempts: int

    def next_attempt(self, attempts_done: int, now: dt.datetime, rng: random.Random) -> dt.datetime | None:
        """When to try again after `attempts_done` failed attempts; None once the schedule is spent."""
        if attempts_done >= self.attempts:
            return None
        delay = min(self.max_seconds, self.base_seconds * 2 ** (attempts_done - 1))
        return now + dt.timedelta(seconds=delay * (1 - self.jitter * rng.random()))

    def horizon(self) -> dt.timedelta:
        """The longest a delivery is retried (no jitter)."""
        return dt.timedelta(seconds=sum(min(self.max_seconds, self.base_seconds * 2 ** (n - 1))
                                        for n in range(1, self.attempts)))


@dataclass(frozen=True)
class Queued:
    """A delivery waiting in its lane (partner, pseudonym), in queueing order `seq`."""

    id: str
    partner: str
    lane: str
    seq: int
    next_at: dt.datetime
    scheduled_at: dt.datetime | None = None  # when next_at was decided; None: never retried, or stored before


def due_at(item: Queued, enabled_at: dt.datetime | None) -> dt.datetime:
    """When the delivery goes: its next attempt, or the endpoint's last enabling if that came after its backoff was
    decided (an undated backoff counts as before, as enabling once made every waiting delivery due)."""
    if enabled_at is not None and (item.scheduled_at is None or item.scheduled_at < enabled_at):
        return min(item.next_at, enabled_at)
    return item.next_at


def due_heads(queued: Iterable[Queued], now: dt.datetime, disabled: frozenset[str],
              enabled_at: Mapping[str, dt.datetime | None]) -> list[Queued]:
    """The first delivery of each lane, when it is due and its partner's endpoint enabled (`enabled_at`: when each
    partner's endpoint was last enabled by an operator, if ever)."""
    heads: dict[tuple[str, str], Queued] = {}
    for item in queued:
        key = (item.partner, item.lane)
        if key not in heads or item.seq < heads[key].seq:
            heads[key] = item
    due = [(due_at(h, enabled_at.get(h.partner)), h.seq, h) for h in heads.values() if h.partner not in disabled]
    return [h for at, _, h in sorted(due, key=lambda d: d[:2]) if at <= now]


def should_disable(failures_in_a_row: int, threshold: int) -> bool:
    return failures_in_a_row >= threshold
