"""kafka-python helpers: an idempotent producer that writes the CloudEvents binding, explicit topic creation from
the registry, and a readiness probe. Every client is built from a KafkaAccess: the broker and the principal."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from kafka import KafkaAdminClient, KafkaProducer  # type: ignore[import-untyped]
from kafka.admin import NewPartitions, NewTopic  # type: ignore[import-untyped]
from kafka.errors import TopicAlreadyExistsError  # type: ignore[import-untyped]

from shared.messaging.access import KafkaAccess
from shared.messaging.binding import record
from shared.messaging.contracts import Topic
from shared.messaging.envelope import Envelope
from shared.topics import ALL_TOPICS

log = logging.getLogger(__name__)

__all__ = ["KafkaAccess", "admin_client", "ensure_topics", "kafka_ready", "make_producer", "send"]


def make_producer(access: KafkaAccess, *, linger_ms: int = 5) -> KafkaProducer:
    return KafkaProducer(
        **access.client_config(),
        enable_idempotence=True,
        acks="all",
        linger_ms=linger_ms,
        retries=5,
        request_timeout_ms=10_000,
        max_block_ms=10_000,
        # The producer connects while it is built; the 30 s default held a relay thread that long per retry.
        bootstrap_timeout_ms=5_000,
    )


def send(producer: KafkaProducer, topic: str, event: Envelope[Any]) -> object:
    """Queue one event keyed by its subject, with the binding's headers; returns the kafka-python future."""
    key, value, headers = record(event)
    return producer.send(topic, key=key, value=value, headers=headers)


def admin_client(access: KafkaAccess, timeout_ms: int = 15_000) -> KafkaAdminClient:
    return KafkaAdminClient(**access.client_config(), request_timeout_ms=timeout_ms)


def ensure_topics(access: KafkaAccess, specs: Iterable[Topic] = ALL_TOPICS) -> list[str]:
    """Create the missing topics with their registered partition counts, and raise the count of an existing topic
    that has fewer (needs the admin principal); returns the names created. Per-partner topics are created with
    their partner (shared.admin.add_partner)."""
    admin = admin_client(access)
    try:
        specs = [s for s in specs if not s.per_partner]
        existing = set(admin.list_topics())
        created: list[str] = []
        for spec in (s for s in specs if s.name not in existing):
            try:
                admin.create_topics([NewTopic(spec.name, spec.partitions, 1)])
                created.append(spec.name)
            except TopicAlreadyExistsError:
                pass
        if created:
            log.info("created topics", extra={"topics": created})
        _raise_partitions(admin, [s for s in specs if s.name in existing])
        return created
    finally:
        admin.close()


def _raise_partitions(admin: KafkaAdminClient, specs: list[Topic]) -> None:
    """More partitions let more copies of a worker share a topic. Kafka cannot lower a count; raising one moves
    keys to other partitions from then on (a key's records written before and after may be read out of order)."""
    if not specs:
        return
    counts = {t["name"]: len(t["partitions"]) for t in admin.describe_topics([s.name for s in specs])}
    raise_to = {s.name: s.partitions for s in specs if 0 < counts.get(s.name, s.partitions) < s.partitions}
    if raise_to:
        admin.create_partitions({name: NewPartitions(total_count=n) for name, n in raise_to.items()})
        log.info("raised partition counts", extra={"topics": raise_to})


def kafka_ready(access: KafkaAccess, timeout_ms: int = 3_000) -> bool:
    """True when the broker accepts the principal and answers a metadata request."""
    try:
        admin = admin_client(access, timeout_ms)
    except Exception:
        return False
    try:
        admin.list_topics()
        return True
    except Exception:
        return False
    finally:
        admin.close()
