"""MongoDB documents of the profile service."""

from __future__ import annotations

from mongoengine import DateTimeField, DictField, Document, IntField, StringField  # type: ignore[import-untyped]

VERSIONS = "profile_versions"


class ProfileVersion(Document):  # type: ignore[misc]
    # Keyed "<profile_id>:<version>": FerretDB only uses `_id` to find documents without a full scan, and the
    # key also makes two concurrent writers of the same version collide (the loser retries).
    # Not strict: versions stored before the shared outbox still carry their events in an `outbox` field.
    meta = {"collection": VERSIONS, "strict": False}

    id = StringField(primary_key=True)
    profile_id = StringField(required=True)
    version = IntField(required=True, min_value=1)
    submitted_at = DateTimeField(required=True)
    profile = DictField(required=True)
    outbox_entry = StringField()  # the outbox entry of its events (shared/messaging/outbox.py)


def version_id(profile_id: str, version: int) -> str:
    return f"{profile_id}:{version}"
