"""Relays stored events to Kafka. A version is marked relayed only after Kafka acknowledged its events,
so a profile stored while Kafka is down gets its event once Kafka is back."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging

from kafka import KafkaProducer  # type: ignore[import-untyped]

from services.profile.adapters import repository
from services.profile.config import ProfileSettings
from shared import metrics
from shared.kafka import make_producer
from shared.mongo import run_sync

log = logging.getLogger(__name__)


class OutboxRelay:
    def __init__(self, settings: ProfileSettings) -> None:
        self.settings = settings
        self.wake = asyncio.Event()
        self._producer: KafkaProducer | None = None

    def poke(self) -> None:
        """Called after a write so the event leaves at once instead of at the next idle tick."""
        self.wake.set()

    async def run(self) -> None:
        backoff = 0.5
        while True:
            try:
                sent = await run_sync(self.relay_once)
                backoff = 0.5
            except Exception:
                log.exception("outbox relay failed; will retry")
                self._close_producer()
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)
                continue
            if sent < self.settings.relay_batch_size:
                self.wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), self.settings.relay_idle_seconds)

    def relay_once(self) -> int:
        """Send one batch of pending versions; returns how many versions were relayed."""
        docs = repository.pending_outbox(self.settings.relay_batch_size)
        metrics.OUTBOX_PENDING.labels(self.settings.service_name).set(len(docs))
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
        repository.mark_relayed([doc.id for doc in docs], dt.datetime.now(dt.UTC))
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
