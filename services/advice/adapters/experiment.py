"""The followup trial as the advice service sees it: each person's group and, for the control group,
when their advice was released. Stored beside the advice (synchronous: call through run_sync)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pymongo import UpdateOne
from pymongo.collection import Collection

from services.advice.adapters.results import AdviceList
from shared.mongo import MAX_WRITES_PER_COMMAND, as_utc
from shared.results import collection
from shared.schemas.followup import AdviceReleased, Group, GroupAssigned

CHUNK = MAX_WRITES_PER_COMMAND
NOT_ERASED = {"erased_at": {"$exists": False}}


@dataclass(frozen=True)
class Assignment:
    group: Group
    release_after: dt.datetime
    released_at: dt.datetime | None

    @property
    def shows_advice(self) -> bool:
        return self.group is Group.TREATED or self.released_at is not None


def assignments() -> Collection[dict[str, Any]]:
    return collection(AdviceList).database["experiment_assignments"]


def _write(ops: list[UpdateOne]) -> None:
    for start in range(0, len(ops), CHUNK):
        assignments().bulk_write(ops[start:start + CHUNK], ordered=False)


def save_assignments(items: list[GroupAssigned]) -> None:
    """The first group stored for a person is kept (a group never changes), even when a replay carries
    another; the second update covers a release that arrived first and created the document. An erased person's
    marker is left as it is."""
    ops = []
    for a in items:
        values = {"group": a.group.value, "release_after": a.release_after}
        ops.append(UpdateOne({"_id": a.profile_id}, {"$setOnInsert": values}, upsert=True))
        ops.append(UpdateOne({"_id": a.profile_id, "group": {"$exists": False}, **NOT_ERASED}, {"$set": values}))
    _write(ops)


def save_releases(items: list[AdviceReleased]) -> None:
    """As `save_assignments`: created when missing, else set unless the person was erased."""
    ops = []
    for r in items:
        ops.append(UpdateOne({"_id": r.profile_id}, {"$setOnInsert": {"released_at": r.released_at}}, upsert=True))
        ops.append(UpdateOne({"_id": r.profile_id, **NOT_ERASED}, {"$set": {"released_at": r.released_at}}))
    _write(ops)


def erase(person_id: str, now: dt.datetime) -> int:
    """Replaces the person's gate state with an erasure marker (their id and `erased_at`, nothing else): their
    trial events still in flight (the followup service sends them as it reads the profile, unaware of the erasure
    that may overtake them here) then store nothing. Returns 1 when a gate state was there."""
    found = assignments().find_one({"_id": person_id})
    if found is not None and "erased_at" in found:
        return 0
    assignments().replace_one({"_id": person_id}, {"erased_at": now}, upsert=True)
    return int(found is not None)


def find(profile_id: str) -> Assignment | None:
    """None until the assignment itself is stored (a release alone is not enough)."""
    doc = assignments().find_one({"_id": profile_id})
    if doc is None or "group" not in doc:
        return None
    released_at = doc.get("released_at")
    return Assignment(
        Group(doc["group"]), as_utc(doc["release_after"]), None if released_at is None else as_utc(released_at)
    )
