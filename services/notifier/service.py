"""The platform's one notifier: each `notification.requested` is sent at most once per idempotency key, never to
someone who unsubscribed or was erased (by their id or by their address), and a failed send is kept and retried
with backoff, never silently dropped. Settled records keep neither the address nor the text.

What it must know of unsubscribes and erasures it learns from Kafka: `helper.unsubscribed` (pledges.helpers) and
the GDPR requests (privacy.requests), which it answers itself. Synchronous: call through run_sync."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable
from typing import Any

from prometheus_client import Counter as Metric
from tenacity import RetryCallState, Retrying, stop_after_attempt, wait_exponential

from services.notifier.adapters import store
from services.notifier.domain.delivery import STALE_CLAIM, State, address_key, backoff, kept, redact
from shared.crypto.cipher import SealError
from shared.mongo import as_utc
from shared.schemas.notification import Notification, NotificationRequested

log = logging.getLogger(__name__)
NOTIFICATIONS = Metric("bob_notifications_total", "Notifications handled", ["category", "outcome"])
SEND_FAILURES = Metric("bob_notification_send_failures_total", "Failed SMTP attempts", ["category"])
# The categories the services send today, at zero from the start so the first failure shows in `rate()`; another
# category still works, its series starting at its first notification.
CATEGORIES = ("sign-in", "survey", "coaching", "helper-welcome", "help-offered", "review-assigned", "review-done",
              "coffee-matched")
for _category in CATEGORIES:
    SEND_FAILURES.labels(_category)
    for _outcome in ("sent", "failed", "skipped", "duplicate", "unreadable"):
        NOTIFICATIONS.labels(_category, _outcome)

Sender = Callable[[Notification], None]


class Notifier:
    def __init__(self, send: Sender, attempts: int = 3, pause_seconds: float = 0.2,
                 stale_claim: dt.timedelta = STALE_CLAIM) -> None:
        self.send = send
        self.attempts = attempts
        self.pause_seconds = pause_seconds
        self.stale_claim = stale_claim

    def deliver(self, note: Notification, now: dt.datetime) -> str:
        """The outcome: sent, failed (kept for retry), skipped (unsubscribed or erased) or duplicate."""
        if self._unwanted(note, now):
            store.skipped(note.idempotency_key, note.category, kept(note), now)
            NOTIFICATIONS.labels(note.category, "skipped").inc()
            return "skipped"
        store.remember(note.recipient_id, address_key(note.to))
        if not self._claim(note, now):
            NOTIFICATIONS.labels(note.category, "duplicate").inc()
            return "duplicate"
        return self._settle(note, self._attempt(note, self.attempts, self.pause_seconds), self.attempts, now)

    def deliver_sealed(self, sealed: NotificationRequested, key: bytes | None, now: dt.datetime) -> str:
        """Opens the email with its recipient's key, then delivers it. Without a key that opens it (the recipient
        was erased: their key destroyed) it is unreadable for good: recorded as skipped, as `unreadable`."""
        try:
            note = None if key is None else sealed.opened(key)
        except SealError:
            note = None
        if note is None:
            routing = {"recipient_id": sealed.recipient_id, "category": sealed.category}
            store.skipped(sealed.idempotency_key, sealed.category, routing, now)
            NOTIFICATIONS.labels(sealed.category, "unreadable").inc()
            return "unreadable"
        return self.deliver(note, now)

    def retry_failed(self, now: dt.datetime, limit: int = 100) -> int:
        """Sends again the FAILED notifications that are due, and those whose SENDING claim went stale (their
        notifier died mid-send: its Kafka record, redelivered, finds the claim and stops there); returns how many
        went out."""
        sent = 0
        stale_before = now - self.stale_claim
        for record in store.due(now, stale_before, limit):
            claimed = store.claim_retry(record["_id"], stale_before, now)
            if claimed is None:
                continue
            note = Notification.model_validate(claimed["payload"])
            if self._unwanted(note, now):
                store.skipped(note.idempotency_key, note.category, kept(note), now)
                continue
            sent += self._settle(note, self._attempt(note, 1, 0), 1, now) == "sent"
        return sent

    def _unwanted(self, note: Notification, now: dt.datetime) -> bool:
        """The person (by id) or the address (by key) wants nothing more. An address mailed for a person known
        to want nothing is recorded too, so a later email to it under another id is refused as well."""
        address = address_key(note.to)
        if store.blocked(address):
            return True
        if store.blocked(note.recipient_id):
            store.block(address, now, erased=False)
            return True
        return False

    def _claim(self, note: Notification, now: dt.datetime) -> bool:
        if store.claim(note.idempotency_key, note.category, note.model_dump(mode="json"), now):
            return True
        return store.take_over(note.idempotency_key, now - self.stale_claim, now)

    def _attempt(self, note: Notification, attempts: int, pause: float) -> bool:
        def failed(state: RetryCallState) -> None:
            SEND_FAILURES.labels(note.category).inc()
            error = state.outcome.exception() if state.outcome else None
            log.warning("email not sent", extra={"key": note.idempotency_key, "error": repr(error)[:200]})

        def send() -> bool:
            self.send(note)
            return True

        retrying = Retrying(stop=stop_after_attempt(attempts), wait=wait_exponential(multiplier=pause, min=0),
                            after=failed, retry_error_callback=lambda _: False)
        return retrying(send)

    def _settle(self, note: Notification, ok: bool, attempts: int, now: dt.datetime) -> str:
        if ok:
            store.sent(note.idempotency_key, kept(note), attempts, now)
            outcome = "sent"
        else:
            tries = store.add_attempts(note.idempotency_key, attempts)
            store.failed(note.idempotency_key, now + backoff(tries))
            outcome = "failed"
        NOTIFICATIONS.labels(note.category, outcome).inc()
        return outcome


def unsubscribe(person_id: str, now: dt.datetime) -> int:
    """The person wants no more emails: by their id and at every address they were mailed at."""
    return sum(store.block(key, now, erased=False) for key in (person_id, *store.addresses(person_id)))


def export_person(person_id: str) -> dict[str, Any]:
    """What is left of each email to the person (address and text only while it may still be sent), and whether
    they unsubscribed or were erased."""
    marker = store.marker(person_id)
    return {
        "emails": [
            {"key": n["_id"], "category": n.get("category"), "state": n.get("state"),
             "created_at": _iso(n.get("created_at")), "sent_at": _iso(n.get("sent_at")),
             **{k: v for k, v in n.get("payload", {}).items() if k in ("to", "subject")}}
            for n in store.of_recipient(person_id)
        ],
        "address_keys": store.addresses(person_id),
        "unsubscribed": None if marker is None else {
            "at": _iso(marker.get("at")), "erased": bool(marker.get("erased")),
            "erased_at": _iso(marker.get("erased_at")),
        },
    }


def erase_person(person_id: str, now: dt.datetime) -> dict[str, int]:
    """Nothing more is sent to the person, by id or at any address they were mailed at; the emails still pending
    lose their content when they were for them, the person's addresses when for someone else. Idempotent."""
    counts: Counter[str] = Counter()
    keys = set(store.addresses(person_id))
    pending = list(store.pending())
    keys |= {address_key(p["payload"]["to"]) for p in pending
             if p.get("payload", {}).get("recipient_id") == person_id and isinstance(p["payload"].get("to"), str)}
    counts["unsubscribed"] += store.block(person_id, now, erased=True)
    counts["unsubscribed"] += sum(store.block(key, now, erased=False) for key in sorted(keys))
    for record in pending:
        payload = record.get("payload") or {}
        redacted = redact(payload, person_id, keys)
        update: dict[str, Any] = {"payload": redacted}
        if payload.get("recipient_id") == person_id:
            update["state"] = State.SKIPPED.value  # never to be sent now
        if redacted != payload or "state" in update:
            counts["notifications"] += store.rewrite(record["_id"], update)
    counts["recipients"] += store.forget(person_id)
    return {name: counts[name] for name in store.COLLECTIONS}


def _iso(value: Any) -> str | None:
    return as_utc(value).isoformat() if isinstance(value, dt.datetime) else None
