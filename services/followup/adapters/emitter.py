"""Sends outbox records to Kafka and waits for the acknowledgements (synchronous: use run_sync)."""

from __future__ import annotations

import logging
from typing import Protocol

from kafka import KafkaProducer  # type: ignore[import-untyped]

from services.followup.adapters.store import OutboxRecord
from shared.kafka import make_producer

log = logging.getLogger(__name__)


class Emitter(Protocol):
    def emit(self, records: list[OutboxRecord]) -> None:
        """Returns once Kafka acknowledged every record; raises otherwise."""


class KafkaEmitter:
    def __init__(self, bootstrap_servers: str) -> None:
        self.bootstrap_servers = bootstrap_servers
        self._producer: KafkaProducer | None = None

    def emit(self, records: list[OutboxRecord]) -> None:
        if self._producer is None:
            self._producer = make_producer(self.bootstrap_servers)
        try:
            futures = [
                self._producer.send(r.topic, key=r.key.encode(), value=r.value.encode()) for r in records
            ]
            self._producer.flush(timeout=30)
            for future in futures:
                future.get(timeout=30)
        except Exception:
            self.close()  # a fresh producer on the next attempt
            raise

    def close(self) -> None:
        if self._producer is not None:
            try:
                self._producer.close(timeout=2)
            except Exception:
                log.warning("could not close the producer cleanly")
            self._producer = None
