"""MongoDB documents of the profile service. A version and its outgoing events are one document (one atomic write)."""

from __future__ import annotations

from mongoengine import (  # type: ignore[import-untyped]
    BooleanField,
    DateTimeField,
    DictField,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentListField,
    IntField,
    StringField,
)


class OutboxEvent(EmbeddedDocument):  # type: ignore[misc]
    topic = StringField(required=True)
    key = StringField(required=True)
    value = StringField(required=True)  # the serialised envelope


class ProfileVersion(Document):  # type: ignore[misc]
    # Keyed "<profile_id>:<version>": FerretDB only uses `_id` to find documents without a full scan, and the
    # key also makes two concurrent writers of the same version collide (the loser retries).
    meta = {"collection": "profile_versions"}

    id = StringField(primary_key=True)
    profile_id = StringField(required=True)
    version = IntField(required=True, min_value=1)
    submitted_at = DateTimeField(required=True)
    profile = DictField(required=True)
    outbox = EmbeddedDocumentListField(OutboxEvent)
    relayed = BooleanField(default=False)
    relayed_at = DateTimeField()


def version_id(profile_id: str, version: int) -> str:
    return f"{profile_id}:{version}"
