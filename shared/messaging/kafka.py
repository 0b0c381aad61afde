"""kafka-python helpers: an idempotent producer that writes the CloudEvents binding, explicit topic creation from
the registry, and a readiness probe."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from kafka import KafkaAdminClient, KafkaProducer  # type: ignore[import-untyped]
from kafka.admin import NewTopic  # type: ignore[import-untyped]
from kafka.errors import TopicAlreadyExistsError  # type: ignore[import-untyped]

from shared.messaging.binding import record
from shared.messaging.contracts import Topic
from shared.messaging.envelope import Envelope
from shared.topics import ALL_TOPICS

log = logging.getLogger(__name__)


def make_producer(bootstrap_servers: str, *, linger_ms: int = 5) -> KafkaProducer:
    return KafkaProducer(
        bootstrap_servers=bootstrap_servers,
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


def ensure_topics(bootstrap_servers: str, specs: Iterable[Topic] = ALL_TOPICS) -> list[str]:
    """Create the missing topics with their registered partition counts; returns the names created."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=15_000)
    try:
        existing = set(admin.list_topics())
        missing = [s for s in specs if s.name not in existing]
        created: list[str] = []
        for spec in missing:
            try:
                admin.create_topics([NewTopic(spec.name, spec.partitions, 1)])
                created.append(spec.name)
            except TopicAlreadyExistsError:
                pass
        if created:
            log.info("created topics", extra={"topics": created})
        return created
    finally:
        admin.close()


def kafka_ready(bootstrap_servers: str, timeout_ms: int = 3_000) -> bool:
    """True when the broker answers a metadata request."""
    try:
        admin = KafkaAdminClient(
            bootstrap_servers=bootstrap_servers,
            request_timeout_ms=timeout_ms,
        )
    except Exception:
        return False
    try:
        admin.list_topics()
        return True
    except Exception:
        return False
    finally:
        admin.close()
