"""Privacy requests and the answers gathered from every service (synchronous; lookups by `_id` only)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from mongoengine.connection import get_db  # type: ignore[import-untyped]
from pymongo.collection import Collection

from services.profile.accounts import store as accounts
from shared.mongo import insert_ignoring_duplicates
from shared.schemas.privacy import SERVICES

Doc = dict[str, Any]
REQUESTS = "privacy_requests"


def requests() -> Collection[Doc]:
    collection: Collection[Doc] = get_db()[REQUESTS]
    return collection


def answers() -> Collection[Doc]:
    collection: Collection[Doc] = get_db()["privacy_answers"]
    return collection


def erasure_id(person_id: str) -> str:
    """One erasure per person: asking twice (a retried DELETE) is the same request."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"erasure:{person_id}").hex


def record_request(request_id: str, person_id: str, kind: str, now: dt.datetime, outbox_entry: str) -> None:
    """Idempotent (a retried erasure is the same request); `outbox_entry` is the entry of its event."""
    insert_ignoring_duplicates(requests(), [{"_id": request_id, "person_id": person_id, "kind": kind,
                                             "requested_at": now, "outbox_entry": outbox_entry}])
    # The account lists its requests so that erasure finds the export archives without a scan.
    accounts.accounts().update_one({"_id": person_id}, {"$addToSet": {"privacy_requests": request_id}})


def get_request(request_id: str) -> Doc | None:
    return requests().find_one({"_id": request_id})


def store_answer(request_id: str, service: str, body: Doc, now: dt.datetime) -> int:
    """Idempotent: a replayed answer is the same document (returns 1 for a replay)."""
    answer = {"_id": f"{request_id}:{service}", "request_id": request_id, "service": service, "body": body,
              "received_at": now}
    return insert_ignoring_duplicates(answers(), [answer])


def gathered(request_id: str) -> dict[str, Doc]:
    found = {}
    for service in SERVICES:
        doc = answers().find_one({"_id": f"{request_id}:{service}"})
        if doc is not None:
            found[service] = doc["body"]
    return found


def delete_answers(request_ids: list[str]) -> int:
    deleted = 0
    for request_id in request_ids:
        for service in SERVICES:
            deleted += answers().delete_one({"_id": f"{request_id}:{service}"}).deleted_count
    return deleted
