"""The platform's one notifier: each `notification.requested` is sent at most once per idempotency key, never
to someone who unsubscribed, and a failed send is kept and retried with backoff (never silently dropped).

A record per key holds the state: SENDING (claimed), SENT, SKIPPED (unsubscribed) or FAILED (retry due at
`next_attempt_at`). A SENDING claim older than the stale delay (a crashed notifier) is taken over.

The record keeps the whole email only while it may still be sent (SENDING, FAILED): once sent or skipped, only
whom it was for (the person's id) and its category remain, never the address nor the text."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import Any

from prometheus_client import Counter
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from services.pledges.adapters import db
from services.pledges.adapters.helpers_repo import email_hash
from services.pledges.config import PledgesSettings
from shared.schemas.notification import NotificationRequested

log = logging.getLogger(__name__)
NOTIFICATIONS = Counter("bob_notifications_total", "Notifications handled", ["category", "outcome"])
SEND_FAILURES = Counter("bob_notification_send_failures_total", "Failed SMTP attempts", ["category"])
STALE_CLAIM = dt.timedelta(minutes=5)
MAX_BACKOFF = dt.timedelta(hours=1)

Sender = Callable[[NotificationRequested], None]


def unsubscribed(note: NotificationRequested) -> bool:
    """The person (by id: unsubscribed or erased) or the address (by hash) wants nothing more. Two reads by
    `_id`, which FerretDB serves without a scan (an `$in` filter scans)."""
    return any(db.unsubscribed().find_one({"_id": key}, {"_id": 1}) for key in (note.recipient_id, email_hash(note.to)))


def _kept(note: NotificationRequested) -> dict[str, str]:
    """What a settled record keeps of its email."""
    return {"recipient_id": note.recipient_id, "category": note.category}


def _claim(note: NotificationRequested, now: dt.datetime) -> bool:
    record = {"_id": note.idempotency_key, "state": "SENDING", "attempts": 0, "claimed_at": now,
              "category": note.category, "payload": note.model_dump(mode="json"), "created_at": now}
    try:
        db.notifications().insert_one(record)
        return True
    except DuplicateKeyError:
        stale = db.notifications().find_one_and_update(
            {"_id": note.idempotency_key, "state": "SENDING", "claimed_at": {"$lt": now - STALE_CLAIM}},
            {"$set": {"claimed_at": now}},
        )
        return stale is not None


def _attempt(note: NotificationRequested, send: Sender, attempts: int, pause: float) -> bool:
    for attempt in range(attempts):
        try:
            send(note)
            return True
        except Exception as exc:
            SEND_FAILURES.labels(note.category).inc()
            log.warning("email not sent", extra={"key": note.idempotency_key, "error": repr(exc)[:200]})
            if attempt + 1 < attempts:
                time.sleep(pause * 2**attempt)
    return False


def _settle(note: NotificationRequested, ok: bool, attempts: int, now: dt.datetime) -> str:
    if ok:
        db.notifications().update_one({"_id": note.idempotency_key}, {
            "$set": {"state": "SENT", "sent_at": now, "payload": _kept(note)}, "$inc": {"attempts": attempts}})
        outcome = "sent"
    else:
        record = db.notifications().find_one_and_update(
            {"_id": note.idempotency_key}, {"$inc": {"attempts": attempts}}, return_document=ReturnDocument.AFTER
        )
        tries = record["attempts"] if record else attempts
        backoff = min(dt.timedelta(seconds=5 * 2 ** min(tries, 12)), MAX_BACKOFF)
        db.notifications().update_one({"_id": note.idempotency_key}, {
            "$set": {"state": "FAILED", "next_attempt_at": now + backoff}})
        outcome = "failed"
    NOTIFICATIONS.labels(note.category, outcome).inc()
    return outcome


def deliver(note: NotificationRequested, send: Sender, now: dt.datetime, settings: PledgesSettings) -> str:
    """The outcome: sent, failed (kept for retry), skipped (unsubscribed) or duplicate."""
    if unsubscribed(note):
        db.notifications().update_one({"_id": note.idempotency_key}, {
            "$set": {"state": "SKIPPED", "payload": _kept(note)},
            "$setOnInsert": {"category": note.category, "created_at": now}}, upsert=True)
        NOTIFICATIONS.labels(note.category, "skipped").inc()
        return "skipped"
    if not _claim(note, now):
        NOTIFICATIONS.labels(note.category, "duplicate").inc()
        return "duplicate"
    attempts = settings.notifier_send_attempts
    return _settle(note, _attempt(note, send, attempts, pause=0.2), attempts, now)


def retry_failed(send: Sender, now: dt.datetime, settings: PledgesSettings, limit: int = 100) -> int:
    """Sends again the FAILED notifications that are due; returns how many went out."""
    sent = 0
    for record in db.notifications().find({"state": "FAILED", "next_attempt_at": {"$lte": now}}).limit(limit):
        claimed: dict[str, Any] | None = db.notifications().find_one_and_update(
            {"_id": record["_id"], "state": "FAILED"}, {"$set": {"state": "SENDING", "claimed_at": now}}
        )
        if claimed is None:
            continue
        note = NotificationRequested.model_validate(claimed["payload"])
        if unsubscribed(note):
            db.notifications().update_one({"_id": note.idempotency_key}, {"$set": {
                "state": "SKIPPED", "payload": _kept(note)}})
            continue
        sent += _settle(note, _attempt(note, send, 1, pause=0), 1, now) == "sent"
    return sent
