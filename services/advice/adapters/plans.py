"""The action plans' store (synchronous: call through run_sync).

Races are decided by unique inserts, since conditional updates are not atomic across connections on FerretDB 1.24:
every change is a new revision document, `_id` = "<person>:<revision>", holding the whole plan and naming its
outbox entry. Of two writers that read the same revision, the second insert is refused (a conflict, 409); nothing
is lost or merged silently. `action_plans` (`_id` the person) is only a pointer to a recent revision, written after
the insert: a reader starts there and rolls forward over the revisions written since (`_id` lookups only), so a
crash or a late pointer write never shows an old plan."""

from __future__ import annotations

from typing import Any

from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from services.advice.adapters.results import AdviceList
from services.advice.domain.plans import Plan, StaleRevision
from shared.results import collection

Doc = dict[str, Any]
HEADS = "action_plans"
REVISIONS = "action_plan_revisions"


def database() -> Database[Doc]:
    return collection(AdviceList).database


def heads() -> Collection[Doc]:
    return database()[HEADS]


def revisions() -> Collection[Doc]:
    return database()[REVISIONS]


def revision_id(profile_id: str, revision: int) -> str:
    return f"{profile_id}:{revision}"


def load(profile_id: str) -> Plan | None:
    head = heads().find_one({"_id": profile_id})
    found = None if head is None else Plan.model_validate(head["plan"])
    revision = 0 if found is None else found.revision
    while (later := revisions().find_one({"_id": revision_id(profile_id, revision + 1)})) is not None:
        found, revision = Plan.model_validate(later["plan"]), revision + 1
    return found


def save(plan: Plan, entry_id: str | None) -> None:
    """Stores the plan's new revision; StaleRevision when another writer stored it first."""
    stored = plan.model_dump(mode="json")
    try:
        revisions().insert_one({
            "_id": revision_id(plan.profile_id, plan.revision), "profile_id": plan.profile_id,
            "revision": plan.revision, "plan": stored, "outbox_entry": entry_id, "saved_at": plan.updated_at,
        })
    except DuplicateKeyError:
        raise StaleRevision(f"revision {plan.revision} was stored meanwhile") from None
    heads().replace_one({"_id": plan.profile_id}, {"revision": plan.revision, "plan": stored}, upsert=True)


def history(profile_id: str) -> list[Doc]:
    """Every stored revision of the person's plan, oldest first (a scan: for exports only)."""
    return sorted(revisions().find({"profile_id": profile_id}), key=lambda d: d["revision"])


def erase(profile_id: str) -> dict[str, int]:
    return {
        HEADS: heads().delete_one({"_id": profile_id}).deleted_count,
        REVISIONS: revisions().delete_many({"profile_id": profile_id}).deleted_count,  # a scan, once per erasure
    }
