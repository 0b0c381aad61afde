"""The transactional outbox and its relay: stored ⇒ emitted, whatever crashes in between.

FerretDB has no multi-document transactions, so an outbox entry is bound to the state it describes instead:
1. the entry (its records, a fresh id, and `requires`: the state document it belongs to) is inserted first;
2. the state document is written with `outbox_entry` = that id, or with that id in its `outbox_entries` list (a
   document that changes several times, each change with its events), in one atomic write;
3. the relay sends the entry's records, waits for Kafka's acknowledgements, then deletes the entry.
A crash between 1 and 2, or a state write that was refused (a duplicate), leaves an entry whose state document
does not name it: the relay drops it once it is older than `ORPHAN_AGE`. Entries without `requires` (state
already written, idempotent events) are simply sent. Relayed entries leave the collection, so the relay's scan
stays cheap however much history accumulates (FerretDB scans for any filter but `_id`); a service that replays
its history keeps them in an archive collection.

Fresh entries are also handed to the relay in memory (`enqueue`), so an event leaves without waiting for a scan.
An entry relayed twice carries the same event ids, which consumers deduplicate."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from kafka import KafkaProducer  # type: ignore[import-untyped]
from pymongo.collection import Collection
from pymongo.database import Database

from shared import metrics
from shared.messaging.binding import CONTENT_TYPE
from shared.messaging.factory import Outgoing
from shared.messaging.kafka import KafkaAccess, make_producer
from shared.messaging.tracing import TRACEPARENT_HEADER
from shared.mongo import MAX_WRITES_PER_COMMAND, as_utc, insert_ignoring_duplicates, run_sync
from shared.topics import REGISTRY

log = logging.getLogger(__name__)
Doc = dict[str, Any]
ORPHAN_AGE = dt.timedelta(minutes=1)  # far longer than writing one state document takes
# Before sending, a service may drop records that must no longer go (an email to a person erased meanwhile).
Vet = Callable[[Doc], list[Doc]]


class Outbox:
    def __init__(
        self, database: Callable[[], Database[Doc]], *, collection: str = "outbox", archive: str | None = None
    ) -> None:
        self._database = database
        self.collection_name = collection
        self.archive_name = archive

    def collection(self) -> Collection[Doc]:
        return self._database()[self.collection_name]

    @staticmethod
    def entry(
        events: Iterable[Outgoing], now: dt.datetime, *, entry_id: str | None = None,
        requires: tuple[str, str] | None = None,
    ) -> Doc:
        """An entry to insert (see `add`). Without `entry_id`, a fresh one: the state document must then name it
        (`outbox_entry`) when `requires` is given. A deterministic `entry_id` makes re-adding harmless."""
        records = [
            {"topic": topic, "key": event.subject, "value": event.to_json().decode(), "traceparent": event.traceparent}
            for topic, event in events
        ]
        doc: Doc = {"_id": entry_id or uuid.uuid4().hex, "records": records, "created_at": now}
        if requires is not None:
            doc["requires"] = {"collection": requires[0], "id": requires[1]}
        return doc

    def add(self, entries: list[Doc]) -> None:
        """Store entries (synchronous); one already there (same id) is kept."""
        for start in range(0, len(entries), MAX_WRITES_PER_COMMAND):
            insert_ignoring_duplicates(self.collection(), entries[start : start + MAX_WRITES_PER_COMMAND])

    def pending(self, limit: int, now: dt.datetime) -> list[Doc]:
        """The oldest entries still to send whose state is stored; drops the orphans."""
        found: list[Doc] = []
        # Young orphans (races lost by other processes) do not count against the limit: they must not hold back
        # the stored entries behind them for a minute.
        for entry in self.collection().find().sort("created_at", 1):
            state = self._state(entry)
            if state == "stored":
                found.append(entry)
                if len(found) == limit:
                    break
            elif state == "orphan" and as_utc(entry["created_at"]) < now - ORPHAN_AGE:
                self.collection().delete_one({"_id": entry["_id"]})
        return found

    def _state(self, entry: Doc) -> str:
        required = entry.get("requires")
        if required is None:
            return "stored"
        # By `_id` alone (the only filter FerretDB serves without a scan), then compared here.
        doc = self._database()[required["collection"]].find_one(
            {"_id": required["id"]}, {"outbox_entry": 1, "outbox_entries": 1})
        named = doc is not None and (
            doc.get("outbox_entry") == entry["_id"] or entry["_id"] in doc.get("outbox_entries", []))
        return "stored" if named else "orphan"

    def done(self, entries: list[Doc], now: dt.datetime) -> None:
        """The entries were acknowledged by Kafka: archive them if this outbox keeps history, then delete them."""
        for start in range(0, len(entries), MAX_WRITES_PER_COMMAND):
            chunk = entries[start : start + MAX_WRITES_PER_COMMAND]
            if self.archive_name is not None:
                archived = [{**e, "relayed_at": now} for e in chunk]
                insert_ignoring_duplicates(self._database()[self.archive_name], archived)
            self.collection().delete_many({"_id": {"$in": [e["_id"] for e in chunk]}})  # one indexed statement

    def count(self) -> int:
        return self.collection().count_documents({})

    def backlog(self, now: dt.datetime) -> tuple[int, float]:
        """How many entries wait, and the age in seconds of the oldest (0 when none); orphans included until
        dropped, since they too wait. Two small queries on a collection that relayed entries leave."""
        oldest = next(iter(self.collection().find({}, {"created_at": 1}).sort("created_at", 1).limit(1)), None)
        if oldest is None:
            return 0, 0.0
        return self.count(), max(0.0, (now - as_utc(oldest["created_at"])).total_seconds())

    def recorded(self, topics: Iterable[str]) -> list[tuple[str, bytes, bytes]]:
        """Every record stored for these topics (archived and pending), oldest first: (topic, key, value)."""
        wanted = set(topics)
        sources = [self.collection()] + ([self._database()[self.archive_name]] if self.archive_name else [])
        entries = sorted((e for c in sources for e in c.find()), key=lambda e: as_utc(e["created_at"]))
        return [
            (r["topic"], r["key"].encode(), r["value"].encode())
            for e in entries for r in e["records"] if r["topic"] in wanted
        ]


class Relay:
    """Sends outbox entries to Kafka (kafka-python, idempotent producer, acks=all) and marks them done."""

    def __init__(
        self, outbox: Outbox, kafka: KafkaAccess, service: str, *, batch_size: int = MAX_WRITES_PER_COMMAND,
        scan_seconds: float = 1.0, vet: Vet | None = None,
    ) -> None:
        self.outbox = outbox
        self.kafka = kafka
        self.service = service
        self.batch_size = batch_size
        self.scan_seconds = scan_seconds
        self.vet = vet
        self.wake = asyncio.Event()
        self._queue: deque[Doc] = deque()
        self._producer: KafkaProducer | None = None
        self._measured_at = float("-inf")
        published = [t.name for t in REGISTRY.topics if service in t.publishers and not t.per_partner]
        metrics.init_produced(service, published)

    def enqueue(self, entry: Doc) -> None:
        """Called once the entry and its state are stored, so its events leave at once."""
        self._queue.append(entry)
        self.wake.set()

    def poke(self) -> None:
        """Entries were stored without being enqueued: scan now rather than at the next interval."""
        self.wake.set()

    async def run(self) -> None:
        backoff = 0.5
        loop = asyncio.get_running_loop()
        next_scan = loop.time()
        while True:
            batch = [self._queue.popleft() for _ in range(min(len(self._queue), self.batch_size))]
            try:
                # Measured apart from sending, so the gauges keep moving while Kafka refuses the batch.
                if loop.time() - self._measured_at >= self.scan_seconds:
                    self._measured_at = loop.time()
                    await run_sync(self.measure)
                if batch:
                    await run_sync(self.relay, batch)
                else:
                    self.wake.clear()
                    sent = await run_sync(self.relay_once)
                    next_scan = loop.time() + (0 if sent >= self.batch_size else self.scan_seconds)
                backoff = 0.5
            except Exception:
                log.exception("outbox relay failed; will retry")
                self._queue.extendleft(reversed(batch))
                self.close()
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)
                continue
            if not self._queue:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), max(0.0, next_scan - loop.time()))

    def relay_once(self) -> int:
        """Relay one batch of the stored entries (synchronous); returns how many entries were sent."""
        return self.relay(self.outbox.pending(self.batch_size, dt.datetime.now(dt.UTC)))

    def measure(self) -> None:
        """The outbox's backlog, read from the database, into the gauges (synchronous)."""
        pending, oldest = self.outbox.backlog(dt.datetime.now(dt.UTC))
        metrics.OUTBOX_PENDING.labels(self.service).set(pending)
        metrics.OUTBOX_OLDEST.labels(self.service).set(oldest)

    def relay(self, entries: list[Doc]) -> int:
        if not entries:
            return 0
        if self._producer is None:
            self._producer = make_producer(self.kafka)
        futures = []
        for entry in entries:
            for r in self.vet(entry) if self.vet else entry["records"]:
                headers = [("content-type", CONTENT_TYPE.encode())]
                if r.get("traceparent"):
                    headers.append((TRACEPARENT_HEADER, r["traceparent"].encode()))
                futures.append((r["topic"], self._producer.send(
                    r["topic"], key=r["key"].encode(), value=r["value"].encode(), headers=headers)))
        self._producer.flush(timeout=30)
        for topic, future in futures:
            future.get(timeout=30)  # raises if Kafka refused: nothing is marked done, the entries are sent again
            metrics.EVENTS_PRODUCED.labels(self.service, topic).inc()
        self.outbox.done(entries, dt.datetime.now(dt.UTC))
        return len(entries)

    def close(self) -> None:
        if self._producer is not None:
            with contextlib.suppress(Exception):
                self._producer.close(timeout=2)
            self._producer = None
