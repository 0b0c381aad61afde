"""What the diagnosis service holds about a person, exported or erased on a privacy (GDPR) request.

Its only per-person data is one result per profile version in `diagnoses` (`_id` "<profile_id>:<version>",
versions consecutive from 1; the referential database holds no personal data), so both handlers probe by `_id`,
the only lookup FerretDB answers without a full scan. Synchronous: the privacy agent runs them through run_sync."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.diagnosis.adapters.results import Diagnosis
from shared.results import collection, decode_result, doc_id

# Versions are consecutive from 1, but one version that could not be diagnosed (dead-lettered) leaves a gap:
# probing stops only after this many missing versions in a row.
GAP_TOLERATED = 3


def _stored(person_id: str) -> list[dict[str, Any]]:
    results = collection(Diagnosis)
    found: list[dict[str, Any]] = []
    version, missing = 1, 0
    while missing < GAP_TOLERATED:
        doc = results.find_one({"_id": doc_id(person_id, version)})
        if doc is None:
            missing += 1
        else:
            found.append(doc)
            missing = 0
        version += 1
    return found


def _iso(value: dt.datetime) -> str:
    # mongoengine's client returns naive datetimes, in UTC.
    return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).isoformat()


def export_person(person_id: str) -> dict[str, Any]:
    """Every stored diagnosis of the person, its result decoded to JSON."""
    return {
        "diagnoses": [
            {"profile_version": doc["profile_version"], "computed_at": _iso(doc["computed_at"]),
             "source_event_id": doc["source_event_id"], "result": decode_result(doc["result_blob"])}
            for doc in _stored(person_id)
        ]
    }


def erase_person(person_id: str, now: dt.datetime) -> dict[str, int]:
    """Deletes every stored diagnosis of the person (idempotent: a replay deletes nothing more)."""
    del now  # nothing is kept to mark the erasure: the results are simply gone
    ids = [doc["_id"] for doc in _stored(person_id)]
    if not ids:
        return {"diagnoses": 0}
    # One statement (one scan) for all versions, rather than one scanning delete per version.
    deleted = collection(Diagnosis).delete_many({"_id": {"$in": ids}}).deleted_count
    return {"diagnoses": deleted}
