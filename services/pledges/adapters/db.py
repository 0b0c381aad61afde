"""The pledges service's collections (raw pymongo over the mongoengine connection), their indexes and the
outbox its events leave through.

FerretDB has no transactions, and its conditional updates are not exclusive across connections: every decision two
processes may race on is the insert of a deterministic `_id` (see `assignments.py`)."""

from __future__ import annotations

import uuid
from typing import Any

from mongoengine.connection import get_db  # type: ignore[import-untyped]
from pymongo import ASCENDING
from pymongo.collection import Collection

from shared.messaging.factory import EVENT_IDS
from shared.messaging.outbox import Outbox

Doc = dict[str, Any]
# The history is kept (`outbox_archive`): replays read it through `OUTBOX.recorded`.
OUTBOX = Outbox(get_db, archive="outbox_archive")


def record_id(*parts: str) -> str:
    """A deterministic id (a review of a document by a pledge, a pledge of a helper): a replay finds it taken."""
    return str(uuid.uuid5(EVENT_IDS, ":".join(("/services/pledges", *parts))))


REVIEWS, REVIEW_ENDS, COFFEES, SLOTS = "reviews", "review_ends", "coffees", "slots"
DOCUMENTS, HELPERS, SEEKER_OFFERS, COFFEE_REQUESTS = "documents", "helpers", "seeker_offers", "coffee_requests"


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


def slots() -> Collection[Doc]:
    """Claims of capacity, one per taken slot (`{pledge or document id}:slot:{n}`), and fulfilments; ids only."""
    return coll("slots")


def migrations() -> Collection[Doc]:
    """One document per one-off data migration run on this database (its claim)."""
    return coll("migrations")


def coffees() -> Collection[Doc]:
    return coll("coffees")


def seekers() -> Collection[Doc]:
    return coll("seekers")


def seeker_offers() -> Collection[Doc]:
    """Per job seeker: `{profile_id}:wanted:{kind}` and `{profile_id}:offer:{n}` (the n-th offer made)."""
    return coll(SEEKER_OFFERS)


def helper_reviews() -> Collection[Doc]:
    """Per helper (`_id` = helper id): the ids of the reviews assigned to them, so listing them reads by `_id`."""
    return coll("helper_reviews")


def seeker_documents() -> Collection[Doc]:
    """Per job seeker (`_id` = profile id): the ids of their uploaded documents, read by `_id` as well."""
    return coll("seeker_documents")


def unsubscribed() -> Collection[Doc]:
    """Per erased person (`_id` = person id): nothing is stored about them any more."""
    return coll("unsubscribed")


def outbox() -> Collection[Doc]:
    return OUTBOX.collection()


def outbox_archive() -> Collection[Doc]:
    """Relayed events, kept as history (replays); the outbox itself holds only what is still to send."""
    return coll("outbox_archive")


COLLECTIONS = (
    "helpers", "pledges", "documents", "coffee_requests", "reviews", "coffees", "seekers", "seeker_offers",
    "helper_reviews",
    "seeker_documents", "unsubscribed", "outbox_archive", "outbox",
)


def ensure_indexes() -> None:
    helpers().create_index([("email", ASCENDING)], unique=True)
    pledges().create_index([("kind", ASCENDING), ("active", ASCENDING), ("created_at", ASCENDING)])
    pledges().create_index([("helper_id", ASCENDING)])
    documents().create_index([("kind", ASCENDING), ("taken", ASCENDING), ("created_at", ASCENDING)])
    reviews().create_index([("state", ASCENDING), ("sent_at", ASCENDING)])
    coffee_requests().create_index([("active", ASCENDING), ("created_at", ASCENDING)])
    coffees().create_index([("profile_id", ASCENDING)], unique=True)
    outbox().create_index([("created_at", ASCENDING)])


def erased(person_id: str) -> bool:
    """Whether the person asked for erasure (recorded among the unsubscribed, read by `_id`)."""
    marker = unsubscribed().find_one({"_id": person_id})
    return bool(marker and marker.get("erased"))
