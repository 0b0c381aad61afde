"""What the diagnosis service holds about a person, exported or erased on a privacy (GDPR) request.

Its per-person data: one result per profile version in `diagnoses`, and for the learning loop the feature row and
sensitive groups of each estimate (`model_inputs`) and the answer to the 3-month survey (`model_outcomes`). The
referential database holds no personal data; the model registry holds none either (aggregates only).
Synchronous: the privacy consumer (shared.messaging.privacy) runs them through run_sync."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.diagnosis.adapters.registry import service_registry
from services.diagnosis.adapters.results import Diagnosis
from shared.mongo import as_utc
from shared.results import delete_results, exported, mark_erased, person_results


def _plain(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: as_utc(v).isoformat() if isinstance(v, dt.datetime) else v for k, v in doc.items() if k != "_id"}


def export_person(person_id: str) -> dict[str, Any]:
    """Every stored diagnosis of the person, its result decoded to JSON, and what the model learns from."""
    learning = service_registry().person_docs(person_id)
    return {"diagnoses": [exported(doc) for doc in person_results(Diagnosis, person_id)],
            **{name: [_plain(d) for d in docs] for name, docs in learning.items()}}


def erase_person(person_id: str, now: dt.datetime) -> dict[str, int]:
    """Deletes every stored diagnosis of the person and their learning data (idempotent), once the erasure is
    marked (a diagnosis of theirs stored after is dropped: shared.results.drop_erased)."""
    mark_erased(Diagnosis, person_id, now)
    return {"diagnoses": delete_results(Diagnosis, person_results(Diagnosis, person_id)),
            **service_registry().erase_person(person_id)}
