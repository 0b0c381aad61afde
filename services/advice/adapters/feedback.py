"""Storage of the in-app feedback (synchronous: call through run_sync).

One document per thing judged, keyed deterministically (`<person>:challenge:<version>`,
`<person>:advice:<version>:<module>`, `<person>:note`), so a second judgment replaces the first; each names the
outbox entry of its event (shared/messaging/outbox.py). A per-person index (`_id` the person) lists their
documents, so reading, exporting and erasing a person's feedback are `_id` lookups (FerretDB scans for any other
filter). Only the operators' summary reads the whole collection."""

from __future__ import annotations

from typing import Any

from pymongo.collection import Collection

from services.advice.adapters.results import AdviceList
from shared.results import collection

Doc = dict[str, Any]
ITEMS = "feedback"
INDEX = "feedback_people"


def items() -> Collection[Doc]:
    return collection(AdviceList).database[ITEMS]


def index() -> Collection[Doc]:
    return collection(AdviceList).database[INDEX]


def challenge_id(person_id: str, version: int) -> str:
    return f"{person_id}:challenge:{version}"


def advice_id(person_id: str, version: int, module_id: str) -> str:
    return f"{person_id}:advice:{version}:{module_id}"


def note_id(person_id: str) -> str:
    return f"{person_id}:note"


def save(doc: Doc) -> None:
    """Lists the document under its person first, so an erasure that runs meanwhile finds it."""
    index().update_one({"_id": doc["profile_id"]}, {"$addToSet": {"items": doc["_id"]}}, upsert=True)
    items().replace_one({"_id": doc["_id"]}, doc, upsert=True)


def of_person(person_id: str) -> list[Doc]:
    listed = index().find_one({"_id": person_id})
    if listed is None or not listed.get("items"):
        return []
    return list(items().find({"_id": {"$in": listed["items"]}}).sort("_id", 1))


def every_item() -> list[Doc]:
    """The whole collection, for the operators' summary (a scan, at most once a minute)."""
    return list(items().find({}, {"kind": 1, "agrees": 1, "main_challenge": 1, "module_id": 1, "stars": 1}))


def erase(person_id: str, outbox: Collection[Doc]) -> int:
    """Deletes the person's feedback and its events not yet relayed; returns how many documents went."""
    found = of_person(person_id)
    entries = [d["outbox_entry"] for d in found if d.get("outbox_entry")]
    if entries:
        outbox.delete_many({"_id": {"$in": entries}})
    deleted = items().delete_many({"_id": {"$in": [d["_id"] for d in found]}}).deleted_count if found else 0
    index().delete_one({"_id": person_id})
    return deleted
