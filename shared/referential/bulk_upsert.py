"""Idempotent batched upserts keyed by `_id` (the natural key), tuned for FerretDB.

FerretDB 1.24 (SQLite) pushes down only `{"_id": ...}` filters: any other filter scans the whole collection
per statement. It also deadlocks when one `update` command has 100 or more matched statements (each
matched statement keeps a pooled connection until the command ends). So: read the current documents once,
insert the new ones in bulk, `UpdateOne(upsert=True)` by `_id` only the changed ones in small batches, and
leave unchanged ones alone: a re-run writes nothing. No transactions (FerretDB has none).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pymongo import UpdateOne
from pymongo.collection import Collection
from pymongo.errors import BulkWriteError

from shared.mongo import MAX_WRITES_PER_COMMAND

INSERT_BATCH_SIZE = 1000
UPDATE_BATCH_SIZE = MAX_WRITES_PER_COMMAND
DUPLICATE_KEY = 11000
ProgressCallback = Callable[[str, int, int], None]  # (step, done, total)


@dataclass
class UpsertCounts:
    inserted: int = 0
    updated: int = 0  # existing documents whose values changed
    unchanged: int = 0


def _changed(current: dict[str, Any] | None, document: dict[str, Any]) -> bool:
    return current is None or any(current.get(key) != value for key, value in document.items())


def _upsert(collection: Collection[dict[str, Any]], documents: Sequence[dict[str, Any]]) -> tuple[int, int]:
    """(inserted, modified) by `$set` on `_id`, for documents that may or may not exist."""
    inserted = modified = 0
    for start in range(0, len(documents), UPDATE_BATCH_SIZE):
        batch = documents[start : start + UPDATE_BATCH_SIZE]
        operations = [
            UpdateOne({"_id": doc["_id"]}, {"$set": {k: v for k, v in doc.items() if k != "_id"}}, upsert=True)
            for doc in batch
        ]
        result = collection.bulk_write(operations, ordered=False)
        inserted += result.upserted_count
        modified += result.modified_count
    return inserted, modified


def _insert(collection: Collection[dict[str, Any]], documents: Sequence[dict[str, Any]]) -> tuple[int, int]:
    """Bulk inserts; documents another writer inserted meanwhile fall back to an upsert."""
    inserted, retry = 0, []
    try:
        inserted = len(collection.insert_many(list(documents), ordered=False).inserted_ids)
    except BulkWriteError as error:
        inserted = error.details.get("nInserted", 0)
        failed = {item["index"] for item in error.details.get("writeErrors", []) if item.get("code") == DUPLICATE_KEY}
        if len(failed) != len(error.details.get("writeErrors", [])):
            raise
        retry = [documents[index] for index in sorted(failed)]
    more_inserted, modified = _upsert(collection, retry)
    return inserted + more_inserted, modified


def upsert_documents(
    collection: Collection[dict[str, Any]],
    documents: Sequence[dict[str, Any]],
    step: str = "",
    progress: ProgressCallback | None = None,
) -> UpsertCounts:
    """Stores each document (which must carry its natural key as `_id`); the same input twice changes nothing."""
    current = {doc["_id"]: doc for doc in collection.find({})}  # one scan; an $in over thousands is slower
    counts = UpsertCounts()
    for start in range(0, len(documents), INSERT_BATCH_SIZE):
        batch = documents[start : start + INSERT_BATCH_SIZE]
        new = [doc for doc in batch if doc["_id"] not in current]
        changed = [doc for doc in batch if doc["_id"] in current and _changed(current[doc["_id"]], doc)]
        inserted, modified = _insert(collection, new) if new else (0, 0)
        more_inserted, more_modified = _upsert(collection, changed)
        counts.inserted += inserted + more_inserted
        counts.updated += modified + more_modified
        counts.unchanged += len(batch) - len(new) - len(changed)
        if progress is not None:
            progress(step, start + len(batch), len(documents))
    if progress is not None and not documents:
        progress(step, 0, 0)
    return counts
