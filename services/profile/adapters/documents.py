"""MongoDB documents of the profile service. A version and its outgoing events are one document (one atomic write)."""

from __future__ import annotations

from mongoengine import (  # type: ignore[import-untyped]
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


class PendingRelay(Document):  # type: ignore[misc]
    """A version whose events Kafka has not acknowledged yet. FerretDB updates and deletes scan the whole
    collection, so versions are never updated: this small collection holds only what is in flight, written
    before the version and deleted once relayed (benchmarks/pipeline.py measured the difference)."""

    meta = {"collection": "outbox_pending"}

    id = StringField(primary_key=True)  # the version's id
    created_at = DateTimeField(required=True)


def version_id(profile_id: str, version: int) -> str:
    return f"{profile_id}:{version}"
