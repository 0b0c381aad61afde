"""The pledges service's collections (raw pymongo over the mongoengine connection) and their indexes.

FerretDB has no transactions: every guarantee comes from single-document conditional updates."""

from __future__ import annotations

from typing import Any

from mongoengine.connection import get_db  # type: ignore[import-untyped]
from pymongo import ASCENDING
from pymongo.collection import Collection

Doc = dict[str, Any]


def coll(name: str) -> Collection[Doc]:
    collection: Collection[Doc] = get_db()[name]
    return collection


def helpers() -> Collection[Doc]:
    return coll("helpers")


def pledges() -> Collection[Doc]:
    return coll("pledges")


def documents() -> Collection[Doc]:
    return coll("documents")


def coffee_requests() -> Collection[Doc]:
    return coll("coffee_requests")


def reviews() -> Collection[Doc]:
    return coll("reviews")


def review_ends() -> Collection[Doc]:
    """One document per review that ended (done or timed out), keyed by the review id: the exclusive claim."""
    return coll("review_ends")


def coffees() -> Collection[Doc]:
    return coll("coffees")


def seekers() -> Collection[Doc]:
    return coll("seekers")


def helper_reviews() -> Collection[Doc]:
    """Per helper (`_id` = helper id): the ids of the reviews assigned to them, so listing them reads by `_id`."""
    return coll("helper_reviews")


def seeker_documents() -> Collection[Doc]:
    """Per job seeker (`_id` = profile id): the ids of their uploaded documents, read by `_id` as well."""
    return coll("seeker_documents")


def unsubscribed() -> Collection[Doc]:
    return coll("unsubscribed")


def notifications() -> Collection[Doc]:
    return coll("notifications")


def outbox_archive() -> Collection[Doc]:
    """Relayed events, kept as history (replays); the outbox itself holds only what is still to send."""
    return coll("outbox_archive")


def outbox() -> Collection[Doc]:
    return coll("outbox")


COLLECTIONS = (
    "helpers", "pledges", "documents", "coffee_requests", "reviews", "coffees", "seekers", "helper_reviews",
    "seeker_documents", "unsubscribed", "notifications", "outbox_archive", "outbox",
)


def ensure_indexes() -> None:
    helpers().create_index([("email", ASCENDING)], unique=True)
    pledges().create_index([("kind", ASCENDING), ("active", ASCENDING), ("created_at", ASCENDING)])
    pledges().create_index([("helper_id", ASCENDING)])
    documents().create_index([("kind", ASCENDING), ("taken", ASCENDING), ("created_at", ASCENDING)])
    reviews().create_index([("state", ASCENDING), ("sent_at", ASCENDING)])
    coffee_requests().create_index([("active", ASCENDING), ("created_at", ASCENDING)])
    coffees().create_index([("profile_id", ASCENDING)], unique=True)
    outbox().create_index([("relayed", ASCENDING), ("created_at", ASCENDING)])
    notifications().create_index([("state", ASCENDING), ("next_attempt_at", ASCENDING)])


def erased(person_id: str) -> bool:
    """Whether the person asked for erasure (recorded among the unsubscribed, read by `_id`)."""
    marker = unsubscribed().find_one({"_id": person_id})
    return bool(marker and marker.get("erased"))
