"""Relays stored events to Kafka. A version is marked relayed only after Kafka acknowledged its events, so a
profile stored while Kafka is down gets its event once Kafka is back.

Fresh writes are handed to the relay in memory (`enqueue`); the small collection of pending markers is read
at start and then every `relay_scan_seconds`, to catch whatever a crash or another replica left behind. A
version relayed twice carries the same event ids, which consumers deduplicate."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque

from kafka import KafkaProducer  # type: ignore[import-untyped]

from services.profile.adapters import repository
from services.profile.adapters.documents import ProfileVersion
from services.profile.config import ProfileSettings
from shared import metrics
from shared.kafka import make_producer
from shared.mongo import run_sync

log = logging.getLogger(__name__)


class OutboxRelay:
    def __init__(self, settings: ProfileSettings) -> None:
        self.settings = settings
        self.wake = asyncio.Event()
        self._queue: deque[ProfileVersion] = deque()
        self._producer: KafkaProducer | None = None

    def enqueue(self, doc: ProfileVersion) -> None:
        """Called after a write so the event leaves at once."""
        self._queue.append(doc)
        self.wake.set()

    async def run(self) -> None:
        backoff = 0.5
        loop = asyncio.get_running_loop()
        next_scan = loop.time()
        while True:
            batch = [self._queue.popleft() for _ in range(min(len(self._queue), self.settings.relay_batch_size))]
            try:
                if batch:
                    await run_sync(self.relay, batch)
                elif loop.time() >= next_scan:
                    await run_sync(self.relay_once)
                    next_scan = loop.time() + self.settings.relay_scan_seconds
                backoff = 0.5
            except Exception:
                log.exception("outbox relay failed; will retry")
                self._queue.extendleft(reversed(batch))
                self._close_producer()
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)
                continue
            metrics.OUTBOX_PENDING.labels(self.settings.service_name).set(len(self._queue))
            if not self._queue:
                self.wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), max(0.0, next_scan - loop.time()))

    def relay_once(self) -> int:
        """Relay one batch of unrelayed versions found in the database; returns how many were relayed."""
        return self.relay(repository.pending_outbox(self.settings.relay_batch_size))

    def relay(self, docs: list[ProfileVersion]) -> int:
        if not docs:
            return 0
        if self._producer is None:
            self._producer = make_producer(self.settings.kafka_bootstrap_servers)
        futures = []
        for doc in docs:
            for event in doc.outbox:
                futures.append((event.topic, self._producer.send(
                    event.topic, key=event.key.encode(), value=event.value.encode())))
        self._producer.flush(timeout=30)
        for topic, future in futures:
            future.get(timeout=30)  # raises if Kafka refused: nothing is marked, the batch is retried
            metrics.EVENTS_PRODUCED.labels(self.settings.service_name, topic).inc()
        repository.mark_relayed([doc.id for doc in docs])
        return len(docs)

    def _close_producer(self) -> None:
        if self._producer is not None:
            try:
                self._producer.close(timeout=2)
            except Exception:
                log.warning("could not close the producer cleanly")
            self._producer = None

    def close(self) -> None:
        self._close_producer()
