"""Synchronous storage of profile versions (call through shared.mongo.run_sync)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pymongo.collection import Collection
from pymongo.errors import BulkWriteError, DuplicateKeyError

from services.profile.adapters.documents import ProfileVersion, version_id
from services.profile.domain.errors import VersionTaken
from shared.mongo import DUPLICATE_KEY
from shared.schemas.profile import ProfileIn

Doc = dict[str, Any]


def _versions() -> Collection[Doc]:
    collection: Collection[Doc] = ProfileVersion._get_collection()
    return collection


def document(profile_id: str, version: int, profile: ProfileIn, now: dt.datetime, outbox_entry: str) -> Doc:
    """The stored form of a version: what `ProfileVersion.save` wrote (same fields, same order), built with plain
    pymongo because pydantic has validated the body already, and mongoengine's validation and conversions were
    4 % of the profile API's CPU (issue 12's flame graphs)."""
    return {
        "_id": version_id(profile_id, version), "profile_id": profile_id, "version": version, "submitted_at": now,
        "profile": profile.model_dump(mode="json"), "outbox_entry": outbox_entry,
    }


def insert(profile_id: str, version: int, profile: ProfileIn, now: dt.datetime, outbox_entry: str) -> ProfileVersion:
    """Stores a new version, or VersionTaken. No lookup first: the unique `_id` refuses a second writer of the same
    version in the insert itself (a lookup would add a round trip and still race)."""
    doc = document(profile_id, version, profile, now, outbox_entry)
    try:
        _versions().insert_one(doc)
    except DuplicateKeyError:
        raise VersionTaken(doc["_id"]) from None
    return stored(doc)


def insert_many(docs: list[Doc]) -> set[int]:
    """Stores these versions in one command; returns the positions of those refused because that version was
    taken (by an earlier write, or by an earlier document of the same list)."""
    try:
        _versions().insert_many(docs, ordered=False)
    except BulkWriteError as exc:
        errors = exc.details["writeErrors"]
        if any(error["code"] != DUPLICATE_KEY for error in errors):
            raise
        return {int(error["index"]) for error in errors}
    return set()


def stored(doc: Doc) -> ProfileVersion:
    # Built from the stored values as they are: mongoengine's field-by-field conversion (the nested profile dict
    # most of it) is most of a document's construction cost, and these values are already the stored ones.
    version: ProfileVersion = ProfileVersion(
        id=doc["_id"], profile_id=doc["profile_id"], version=doc["version"], submitted_at=doc["submitted_at"],
        profile=doc["profile"], outbox_entry=doc["outbox_entry"], __auto_convert=False, _created=False,
    )
    return version


def latest_version(profile_id: str) -> ProfileVersion | None:
    """Versions are consecutive from 1, so probing by `_id` finds the newest: one indexed find per version plus
    the last probe, which misses (a miss is an index search too: deploy/ferretdb/patches)."""
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
