"""What job seekers ask for: documents to review and coffee opt-ins, and what became of them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bson.binary import Binary
from pymongo import ReturnDocument

from services.pledges.adapters import db
from services.pledges.domain.kinds import DocumentKind, ReviewState
from services.pledges.domain.matching import Place
from shared.mongo import as_utc
from shared.schemas.profile import AreaType


def insert_document(
    document_id: str, profile_id: str, email: str, kind: DocumentKind, filename: str, media_type: str, content: bytes,
    now: dt.datetime, outbox_entry: str | None = None,
) -> None:
    # Indexed before it exists: a listing skips ids not stored yet, never misses a stored document.
    db.seeker_documents().update_one(
        {"_id": profile_id}, {"$addToSet": {"document_ids": document_id}}, upsert=True
    )
    db.documents().insert_one({
        "_id": document_id, "profile_id": profile_id, "email": email.casefold(), "kind": kind.value,
        "filename": filename[:200], "media_type": media_type, "size": len(content), "data": Binary(content),
        "created_at": now, "taken": 0, "done": 0, "reviewers": [], "review_ids": [],
        "outbox_entries": [outbox_entry] if outbox_entry else [],
    })


def read_document(document_id: str) -> dict[str, Any] | None:
    return db.documents().find_one({"_id": document_id})


def set_coffee(
    profile_id: str, email: str, opt_in: bool, rome_code: str, city: Place, mobility: AreaType, now: dt.datetime,
    outbox_entry: str | None = None,
) -> dict[str, Any]:
    """The coffee request after the change (naming the entry of its event); its `version` counts the changes."""
    doc = db.coffee_requests().find_one_and_update(
        {"_id": profile_id},
        {"$set": {"email": email.casefold(), "active": opt_in, "rome_code": rome_code,
                  "city": {"name": city.city, "departement_id": city.departement_id}, "mobility_area": mobility.value,
                  "updated_at": now},
         "$setOnInsert": {"created_at": now, "matched": False},
         "$inc": {"version": 1},
         **({"$push": {"outbox_entries": outbox_entry}} if outbox_entry else {})},
        upsert=True, return_document=ReturnDocument.AFTER,
    )
    assert doc is not None  # upserted
    return doc


def _received(review_id: str) -> dict[str, Any] | None:
    review = db.reviews().find_one({"_id": review_id}, {"state": 1, "text": 1})
    if review is None:
        return None
    text = review.get("text") if review["state"] == ReviewState.DONE.value else None
    return {"review_id": review_id, "state": review["state"], "text": text}


def help_requests(profile_id: str) -> dict[str, Any]:
    """The job seeker's documents (oldest first) with their reviews, and their coffee request; every read is by
    `_id`."""
    index = db.seeker_documents().find_one({"_id": profile_id})
    documents: list[dict[str, Any]] = []
    for document_id in (index or {}).get("document_ids", []):
        document = db.documents().find_one({"_id": document_id}, {"data": 0})
        if document is None or document["profile_id"] != profile_id:
            continue
        reviews = [r for r in map(_received, document.get("review_ids", [])) if r is not None]
        documents.append({"document_id": document_id, "kind": document["kind"],
                          "uploaded_at": as_utc(document["created_at"]), "reviews": reviews})
    documents.sort(key=lambda d: d["uploaded_at"])
    coffee = db.coffee_requests().find_one({"_id": profile_id})
    return {"documents": documents,
            "coffee": {"opted_in": coffee["active"], "matched": coffee["matched"]} if coffee else None}
