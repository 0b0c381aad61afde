"""The notifier's database: one record per email (`notifications`, `_id` = idempotency key), who must get nothing
more (`unsubscribed`, `_id` = a person's id or an address key) and the keys of the addresses each person was
mailed at (`recipients`, `_id` = person id), so an unsubscribe or an erasure known by id reaches their addresses.

FerretDB has no transactions and serves only `_id` filters without a scan: the hot path reads by `_id`; a claim
is a unique insert."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from mongoengine.connection import get_db  # type: ignore[import-untyped]
from pymongo import ASCENDING, ReturnDocument
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from services.notifier.domain.delivery import PENDING, State
from shared.mongo import as_utc

Doc = dict[str, Any]
COLLECTIONS = ("notifications", "unsubscribed", "recipients")


def _coll(name: str) -> Collection[Doc]:
    collection: Collection[Doc] = get_db()[name]
    return collection


def notifications() -> Collection[Doc]:
    return _coll("notifications")


def claims() -> Collection[Doc]:
    """The attempt rounds claimed (`{key}:{round}`): a retry or a take-over is one unique insert."""
    return _coll("notification_claims")


def unsubscribed() -> Collection[Doc]:
    return _coll("unsubscribed")


def recipients() -> Collection[Doc]:
    return _coll("recipients")


def ensure_indexes() -> None:
    notifications().create_index([("state", ASCENDING), ("next_attempt_at", ASCENDING)])


# --- who gets nothing more ---------------------------------------------------------------------------------------

def blocked(key: str) -> bool:
    return unsubscribed().find_one({"_id": key}, {"_id": 1}) is not None


def block(key: str, now: dt.datetime, *, erased: bool) -> int:
    """Records `key` (a person id or an address key) as unsubscribed, or erased; 1 when that changed anything."""
    marker = unsubscribed().find_one({"_id": key})
    if marker is not None and (marker.get("erased") or not erased):
        return 0
    update: dict[str, Any] = {"$setOnInsert": {"at": now}}
    if erased:
        update["$set"] = {"erased": True, "erased_at": now}
    unsubscribed().update_one({"_id": key}, update, upsert=True)
    return 1


def marker(key: str) -> Doc | None:
    return unsubscribed().find_one({"_id": key})


def remember(recipient_id: str, address: str) -> None:
    recipients().update_one({"_id": recipient_id}, {"$addToSet": {"addresses": address}}, upsert=True)


def addresses(recipient_id: str) -> list[str]:
    found = recipients().find_one({"_id": recipient_id})
    return list((found or {}).get("addresses", []))


def forget(recipient_id: str) -> int:
    return int(recipients().delete_one({"_id": recipient_id}).deleted_count)


# --- notification records ----------------------------------------------------------------------------------------

def claim(key: str, category: str, payload: Doc, now: dt.datetime) -> bool:
    """Inserts the SENDING record; False when the key is already known (the unique `_id` decides)."""
    record = {"_id": key, "state": State.SENDING.value, "attempts": 0, "claimed_at": now, "category": category,
              "payload": payload, "created_at": now}
    try:
        notifications().insert_one(record)
        return True
    except DuplicateKeyError:
        return False


def _claim_round(record: Doc, now: dt.datetime) -> bool:
    """Claims the record's next attempt round by a unique insert (`{key}:{round}`): two notifiers retrying or
    taking over the same email at once cannot both win, where a conditional update would let both through on
    FerretDB. The winner writes the round on the record."""
    number = int(record.get("round", 0)) + 1
    try:
        claims().insert_one({"_id": f"{record['_id']}:{number}", "at": now})
    except DuplicateKeyError:
        return False
    notifications().update_one({"_id": record["_id"]}, {"$set": {
        "state": State.SENDING.value, "claimed_at": now, "round": number}})
    return True


def take_over(key: str, stale_before: dt.datetime, now: dt.datetime) -> bool:
    """Takes over a SENDING claim older than `stale_before` (its notifier crashed)."""
    record = notifications().find_one({"_id": key})
    return (record is not None and record["state"] == State.SENDING.value
            and as_utc(record["claimed_at"]) < stale_before and _claim_round(record, now))


def sent(key: str, kept: Doc, attempts: int, now: dt.datetime) -> None:
    notifications().update_one({"_id": key}, {
        "$set": {"state": State.SENT.value, "sent_at": now, "payload": kept}, "$inc": {"attempts": attempts}})


def add_attempts(key: str, attempts: int) -> int:
    """Counts failed attempts; returns the record's total."""
    record = notifications().find_one_and_update(
        {"_id": key}, {"$inc": {"attempts": attempts}}, return_document=ReturnDocument.AFTER
    )
    return int(record["attempts"]) if record else attempts


def failed(key: str, next_attempt_at: dt.datetime) -> None:
    notifications().update_one(
        {"_id": key}, {"$set": {"state": State.FAILED.value, "next_attempt_at": next_attempt_at}}
    )


def skipped(key: str, category: str, kept: Doc, now: dt.datetime) -> None:
    notifications().update_one({"_id": key}, {
        "$set": {"state": State.SKIPPED.value, "payload": kept},
        "$setOnInsert": {"category": category, "created_at": now}}, upsert=True)


def due(now: dt.datetime, stale_before: dt.datetime, limit: int) -> list[Doc]:
    """FAILED records whose retry is due, and SENDING ones claimed before `stale_before`."""
    return list(notifications().find({"$or": [
        {"state": State.FAILED.value, "next_attempt_at": {"$lte": now}},
        {"state": State.SENDING.value, "claimed_at": {"$lt": stale_before}},
    ]}).limit(limit))


def _retriable(record: Doc, stale_before: dt.datetime) -> bool:
    return record["state"] == State.FAILED.value or (
        record["state"] == State.SENDING.value and as_utc(record["claimed_at"]) < stale_before)


def claim_retry(key: str, stale_before: dt.datetime, now: dt.datetime) -> Doc | None:
    """The FAILED (or stale SENDING) record, now SENDING for this caller only; None when it is neither or another
    caller won."""
    record = notifications().find_one({"_id": key})
    if record is None or not _retriable(record, stale_before) or not _claim_round(record, now):
        return None
    return record


def of_recipient(recipient_id: str) -> list[Doc]:
    return list(notifications().find({"payload.recipient_id": recipient_id}))


def pending() -> Iterator[Doc]:
    """The emails that may still be sent (rare: the ones whose SMTP server refused them, or in flight)."""
    return notifications().find({"state": {"$in": list(PENDING)}})


def rewrite(key: str, update: Doc) -> int:
    return int(notifications().update_one({"_id": key}, {"$set": update}).modified_count)
