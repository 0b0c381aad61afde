"""Events stored next to the state they describe, then relayed to Kafka: stored ⇒ emitted.

Each event's `_id` is its deterministic envelope id, so writing it twice is harmless and so is relaying it
twice (consumers deduplicate on the id or on the notification's idempotency key)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from kafka import KafkaProducer  # type: ignore[import-untyped]
from pymongo import DeleteOne

from services.pledges.adapters import db
from shared import metrics
from shared.events import Envelope
from shared.kafka import make_producer
from shared.mongo import MAX_WRITES_PER_COMMAND, insert_ignoring_duplicates, run_sync

log = logging.getLogger(__name__)
BATCH = MAX_WRITES_PER_COMMAND


def add(events: Iterable[tuple[str, Envelope[Any]]]) -> None:
    now = dt.datetime.now(dt.UTC)
    insert_ignoring_duplicates(db.outbox(), [
        {"_id": event.id, "topic": topic, "key": event.subject, "value": event.to_json().decode(),
         "relayed": False, "created_at": now}
        for topic, event in events
    ])


def recorded(topic_names: Iterable[str]) -> list[tuple[str, bytes, bytes]]:
    """Every event ever stored for these topics, oldest first: (topic, key, value); used to replay history."""
    wanted = {"topic": {"$in": list(topic_names)}}
    docs = sorted([*db.outbox_archive().find(wanted), *db.outbox().find(wanted)], key=lambda d: d["created_at"])
    return [(d["topic"], d["key"].encode(), d["value"].encode()) for d in docs]


class Relay:
    def __init__(self, bootstrap_servers: str, service: str, idle_seconds: float) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.service = service
        self.idle_seconds = idle_seconds
        self.wake = asyncio.Event()
        self._producer: KafkaProducer | None = None

    def poke(self) -> None:
        self.wake.set()

    async def run(self) -> None:
        backoff = 0.5
        while True:
            try:
                sent = await run_sync(self.relay_once)
                backoff = 0.5
            except Exception:
                log.exception("outbox relay failed; will retry")
                self.close()
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)
                continue
            if sent < BATCH:
                self.wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), self.idle_seconds)

    def relay_once(self) -> int:
        # FerretDB scans the whole collection for any filter but `_id`: relayed events leave the outbox so
        # this frequent poll stays cheap however much history accumulates.
        docs = list(db.outbox().find({"relayed": False}).sort("created_at", 1).limit(BATCH))
        metrics.OUTBOX_PENDING.labels(self.service).set(len(docs))
        if not docs:
            return 0
        if self._producer is None:
            self._producer = make_producer(self.bootstrap_servers)
        futures = [
            (d["topic"], self._producer.send(d["topic"], key=d["key"].encode(), value=d["value"].encode()))
            for d in docs
        ]
        self._producer.flush(timeout=30)
        for topic, future in futures:
            future.get(timeout=30)  # raises if Kafka refused: nothing is marked, the batch is sent again
            metrics.EVENTS_PRODUCED.labels(self.service, topic).inc()
        insert_ignoring_duplicates(db.outbox_archive(), [d | {"relayed": True} for d in docs])
        db.outbox().bulk_write([DeleteOne({"_id": d["_id"]}) for d in docs], ordered=False)
        return len(docs)

    def close(self) -> None:
        if self._producer is not None:
            with contextlib.suppress(Exception):
                self._producer.close(timeout=2)
            self._producer = None
