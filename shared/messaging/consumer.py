"""The consumer base every worker uses: a Faust agent that reads batches of raw records, decodes them through the
registry (dead-lettering what cannot be read), hands them to the consumer's `handle`, emits what it produced and
only then lets it store its results; the records are acked (their offsets committed) after that.

Emitting before storing makes a crash safe: a redelivered event is computed again and re-emitted with the same
deterministic event id, which downstream consumers deduplicate. There is deliberately no "already processed?"
query before computing: replays are rare, and recomputing one costs less than a query on every batch. Within a
batch, an event id seen twice is handled once.

A failing batch is handled again event by event; an event that still fails after `attempts` tries (tenacity) is
dead-lettered, so one bad event never sinks the others. `attempts = None` retries for ever instead: for requests
that must never be skipped (GDPR). A failure because the database or Kafka is away is no fault of the event's: it is
retried for as long as the outage lasts, never dead-lettered."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import logging
import os
import signal
import time
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import faust
from faust.types import EventT
from prometheus_client import Counter as PromCounter
from pydantic import BaseModel
from tenacity import AsyncRetrying, RetryCallState, wait_exponential

from shared import metrics
from shared.health import OUTAGES
from shared.messaging.binding import headers
from shared.messaging.contracts import Topic, UnreadableEvent
from shared.messaging.envelope import Envelope
from shared.messaging.factory import EventFactory, Outgoing
from shared.messaging.tracing import trace_id
from shared.messaging.worker import source_topic
from shared.schemas.deadletter import DeadLetter
from shared.topics import DEAD_LETTER, REGISTRY

OUTAGE_ERRORS = tuple(OUTAGES)  # the database or Kafka away: retried for as long as it lasts

T = TypeVar("T", bound=BaseModel)
log = logging.getLogger(__name__)
STORE_RETRIES = PromCounter("bob_store_retries_total", "A batch's store retried after failing (database away)",
                            ["consumer"])


async def _nothing() -> None:
    return None


@dataclass
class Output:
    events: list[Outgoing] = field(default_factory=list)
    # Stores the results; may return how many were already stored (replays), for the metrics.
    store: Callable[[], Awaitable[int | None]] = _nothing


class Consumer(ABC, Generic[T]):
    """One subscription: `name` (the consumer's name in metrics, logs and dead letters), the `topic`, and the
    event `types` it handles (the others on the topic are skipped)."""

    name: str
    topic: Topic
    types: tuple[str, ...] | None = None  # None: every type of the topic
    attempts: int | None = 3
    batch_size: int = 500
    within: float = 0.02  # seconds to wait for a batch to fill
    max_in_flight: int = 4

    @abstractmethod
    async def handle(self, events: list[Envelope[T]]) -> Output:
        """Compute the results of a batch. A redelivered event may be computed again: its events must reuse their
        deterministic ids and its store must keep the first result (idempotency)."""

    @property
    def wanted(self) -> tuple[str, ...]:
        return self.types or self.topic.event_types


@dataclass
class _Batch:
    output: Output
    good: int = 0
    skipped: int = 0
    duplicates: int = 0
    dead: list[Outgoing] = field(default_factory=list)
    traces: list[str] = field(default_factory=list)


class Runner:
    """Runs one consumer on a Faust app (`attach`)."""

    def __init__(self, app: faust.App, consumer: Consumer[Any], factory: EventFactory) -> None:
        self.app = app
        self.consumer = consumer
        self.factory = factory
        wanted = consumer.wanted
        self.expected = REGISTRY.contract(wanted[0]) if len(wanted) == 1 else None
        unknown = [t for t in wanted if t not in consumer.topic.event_types]
        if unknown:
            raise ValueError(f"{consumer.name}: {unknown} are not registered on {consumer.topic.name}")
        # Looked up once per record: sets, not the properties' tuples rebuilt on each call.
        self.wanted, self.carried = frozenset(wanted), frozenset(consumer.topic.event_types)
        produces = [t.name for t in REGISTRY.topics if factory.service in t.publishers and not t.per_partner]
        metrics.init_consumer(factory.service, consumer.name, consumer.topic.name, produces)

    def dead_letter(self, raw: bytes, error: str) -> Outgoing:
        topic, name = self.consumer.topic.name, self.consumer.name
        log.warning("dead-lettered a record", extra={"topic": topic, "consumer": name, "error": error[:200]})
        data = DeadLetter(
            source_topic=topic, consumer=name, error=error[:2000], raw_base64=base64.b64encode(raw).decode(),
            raw_text=raw.decode("utf-8", errors="replace"), failed_at=dt.datetime.now(dt.UTC),
        )
        entity = f"{name}:{topic}:{hashlib.sha256(raw).hexdigest()}"
        return self.factory.event(DEAD_LETTER.event_types[0], topic, data, entity=entity)

    def decode(self, raws: list[bytes]) -> tuple[list[Envelope[Any]], _Batch]:
        batch = _Batch(Output())
        events: dict[str, Envelope[Any]] = {}
        for raw in raws:
            try:
                event = REGISTRY.decode(raw, self.expected)
            except UnreadableEvent as exc:
                batch.dead.append(self.dead_letter(raw, str(exc)))
                continue
            if event.type not in self.carried:
                # Registered, but not on this topic: a misrouted record, kept for operators rather than skipped.
                batch.dead.append(self.dead_letter(raw, f"{event.type} does not belong on {self.consumer.topic.name}"))
            elif event.type not in self.wanted:
                batch.skipped += 1
            elif event.id in events:
                batch.duplicates += 1
            else:
                events[event.id] = event
                if (trace := trace_id(event.traceparent)) is not None:
                    batch.traces.append(trace)
        return list(events.values()), batch

    async def compute(self, raws: list[bytes]) -> _Batch:
        events, batch = self.decode(raws)
        if not events:
            return batch
        try:
            batch.output = await self.consumer.handle(events) if len(events) > 1 else await self._one(events[0])
            batch.good = len(events)
            return batch
        except Exception as exc:
            if len(events) == 1:
                batch.dead.append(self.dead_letter(events[0].to_json(), repr(exc)))
                return batch
        # One bad event must not sink the batch: handle each alone, dead-letter the ones that still fail.
        outputs = []
        for event in events:
            try:
                outputs.append(await self._one(event))
            except Exception as exc:
                batch.dead.append(self.dead_letter(event.to_json(), repr(exc)))
        batch.output, batch.good = _merge(outputs), len(outputs)
        return batch

    async def _one(self, event: Envelope[Any]) -> Output:
        attempts = self.consumer.attempts

        def stop(state: RetryCallState) -> bool:
            """After `attempts` failures, but never while a dependency is away: the event is not at fault, and a
            dead letter for it would lose it (its advice, its email) until an operator replays it."""
            error = state.outcome.exception() if state.outcome else None
            return not isinstance(error, OUTAGE_ERRORS) and attempts is not None and state.attempt_number >= attempts

        async for attempt in AsyncRetrying(stop=stop, wait=wait_exponential(multiplier=0.1, max=10), reraise=True):
            with attempt:
                if attempt.retry_state.attempt_number > 1:
                    log.warning("retrying an event", extra={"consumer": self.consumer.name, "event_id": event.id})
                return await self.consumer.handle([event])
        raise AssertionError("unreachable: tenacity reraises")

    async def handle_batch(self, records: list[EventT[bytes]]) -> Awaitable[None]:
        started = time.perf_counter()
        batch = await self.compute([record.value for record in records])
        outgoing = [*batch.output.events, *batch.dead]
        sends = await send_all(self.app, outgoing)
        return self.finish(sends, batch, Counter(topic for topic, _ in outgoing), started)

    async def finish(self, sends: Sequence[Awaitable[object]], batch: _Batch, outgoing: Counter[str],
                     started: float) -> None:
        await asyncio.gather(*sends)
        # Bounded by the events handled: a store counting its own rows (one event may make several) must not turn
        # into a negative count, whose error would leave the batch unacked and its partition stuck.
        replayed = min(max(await _retrying(batch.output.store, self.consumer.name) or 0, 0), batch.good)
        duplicates = replayed + batch.duplicates
        service, name, topic = self.factory.service, self.consumer.name, self.consumer.topic.name
        for produced, count in outgoing.items():
            metrics.EVENTS_PRODUCED.labels(service, produced).inc(count)
        consumed = metrics.EVENTS_CONSUMED
        consumed.labels(service, name, topic, "processed").inc(batch.good - replayed)
        consumed.labels(service, name, topic, "duplicate").inc(duplicates)
        consumed.labels(service, name, topic, "dead_letter").inc(len(batch.dead))
        consumed.labels(service, name, topic, "skipped").inc(batch.skipped)
        elapsed = time.perf_counter() - started
        metrics.EVENT_LATENCY.labels(service, name, topic).observe(elapsed)
        log.info("batch handled", extra={
            "consumer": name, "topic": topic, "processed": batch.good, "duplicates": duplicates,
            "dead_letters": len(batch.dead), "skipped": batch.skipped, "produced": sum(outgoing.values()),
            "ms": round(elapsed * 1000, 1), "trace_ids": batch.traces,
        })


def attach(app: faust.App, consumer: Consumer[Any], factory: EventFactory) -> None:
    """Subscribe `consumer` on `app` (its consumer group is the app's id)."""
    runner = Runner(app, consumer, factory)
    STORE_RETRIES.labels(consumer.name)  # at 0 from the start: rate() sees the first retry

    async def agent(stream: faust.StreamT[bytes]) -> None:
        await pipelined(stream, consumer.batch_size, consumer.within, consumer.max_in_flight, runner.handle_batch)

    app.agent(source_topic(app, consumer.topic), name=f"{consumer.name}-{consumer.topic.name}")(agent)


def stop_worker() -> None:
    """SIGTERM to this worker: Faust stops cleanly (committing what was acked) and the supervisor, or the container's
    restart policy, starts it again."""
    os.kill(os.getpid(), signal.SIGTERM)


async def pipelined(
    stream: faust.StreamT[bytes], batch_size: int, within: float, max_in_flight: int,
    handle_batch: Callable[[list[EventT[bytes]]], Awaitable[Awaitable[None]]],
    stop: Callable[[], None] = stop_worker,
) -> None:
    """Batches are handled one after the other, in order; what each returns (waiting for Kafka's acks, storing)
    then runs in the background, at most `max_in_flight` at once, and only after it the batch's events are
    acked, so their offsets committed: at-least-once, without idling on each round trip."""
    in_flight: set[asyncio.Task[None]] = set()

    async def complete(events: list[EventT[bytes]], finishing: Awaitable[None]) -> None:
        try:
            await finishing
        except Exception:
            # Unacked, the batch pins its partitions' committed offsets: the worker would go on without ever
            # committing them again. Stopped, it starts again from them and handles the batch anew.
            log.exception("a batch could not be completed; stopping the worker", extra={"events": len(events)})
            stop()
            return
        for event in events:
            event.ack()

    async for batch in stream.noack_take(batch_size, within=within):  # type: ignore[attr-defined]
        events = list(batch)
        task = asyncio.create_task(complete(events, await handle_batch(events)))
        in_flight.add(task)
        task.add_done_callback(in_flight.discard)
        while len(in_flight) >= max_in_flight:
            await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)


def _merge(outputs: list[Output]) -> Output:
    async def store() -> int:
        return sum([await output.store() or 0 for output in outputs])

    return Output(events=[e for output in outputs for e in output.events], store=store)


async def _retrying(store: Callable[[], Awaitable[int | None]], consumer: str) -> int | None:
    """A store that fails (database away) is retried, each retry logged and counted: its events stay unacked, so
    nothing is lost meanwhile."""
    def told(state: RetryCallState) -> None:
        STORE_RETRIES.labels(consumer).inc()
        error = state.outcome.exception() if state.outcome else None
        log.warning("store failed; retrying", extra={"consumer": consumer, "attempt": state.attempt_number,
                                                     "error": repr(error)[:200]})

    async for attempt in AsyncRetrying(wait=wait_exponential(max=10), reraise=True, before_sleep=told):
        with attempt:
            return await store()
    return None


async def send_all(app: faust.App, outgoing: list[Outgoing]) -> list[Awaitable[object]]:
    """Queue the events in order (one person's events keep their order on a partition), with the binding's
    headers, and return their acknowledgements. Straight to the producer: Faust's Topic.send wraps each record
    in several objects, a measurable cost at 2,000 events/s."""
    send = app.producer.send
    return [await send(topic, event.key, event.to_json(), None, None, headers(event)) for topic, event in outgoing]
