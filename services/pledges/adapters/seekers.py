"""Job seekers as the offers know them: their email and the kinds of help they want and were offered."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError
from tenacity import retry, retry_if_exception_type, stop_after_attempt

from services.pledges.adapters import db
from services.pledges.domain.kinds import PledgeKind


@retry(retry=retry_if_exception_type(DuplicateKeyError), stop=stop_after_attempt(3), reraise=True)
def _upsert(profile_id: str, update: dict[str, Any]) -> dict[str, Any]:
    """Diagnosis and advice of one person are consumed concurrently: two upserts of a new seeker race, and the
    loser gets a duplicate key error; retried, it updates the document the winner inserted."""
    seeker: dict[str, Any] | None = db.seekers().find_one_and_update(
        {"_id": profile_id}, update, upsert=True, return_document=ReturnDocument.AFTER
    )
    assert seeker is not None  # upserted
    return seeker


def record(profile_id: str, email: str | None, kinds: list[PledgeKind], now: dt.datetime) -> dict[str, Any]:
    """Adds what was learnt (the email, wanted kinds); returns the seeker."""
    update: dict[str, Any] = {"$setOnInsert": {"created_at": now}}
    if email:
        update["$set"] = {"email": email.casefold()}
    if kinds:
        update["$addToSet"] = {"wanted": {"$each": [k.value for k in kinds]}}
    return _upsert(profile_id, update)


def offered(profile_id: str, kinds: list[PledgeKind]) -> None:
    db.seekers().update_one({"_id": profile_id}, {"$addToSet": {"offered": {"$each": [k.value for k in kinds]}}})
