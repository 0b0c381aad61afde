"""Kafka as the faults see it: the records a load produced, written again as they were, and a group's lag."""

from __future__ import annotations

import itertools
from typing import Any

from kafka import KafkaConsumer, TopicPartition  # type: ignore[import-untyped]

from shared.messaging.kafka import KafkaAccess, admin_client, make_producer
from shared.messaging.lag_exporter import lag as behind
from tests.support import read_topic


def records_since(kafka: KafkaAccess, topic: str, since_ms: int) -> list[Any]:
    return [r for r in read_topic(kafka, topic) if r.timestamp >= since_ms]


def replay(kafka: KafkaAccess, topic: str, records: list[Any], count: int) -> int:
    """Writes the records again, key, value and headers byte for byte, round after round, `count` in all."""
    assert records, f"nothing to replay on {topic}"
    producer = make_producer(kafka, linger_ms=20)
    try:
        for record in itertools.islice(itertools.cycle(records), count):
            producer.send(topic, key=record.key, value=record.value, headers=list(record.headers or []))
        producer.flush(120)
    finally:
        producer.close()
    return count


def lag(kafka: KafkaAccess, group: str, topic: str) -> int:
    """Records of the topic the group has not committed yet."""
    admin = admin_client(kafka)
    consumer = KafkaConsumer(**kafka.client_config(), enable_auto_commit=False, group_id=None)
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        end = consumer.end_offsets(partitions)
        offsets = admin.list_group_offsets([group]).get(group, {})
    finally:
        consumer.close()
        admin.close()
    return sum(behind(end, {tp: meta.offset for tp, meta in offsets.items() if meta.offset >= 0}).values())
