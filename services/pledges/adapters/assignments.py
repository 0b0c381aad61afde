"""Storing matches with atomic single-document conditional updates: two matchers running at once can never
over-assign a pledge or a document (FerretDB has no transactions; each step is checked, and undone on failure).

A document keeps `taken` = pending + done reviews and the helper ids it went to; a pledge keeps `free` slots."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from services.pledges.adapters import db
from services.pledges.domain.kinds import DOCUMENT_KIND, MAX_REVIEWS_PER_DOCUMENT, PledgeKind, ReviewState
from services.pledges.domain.matching import CoffeeRequest, Match, OpenDocument, OpenPledge, Place
from shared.mongo import as_utc
from shared.schemas.profile import AreaType

SCAN = 200  # requests or pledges looked at per matching pass


def open_pledges(kind: PledgeKind) -> list[OpenPledge]:
    docs = db.pledges().find({"kind": kind.value, "active": True, "free": {"$gt": 0}}).sort("created_at", 1)
    return [
        OpenPledge(
            pledge_id=p["_id"], helper_id=p["helper_id"], helper_email=p["helper_email"], kind=kind, free=p["free"],
            since=as_utc(p["created_at"]), cities=tuple(Place(c["name"], c["departement_id"]) for c in p["cities"]),
            remote=p["remote"], domains=tuple(p["domains"]),
        )
        for p in docs.limit(SCAN)
    ]


def open_documents(kind: PledgeKind) -> list[OpenDocument]:
    query = {"kind": DOCUMENT_KIND[kind].value, "taken": {"$lt": MAX_REVIEWS_PER_DOCUMENT}}
    docs = db.documents().find(query, {"data": 0}).sort("created_at", 1).limit(SCAN)
    return [
        OpenDocument(
            document_id=d["_id"], owner_email=d["email"], kind=DOCUMENT_KIND[kind],
            free=MAX_REVIEWS_PER_DOCUMENT - d["taken"], since=as_utc(d["created_at"]),
            reviewers=frozenset(d["reviewers"]), owner_id=d["profile_id"],
        )
        for d in docs
    ]


def open_coffee_requests() -> list[CoffeeRequest]:
    docs = db.coffee_requests().find({"active": True, "matched": False}).sort("created_at", 1).limit(SCAN)
    return [
        CoffeeRequest(
            profile_id=r["_id"], email=r["email"], rome_code=r["rome_code"],
            place=Place(r["city"]["name"], r["city"]["departement_id"]), mobility=AreaType(r["mobility_area"]),
            since=as_utc(r["created_at"]),
        )
        for r in docs
    ]


def _take_pledge_slot(pledge_id: str) -> dict[str, Any] | None:
    found: dict[str, Any] | None = db.pledges().find_one_and_update(
        {"_id": pledge_id, "active": True, "free": {"$gt": 0}},
        {"$inc": {"free": -1, "assigned": 1}}, return_document=ReturnDocument.AFTER,
    )
    return found


def review_id(document_id: str, pledge_id: str) -> str:
    return db.record_id("review", document_id, pledge_id)


def coffee_id(profile_id: str) -> str:
    return db.record_id("coffee", profile_id)


def assign_review(match: Match, now: dt.datetime) -> dict[str, Any] | None:
    """The stored review (state SENT), or None when the document or the pledge filled up meanwhile."""
    # The document lists its review ids, and the helper's index document too: the job seeker's and the helper's
    # views then read everything by `_id` (FerretDB scans for any other filter).
    rid = review_id(match.request_id, match.pledge_id)
    # update_one, not find_one_and_update: FerretDB's findAndModify has no projection, and the bytes stay home.
    taken = db.documents().update_one(
        {"_id": match.request_id, "taken": {"$lt": MAX_REVIEWS_PER_DOCUMENT}, "reviewers": {"$ne": match.helper_id}},
        {"$inc": {"taken": 1}, "$push": {"reviewers": match.helper_id, "review_ids": rid}},
    )
    if not taken.modified_count:
        return None
    document = db.documents().find_one({"_id": match.request_id}, {"data": 0})
    pledge = _take_pledge_slot(match.pledge_id) if document is not None else None
    if document is None or pledge is None:  # the pledge filled up, or the document was erased meanwhile
        db.documents().update_one({"_id": match.request_id}, {"$inc": {"taken": -1}, "$pull": {
            "reviewers": match.helper_id, "review_ids": rid}})
        return None
    # Indexed before it exists: a listing skips ids not stored yet, never misses a stored review.
    db.helper_reviews().update_one({"_id": match.helper_id}, {"$addToSet": {"review_ids": rid}}, upsert=True)
    review = {
        "_id": rid, "document_id": match.request_id,
        "pledge_id": match.pledge_id, "helper_id": match.helper_id, "helper_email": pledge["helper_email"],
        "profile_id": document["profile_id"], "owner_email": document["email"], "kind": document["kind"],
        "state": ReviewState.SENT.value, "sent_at": now,
    }
    db.reviews().insert_one(review)
    return review


def assign_coffee(match: Match, now: dt.datetime) -> dict[str, Any] | None:
    """The stored coffee, or None when the request was matched or the pledge filled up meanwhile.

    The claim is the insert of the coffee under an id derived from the request: a unique key is the one thing two
    concurrent matchers cannot both win (a conditional update on the request proved racy: a loser that reset
    `matched` undid the winner's flag)."""
    request = db.coffee_requests().find_one({"_id": match.request_id})
    if request is None or not request["active"] or request["matched"]:
        return None
    coffee: dict[str, Any] = {
        "_id": coffee_id(match.request_id), "profile_id": match.request_id, "seeker_email": request["email"],
        "pledge_id": match.pledge_id, "helper_id": match.helper_id, "helper_email": None,
        "proximity": match.proximity.name, "matched_at": now,
    }
    try:
        db.coffees().insert_one(coffee)
    except DuplicateKeyError:
        return None
    pledge = _take_pledge_slot(match.pledge_id)
    if pledge is None:
        db.coffees().delete_one({"_id": coffee["_id"]})
        return None
    coffee["helper_email"] = pledge["helper_email"]
    db.coffees().update_one({"_id": coffee["_id"]}, {"$set": {"helper_email": pledge["helper_email"]}})
    db.coffee_requests().update_one({"_id": match.request_id}, {"$set": {"matched": True}})
    return coffee


def count_done(pledge_id: str) -> dict[str, Any] | None:
    """Counts one done match; returns the pledge if this made it fulfilled (only once)."""
    pledge = db.pledges().find_one_and_update(
        {"_id": pledge_id}, {"$inc": {"done": 1}}, return_document=ReturnDocument.AFTER
    )
    if pledge is None or pledge["done"] < pledge["capacity"]:
        return None
    won = db.pledges().update_one({"_id": pledge_id, "fulfilled": False}, {"$set": {"fulfilled": True}})
    return pledge if won.modified_count else None


def read_review(review: str) -> dict[str, Any] | None:
    found: dict[str, Any] | None = db.reviews().find_one({"_id": review})
    return found


def _end(review: str, outcome: ReviewState, now: dt.datetime) -> bool:
    """Claims the end of a review: the API (submission) and the worker (time-out) may race, and FerretDB's
    conditional updates are not exclusive across connections; a unique `_id` is."""
    current = db.reviews().find_one({"_id": review}, {"state": 1})
    if current is None or current["state"] != ReviewState.SENT.value:
        return False
    try:
        db.review_ends().insert_one({"_id": review, "outcome": outcome.value, "at": now})
    except DuplicateKeyError:
        return False
    return True


def complete_review(review: str, text: str, now: dt.datetime) -> dict[str, Any] | None:
    """SENT → DONE exactly once; None when the review is not SENT any more."""
    if not _end(review, ReviewState.DONE, now):
        return None
    done: dict[str, Any] | None = db.reviews().find_one_and_update(
        {"_id": review, "state": ReviewState.SENT.value},
        {"$set": {"state": ReviewState.DONE.value, "text": text, "done_at": now}},
        return_document=ReturnDocument.AFTER,
    )
    if done is not None:
        db.documents().update_one({"_id": done["document_id"]}, {"$inc": {"done": 1}})
    return done


def due_reviews(now: dt.datetime, timeout: dt.timedelta, limit: int = 100) -> list[str]:
    query = {"state": ReviewState.SENT.value, "sent_at": {"$lt": now - timeout}}
    return [r["_id"] for r in db.reviews().find(query, {"_id": 1}).limit(limit)]


def time_out_review(review: str, now: dt.datetime) -> dict[str, Any] | None:
    """SENT → TIME_OUT; frees the document's slot (not for the same helper) and the pledge's slot."""
    if not _end(review, ReviewState.TIME_OUT, now):
        return None
    timed_out: dict[str, Any] | None = db.reviews().find_one_and_update(
        {"_id": review, "state": ReviewState.SENT.value},
        {"$set": {"state": ReviewState.TIME_OUT.value, "timed_out_at": now}},
        return_document=ReturnDocument.AFTER,
    )
    if timed_out is not None:
        db.documents().update_one({"_id": timed_out["document_id"]}, {"$inc": {"taken": -1}})
        db.pledges().update_one({"_id": timed_out["pledge_id"]}, {"$inc": {"free": 1, "assigned": -1}})
    return timed_out
