"""Synchronous storage of profile versions (call through shared.mongo.run_sync)."""

from __future__ import annotations

import datetime as dt
import uuid

from mongoengine.errors import NotUniqueError  # type: ignore[import-untyped]
from tenacity import retry, retry_if_exception_type, stop_after_attempt

from services.profile.adapters.documents import OutboxEvent, ProfileVersion
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
        profile_id=profile_id, version=version, submitted_at=now,
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
    found: ProfileVersion | None = ProfileVersion.objects(profile_id=profile_id).order_by("-version").first()
    return found


def get_version(profile_id: str, version: int) -> ProfileVersion | None:
    found: ProfileVersion | None = ProfileVersion.objects(profile_id=profile_id, version=version).first()
    return found


def pending_outbox(limit: int) -> list[ProfileVersion]:
    return list(ProfileVersion.objects(relayed=False).order_by("submitted_at").limit(limit))


def count_pending() -> int:
    count: int = ProfileVersion.objects(relayed=False).count()
    return count


def mark_relayed(doc_ids: list[object], now: dt.datetime) -> None:
    ProfileVersion.objects(id__in=doc_ids).update(set__relayed=True, set__relayed_at=now)
