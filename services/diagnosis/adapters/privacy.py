"""What the diagnosis service holds about a person, exported or erased on a privacy (GDPR) request.

Its only per-person data is one result per profile version in `diagnoses` (the referential database holds no
personal data). Synchronous: the privacy consumer (shared.messaging.privacy) runs them through run_sync."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.diagnosis.adapters.results import Diagnosis
from shared.results import delete_results, exported, person_results


def export_person(person_id: str) -> dict[str, Any]:
    """Every stored diagnosis of the person, its result decoded to JSON."""
    return {"diagnoses": [exported(doc) for doc in person_results(Diagnosis, person_id)]}


def erase_person(person_id: str, now: dt.datetime) -> dict[str, int]:
    """Deletes every stored diagnosis of the person (idempotent: a replay deletes nothing more)."""
    del now  # nothing is kept to mark the erasure: the results are simply gone
    return {"diagnoses": delete_results(Diagnosis, person_results(Diagnosis, person_id))}
