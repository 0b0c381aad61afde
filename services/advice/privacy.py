"""What the advice service holds about a person, exported or erased on a privacy (GDPR) request.

Per person it keeps one advice result per profile version in `advice` (`_id` "<profile_id>:<version>",
versions consecutive from 1) and the followup trial's gate state in `experiment_assignments` (`_id` the
profile id: group, release date, release time). Both handlers only look documents up by `_id`, the one lookup
FerretDB answers without a full scan. Synchronous: the privacy agent runs them through run_sync."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.advice.adapters import experiment
from services.advice.adapters.results import AdviceList
from shared.results import collection, decode_result, doc_id

# Versions are consecutive from 1, but one version that could not be advised (dead-lettered) leaves a gap:
# probing stops only after this many missing versions in a row.
GAP_TOLERATED = 3


def _stored(person_id: str) -> list[dict[str, Any]]:
    results = collection(AdviceList)
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


def _iso(value: dt.datetime | None) -> str | None:
    # mongoengine's client returns naive datetimes, in UTC.
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).isoformat()


def export_person(person_id: str) -> dict[str, Any]:
    """Every stored advice list of the person (decoded to JSON) and their trial gate state, if any."""
    gate = experiment.assignments().find_one({"_id": person_id})
    return {
        "advice": [
            {"profile_version": doc["profile_version"], "computed_at": _iso(doc["computed_at"]),
             "source_event_id": doc["source_event_id"], "result": decode_result(doc["result_blob"])}
            for doc in _stored(person_id)
        ],
        "experiment_assignment": None if gate is None else {
            "group": gate.get("group"), "release_after": _iso(gate.get("release_after")),
            "released_at": _iso(gate.get("released_at")),
        },
    }


def erase_person(person_id: str, now: dt.datetime) -> dict[str, int]:
    """Deletes the person's advice results and gate state (idempotent: a replay deletes nothing more).

    The trial's figures do not need the gate state: the followup service keeps the groups it measures."""
    del now  # nothing is kept to mark the erasure: the documents are simply gone
    ids = [doc["_id"] for doc in _stored(person_id)]
    # One statement (one scan) for all versions, rather than one scanning delete per version.
    advice = collection(AdviceList).delete_many({"_id": {"$in": ids}}).deleted_count if ids else 0
    gates = experiment.assignments()
    # Found by `_id` first: a delete scans the collection even by `_id`, so skip it when there is nothing.
    gate = gates.delete_one({"_id": person_id}).deleted_count if gates.find_one({"_id": person_id}) else 0
    return {"advice": advice, "experiment_assignments": gate}
