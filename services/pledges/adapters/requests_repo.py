"""What job seekers ask for: documents to review and coffee opt-ins, and what became of them."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from bson.binary import Binary
from pymongo import ReturnDocument

from services.pledges.adapters import db, outbox
from services.pledges.domain.kinds import DocumentKind, ReviewState
from services.pledges.errors import Refused
from services.pledges.events import event
from services.pledges.schemas import CoffeeIn, CoffeeState, DocumentRequest, HelpRequestsOut, ReceivedReview
from shared.mongo import as_utc
from shared.schemas.pledges import CoffeeChoice, DocumentUploaded
from shared.topics import PLEDGES_REQUESTS


def store_document(
    profile_id: str, email: str, kind: DocumentKind, filename: str, media_type: str, content: bytes, now: dt.datetime
) -> str:
    if db.erased(profile_id):
        raise Refused(403, "this account was erased")
    document_id = uuid.uuid4().hex
    # Indexed before it exists: a listing skips ids not stored yet, never misses a stored document.
    db.seeker_documents().update_one(
        {"_id": profile_id}, {"$addToSet": {"document_ids": document_id}}, upsert=True
    )
    db.documents().insert_one({
        "_id": document_id, "profile_id": profile_id, "email": email.casefold(), "kind": kind.value,
        "filename": filename[:200], "media_type": media_type, "size": len(content), "data": Binary(content),
        "created_at": now, "taken": 0, "done": 0, "reviewers": [], "review_ids": [],
    })
    data = DocumentUploaded(
        document_id=document_id, profile_id=profile_id, kind=kind.value, media_type=media_type, size=len(content)
    )
    outbox.add([event(PLEDGES_REQUESTS, "document.uploaded", profile_id, data, document_id)])
    return document_id


def read_document(document_id: str) -> dict[str, Any] | None:
    return db.documents().find_one({"_id": document_id})


def choose_coffee(profile_id: str, email: str, body: CoffeeIn, now: dt.datetime) -> dict[str, Any]:
    """Opt in or out; the version in the event id makes each change its own event."""
    if db.erased(profile_id):
        raise Refused(403, "this account was erased")
    doc = db.coffee_requests().find_one_and_update(
        {"_id": profile_id},
        {"$set": {"email": email.casefold(), "active": body.opt_in, "rome_code": body.rome_code,
                  "city": body.city.model_dump(), "mobility_area": body.mobility_area.value, "updated_at": now},
         "$setOnInsert": {"created_at": now, "matched": False},
         "$inc": {"version": 1}},
        upsert=True, return_document=ReturnDocument.AFTER,
    )
    assert doc is not None  # upserted
    type_ = "coffee.opted-in" if body.opt_in else "coffee.opted-out"
    data = CoffeeChoice(profile_id=profile_id, rome_code=body.rome_code, departement_id=body.city.departement_id)
    outbox.add([event(PLEDGES_REQUESTS, type_, profile_id, data, f"{profile_id}:{doc['version']}")])
    return doc


def _received(review_id: str) -> ReceivedReview | None:
    review = db.reviews().find_one({"_id": review_id}, {"state": 1, "text": 1})
    if review is None:
        return None
    text = review.get("text") if review["state"] == ReviewState.DONE.value else None
    return ReceivedReview(review_id=review_id, state=review["state"], text=text)


def help_requests(profile_id: str) -> HelpRequestsOut:
    """The job seeker's documents with their reviews, and their coffee request; every read is by `_id`."""
    index = db.seeker_documents().find_one({"_id": profile_id})
    documents: list[DocumentRequest] = []
    for document_id in (index or {}).get("document_ids", []):
        document = db.documents().find_one({"_id": document_id}, {"data": 0})
        if document is None or document["profile_id"] != profile_id:
            continue
        reviews = [r for r in map(_received, document.get("review_ids", [])) if r is not None]
        documents.append(DocumentRequest(
            document_id=document_id, kind=document["kind"], uploaded_at=as_utc(document["created_at"]),
            reviews=reviews,
        ))
    documents.sort(key=lambda d: d.uploaded_at)
    coffee = db.coffee_requests().find_one({"_id": profile_id})
    state = CoffeeState(opted_in=coffee["active"], matched=coffee["matched"]) if coffee else None
    return HelpRequestsOut(documents=documents, coffee=state)
