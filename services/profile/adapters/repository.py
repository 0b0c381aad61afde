"""Synchronous storage of profile versions (call through shared.mongo.run_sync)."""

from __future__ import annotations

import datetime as dt
import uuid

from mongoengine.errors import NotUniqueError  # type: ignore[import-untyped]
from pymongo import UpdateOne
from tenacity import retry, retry_if_exception_type, stop_after_attempt

from services.profile.adapters.documents import OutboxEvent, ProfileVersion, version_id
from services.profile.domain.events import events_for_version
from shared.schemas.profile import ProfileIn


class ProfileNotFound(LookupError):
    pass


def _store(profile_id: str, version: int, profile: ProfileIn, now: dt.datetime, partner_key: str) -> ProfileVersion:
    outbox = [
        OutboxEvent(topic=topic, key=event.subject, value=event.to_json().decode())
        for topic, event in events_for_version(profile_id, version, profile, now, partner_key)
    ]
    doc = ProfileVersion(
        id=version_id(profile_id, version), profile_id=profile_id, version=version, submitted_at=now,
        profile=profile.model_dump(mode="json"), outbox=outbox, relayed=False,
    )
    doc.save(force_insert=True)
    return doc


def create(profile: ProfileIn, now: dt.datetime, partner_key: str) -> ProfileVersion:
    return _store(uuid.uuid4().hex, 1, profile, now, partner_key)


@retry(retry=retry_if_exception_type(NotUniqueError), stop=stop_after_attempt(5), reraise=True)
def add_version(profile_id: str, profile: ProfileIn, now: dt.datetime, partner_key: str) -> ProfileVersion:
    """A new version; two concurrent writers race on the unique index and the loser retries."""
    latest = latest_version(profile_id)
    if latest is None:
        raise ProfileNotFound(profile_id)
    return _store(profile_id, latest.version + 1, profile, now, partner_key)


def latest_version(profile_id: str) -> ProfileVersion | None:
    """Versions are consecutive from 1, so probing by `_id` finds the newest without a collection scan."""
    newest = None
    probe = 1
    while (doc := get_version(profile_id, probe)) is not None:
        newest, probe = doc, probe + 1
    return newest


def get_version(profile_id: str, version: int) -> ProfileVersion | None:
    found: ProfileVersion | None = ProfileVersion.objects(id=version_id(profile_id, version)).first()
    return found


def pending_outbox(limit: int) -> list[ProfileVersion]:
    """Versions whose events were not relayed. A full scan on FerretDB: for recovery, not the hot path."""
    return list(ProfileVersion.objects(relayed=False).order_by("submitted_at").limit(limit))


def count_pending() -> int:
    count: int = ProfileVersion.objects(relayed=False).count()
    return count


def mark_relayed(doc_ids: list[str], now: dt.datetime) -> None:
    """One `_id` update per version, at most 100 per command (FerretDB stalls on bigger ones)."""
    collection = ProfileVersion._get_collection()
    for start in range(0, len(doc_ids), 100):
        collection.bulk_write([
            UpdateOne({"_id": doc_id}, {"$set": {"relayed": True, "relayed_at": now}})
            for doc_id in doc_ids[start : start + 100]
        ], ordered=False)
