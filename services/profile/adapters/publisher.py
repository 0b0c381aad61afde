"""Sends one-off events (sign-in emails, privacy requests) and waits for Kafka's acknowledgement, so the caller
can answer 503 rather than pretend. Profile versions go through the outbox relay instead."""

from __future__ import annotations

import threading
from typing import Any

from kafka import KafkaProducer  # type: ignore[import-untyped]

from shared.events import Envelope
from shared.kafka import make_producer, send


class PublishFailed(Exception):
    pass


class Publisher:
    def __init__(self, bootstrap_servers: str, timeout_seconds: float = 10.0) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.timeout_seconds = timeout_seconds
        self._producer: KafkaProducer | None = None
        self._lock = threading.Lock()

    def publish(self, topic: str, event: Envelope[Any]) -> None:
        """Synchronous (call through run_sync)."""
        try:
            with self._lock:
                if self._producer is None:
                    self._producer = make_producer(self.bootstrap_servers)
                producer = self._producer
            send(producer, topic, event).get(timeout=self.timeout_seconds)  # type: ignore[attr-defined]
        except Exception as exc:
            raise PublishFailed(str(exc)) from exc

    def close(self) -> None:
        with self._lock:
            if self._producer is not None:
                self._producer.close(timeout=2)
                self._producer = None
