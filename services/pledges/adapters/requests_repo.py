"""What job seekers ask for: documents to review and coffee opt-ins."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from bson.binary import Binary
from pymongo import ReturnDocument

from services.pledges.adapters import db, outbox
from services.pledges.domain.kinds import DocumentKind
from services.pledges.events import event
from services.pledges.schemas import CoffeeIn
from shared.schemas.pledges import CoffeeChoice, DocumentUploaded
from shared.topics_pledges import PLEDGES_REQUESTS


def store_document(
    profile_id: str, email: str, kind: DocumentKind, filename: str, media_type: str, content: bytes, now: dt.datetime
) -> str:
    document_id = uuid.uuid4().hex
    db.documents().insert_one({
        "_id": document_id, "profile_id": profile_id, "email": email.casefold(), "kind": kind.value,
        "filename": filename[:200], "media_type": media_type, "size": len(content), "data": Binary(content),
        "created_at": now, "taken": 0, "done": 0, "reviewers": [],
    })
    data = DocumentUploaded(
        document_id=document_id, profile_id=profile_id, kind=kind.value, media_type=media_type, size=len(content)
    )
    outbox.add([event(PLEDGES_REQUESTS, "document.uploaded", profile_id, data, document_id)])
    return document_id


def read_document(document_id: str) -> dict[str, Any] | None:
    return db.documents().find_one({"_id": document_id})


def choose_coffee(body: CoffeeIn, now: dt.datetime) -> dict[str, Any]:
    """Opt in or out; the version in the event id makes each change its own event."""
    doc = db.coffee_requests().find_one_and_update(
        {"_id": body.profile_id},
        {"$set": {"email": body.email.casefold(), "active": body.opt_in, "rome_code": body.rome_code,
                  "city": body.city.model_dump(), "mobility_area": body.mobility_area.value, "updated_at": now},
         "$setOnInsert": {"created_at": now, "matched": False},
         "$inc": {"version": 1}},
        upsert=True, return_document=ReturnDocument.AFTER,
    )
    assert doc is not None  # upserted
    type_ = "coffee.opted-in" if body.opt_in else "coffee.opted-out"
    data = CoffeeChoice(profile_id=body.profile_id, rome_code=body.rome_code, departement_id=body.city.departement_id)
    outbox.add([event(PLEDGES_REQUESTS, type_, body.profile_id, data, f"{body.profile_id}:{doc['version']}")])
    return doc
