"""Synchronous storage of profile versions (call through shared.mongo.run_sync)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from services.profile.adapters.documents import ProfileVersion, version_id
from services.profile.domain.errors import VersionTaken
from shared.schemas.profile import ProfileIn


def _versions() -> Collection[dict[str, Any]]:
    collection: Collection[dict[str, Any]] = ProfileVersion._get_collection()
    return collection


def insert(profile_id: str, version: int, profile: ProfileIn, now: dt.datetime, outbox_entry: str) -> ProfileVersion:
    """Stores a new version, or VersionTaken. No lookup first: the unique `_id` refuses a second writer of the same
    version in the insert itself (a lookup would add a round trip and still race). A plain pymongo insert of the
    document `ProfileVersion.save` wrote (same fields, same order): pydantic has validated the body already, and
    mongoengine's validation and conversions were 4 % of the profile API's CPU (issue 12's flame graphs)."""
    document = {
        "_id": version_id(profile_id, version), "profile_id": profile_id, "version": version, "submitted_at": now,
        "profile": profile.model_dump(mode="json"), "outbox_entry": outbox_entry,
    }
    try:
        _versions().insert_one(document)
    except DuplicateKeyError:
        raise VersionTaken(document["_id"]) from None
    # Built from the stored values as they are: mongoengine's field-by-field conversion (the nested profile dict
    # most of it) is most of a document's construction cost, and these values are already the stored ones.
    stored: ProfileVersion = ProfileVersion(
        id=document["_id"], profile_id=profile_id, version=version, submitted_at=now, profile=document["profile"],
        outbox_entry=outbox_entry, __auto_convert=False, _created=False,
    )
    return stored


def latest_version(profile_id: str) -> ProfileVersion | None:
    """Versions are consecutive from 1, so probing by `_id` finds the newest: one indexed find per version plus
    the last probe, which misses (a miss is an index search too, since deploy/ferretdb/id_index.go)."""
    newest = None
    probe = 1
    while (doc := get_version(profile_id, probe)) is not None:
        newest, probe = doc, probe + 1
    return newest


def get_version(profile_id: str, version: int) -> ProfileVersion | None:
    found: ProfileVersion | None = ProfileVersion.objects(id=version_id(profile_id, version)).first()
    return found


def all_versions(profile_id: str) -> list[ProfileVersion]:
    found = []
    version = 1
    while (doc := get_version(profile_id, version)) is not None:
        found.append(doc)
        version += 1
    return found
