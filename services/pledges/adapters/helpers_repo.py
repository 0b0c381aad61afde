"""Helpers and their pledges: the sign-up (active at once: the email was verified by signing in), the reviews
assigned to a helper, and the redaction of an unsubscribed helper."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pymongo.errors import DuplicateKeyError

from services.pledges.adapters import db
from services.pledges.domain.errors import AlreadyDone
from services.pledges.domain.helpers import SignUp
from shared.mongo import as_utc, insert_ignoring_duplicates


def redacted_email(person_id: str) -> str:
    """What replaces a helper's address: unique (the helpers' email index is unique) and never deliverable."""
    return f"redacted-{person_id}@invalid"


def pledge_id(helper_id: str, kind: str) -> str:
    return db.record_id("pledge", helper_id, kind)


def pledges_of(helper_id: str) -> list[dict[str, Any]]:
    return list(db.pledges().find({"helper_id": helper_id}).sort("kind", 1))


def insert(helper_id: str, email: str, sign_up: SignUp, now: dt.datetime, outbox_entry: str | None = None) -> None:
    """Stores the helper and their active pledges; AlreadyDone when the account or the address is a helper's."""
    cities = [{"name": c.city, "departement_id": c.departement_id} for c in sign_up.cities]
    try:
        db.helpers().insert_one({
            "_id": helper_id, "email": email, "name": sign_up.name, "cities": cities, "remote": sign_up.remote,
            "domains": list(sign_up.domains), "confirmed": True, "confirmed_at": now, "unsubscribed": False,
            "created_at": now, "outbox_entries": [outbox_entry] if outbox_entry else [],
        })
    except DuplicateKeyError:
        raise AlreadyDone("this person is already registered as a helper") from None
    insert_ignoring_duplicates(db.pledges(), [
        {"_id": pledge_id(helper_id, p.kind.value), "helper_id": helper_id, "helper_email": email,
         "kind": p.kind.value, "capacity": p.capacity, "free": p.capacity, "assigned": 0, "done": 0,
         "active": True, "confirmed": True, "fulfilled": False, "created_at": now, "cities": cities,
         "remote": sign_up.remote, "domains": list(sign_up.domains)}
        for p in sign_up.pledges
    ])


def read(helper_id: str) -> dict[str, Any] | None:
    return db.helpers().find_one({"_id": helper_id})


def assigned_reviews(helper_id: str) -> list[dict[str, Any]]:
    """The helper's reviews, oldest first, read by `_id` through the helper's index document."""
    index = db.helper_reviews().find_one({"_id": helper_id})
    reviews = [db.reviews().find_one({"_id": review_id}) for review_id in (index or {}).get("review_ids", [])]
    return sorted((r for r in reviews if r is not None), key=lambda r: as_utc(r["sent_at"]))


def unsubscribe(helper_id: str, now: dt.datetime) -> None:
    """Redacts the helper's personal data and stops their pledges; pledges and reviews stay as anonymous counts."""
    redacted = redacted_email(helper_id)
    db.helpers().update_one({"_id": helper_id}, {"$set": {
        "email": redacted, "name": "", "cities": [], "unsubscribed": True, "unsubscribed_at": now}})
    db.pledges().update_many(
        {"helper_id": helper_id}, {"$set": {"active": False, "helper_email": redacted, "cities": []}}
    )
