"""Helpers shared by the integration and end-to-end tests."""

from __future__ import annotations

import time
from typing import Any

import httpx
from kafka import KafkaConsumer, TopicPartition  # type: ignore[import-untyped]


def read_topic(bootstrap: str, topic: str) -> list[Any]:
    """Every record on the topic now, from the beginning (tests share the topics: filter after)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        assert partitions, f"no partitions for {topic}"
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        end = consumer.end_offsets(partitions)
        records: list[Any] = []
        while any(consumer.position(tp) < end[tp] for tp in partitions):
            for batch in consumer.poll(timeout_ms=1_000).values():
                records.extend(batch)
        return [r for r in records if r.offset < end[TopicPartition(r.topic, r.partition)]]
    finally:
        consumer.close()


def poll_ready(client: httpx.Client, url: str, timeout: float = 60.0) -> dict[str, Any]:
    """GET a result until it is `ready`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = client.get(url)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        if body["status"] == "ready":
            return body
        time.sleep(0.2)
    raise AssertionError(f"{url} still pending after {timeout}s")
