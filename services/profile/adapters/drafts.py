"""Storage of onboarding drafts: one document per person, `_id` the account id (synchronous: run_sync)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mongoengine.connection import get_db  # type: ignore[import-untyped]
from pymongo.collection import Collection

Doc = dict[str, Any]
DRAFTS = "profile_drafts"


def drafts() -> Collection[Doc]:
    collection: Collection[Doc] = get_db()[DRAFTS]
    return collection


def get(person_id: str) -> Doc | None:
    return drafts().find_one({"_id": person_id})


def put(person_id: str, profile: Doc, steps: list[str], now: dt.datetime) -> Doc:
    doc = {"_id": person_id, "profile": profile, "steps": steps, "updated_at": now}
    drafts().replace_one({"_id": person_id}, doc, upsert=True)
    return doc


def delete(person_id: str) -> int:
    return drafts().delete_one({"_id": person_id}).deleted_count
