"""What the advice service holds about a person, exported or erased on a privacy (GDPR) request.

Per person it keeps one advice result per profile version in `advice`, the followup trial's gate state in
`experiment_assignments` (`_id` the profile id: group, release date, release time; once erased, only the time of
the erasure), their action plan (its revisions in `action_plan_revisions` and a pointer in `action_plans`), and
their feedback in `feedback` (listed by `feedback_people`), with its events not yet relayed in `outbox`.
Synchronous: the privacy consumer (shared.messaging.privacy) runs them through run_sync."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.advice.adapters import experiment, feedback, plans
from services.advice.adapters.results import AdviceList
from shared.mongo import as_utc
from shared.results import collection, delete_results, exported, mark_erased, person_results


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else as_utc(value).isoformat()


def export_person(person_id: str) -> dict[str, Any]:
    """Every stored advice list of the person (decoded to JSON), their trial gate state, if any, their action
    plan with every revision of it (states, notes and dates as they went), and their feedback."""
    gate = experiment.assignments().find_one({"_id": person_id, **experiment.NOT_ERASED})
    plan = plans.load(person_id)
    return {
        "action_plan": None if plan is None else plan.model_dump(mode="json"),
        "action_plan_history": [
            {"revision": doc["revision"], "saved_at": _iso(doc["saved_at"]), "plan": doc["plan"]}
            for doc in plans.history(person_id)
        ],
        "advice": [exported(doc) for doc in person_results(AdviceList, person_id)],
        "experiment_assignment": None if gate is None else {
            "group": gate.get("group"), "release_after": _iso(gate.get("release_after")),
            "released_at": _iso(gate.get("released_at")),
        },
        "feedback": [
            {k: _iso(v) if k == "at" else v for k, v in doc.items() if k not in {"_id", "outbox_entry"}}
            for doc in feedback.of_person(person_id)
        ],
    }


def erase_person(person_id: str, now: dt.datetime) -> dict[str, int]:
    """Deletes the person's advice results, action plan and feedback, and leaves of their gate state only the
    erasure marker (idempotent: a replay deletes nothing more). Outbox entries of their plan's events need
    nothing: sealed with their key, destroyed by the erasure; their feedback's entries not yet relayed are deleted.

    The trial's figures do not need the gate state: the followup service keeps the groups it measures."""
    mark_erased(AdviceList, person_id, now)  # first: an advice of theirs stored after is dropped (drop_erased)
    advice = delete_results(AdviceList, person_results(AdviceList, person_id))
    gate = experiment.erase(person_id, now)
    given = feedback.erase(person_id, collection(AdviceList).database["outbox"])
    return {"advice": advice, "experiment_assignments": gate, "feedback": given, **plans.erase(person_id)}
