"""Job seekers as the offers know them: their email (`seekers`), the kinds of help they want and the offers made
to them (`seeker_offers`, one document per wanted kind and per offer, keyed by the person)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError
from tenacity import retry, retry_if_exception_type, stop_after_attempt

from services.pledges.adapters import db
from services.pledges.domain.kinds import PledgeKind
from shared.mongo import insert_ignoring_duplicates


@retry(retry=retry_if_exception_type(DuplicateKeyError), stop=stop_after_attempt(3), reraise=True)
def _upsert(profile_id: str, update: dict[str, Any]) -> dict[str, Any]:
    """Diagnosis and advice of one person are consumed concurrently: two upserts of a new seeker race, and the
    loser gets a duplicate key error; retried, it updates the document the winner inserted."""
    seeker: dict[str, Any] | None = db.seekers().find_one_and_update(
        {"_id": profile_id}, update, upsert=True, return_document=ReturnDocument.AFTER
    )
    assert seeker is not None  # upserted
    return seeker


def wanted_id(profile_id: str, kind: PledgeKind) -> str:
    return f"{profile_id}:wanted:{kind.value}"


def offer_id(profile_id: str, number: int) -> str:
    return f"{profile_id}:offer:{number}"


def offer_ids(profile_id: str) -> list[str]:
    """Every id the person's offers and wanted kinds may have (read and erased by `_id`)."""
    return [*(offer_id(profile_id, n) for n in range(len(PledgeKind))),
            *(wanted_id(profile_id, k) for k in PledgeKind)]


def record(profile_id: str, email: str | None, kinds: list[PledgeKind], now: dt.datetime) -> None:
    """Adds what was learnt (the email, wanted kinds). Diagnosis and advice of one person are consumed at once, and
    on FerretDB one of two writes to one document may be lost: each wanted kind is a document of its own (a unique
    insert), and only the diagnosis, which knows the email, writes the seeker's document."""
    if email:
        _upsert(profile_id, {"$set": {"email": email.casefold()}, "$setOnInsert": {"created_at": now}})
    insert_ignoring_duplicates(db.seeker_offers(), [
        {"_id": wanted_id(profile_id, k), "profile_id": profile_id, "kind": k.value, "at": now} for k in kinds])


def read(profile_id: str) -> dict[str, Any]:
    """The seeker's email, the kinds wanted and offered (with those recorded on the document by earlier versions),
    and how many offers were made (the next offer's number)."""
    seeker = db.seekers().find_one({"_id": profile_id}) or {}
    found = list(db.seeker_offers().find({"_id": {"$in": offer_ids(profile_id)}}))
    offers = [d for d in found if "kinds" in d]
    return {
        "email": seeker.get("email"), "created_at": seeker.get("created_at"),
        "wanted": sorted({*seeker.get("wanted", []), *(d["kind"] for d in found if "kind" in d)}),
        "offered": sorted({*seeker.get("offered", []), *(k for d in offers for k in d["kinds"])}),
        "offers": len(offers),
    }


def decide_offer(profile_id: str, number: int, kinds: list[PledgeKind], outbox_entry: str | None,
                 now: dt.datetime) -> bool:
    """Records offer `number` (the unique insert: two consumers cannot both make it); False when another did."""
    try:
        db.seeker_offers().insert_one({"_id": offer_id(profile_id, number), "kinds": [k.value for k in kinds],
                                       "at": now, "outbox_entries": [outbox_entry] if outbox_entry else []})
    except DuplicateKeyError:
        return False
    return True
