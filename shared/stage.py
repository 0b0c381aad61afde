"""A processing stage: a Faust agent that decodes batches of events, hands them to a handler,
emits what the handler produced, and only then lets the handler store its results.

Emitting before storing makes a crash safe: a redelivered event is computed again and re-emitted
with the same deterministic event id, which downstream consumers deduplicate. There is deliberately no
"already processed?" query before computing: FerretDB answers `_id $in [...]` with a full collection scan,
which made each batch slower as the collection grew; recomputing a rare replay is far cheaper."""

from __future__ import annotations

import asyncio
import logging
import time
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import faust
from faust.types import EventT
from pydantic import BaseModel
from tenacity import AsyncRetrying, wait_exponential

from shared import logs, metrics
from shared.consumer import Decoded, dead_letter, decode_batch
from shared.events import Envelope
from shared.faust_app import source_topic
from shared.messaging.contracts import Topic
from shared.topics import DEAD_LETTER

T = TypeVar("T", bound=BaseModel)
log = logging.getLogger(__name__)


async def _nothing() -> None:
    return None


@dataclass
class StageOutput:
    events: list[tuple[str, Envelope[Any]]] = field(default_factory=list)  # (topic, event)
    # Stores the results; may return how many were already stored (replays), for the metrics.
    store: Callable[[], Awaitable[int | None]] = _nothing


class Stage(ABC, Generic[T]):
    name: str
    source: Topic
    event_type: str
    data_model: type[T]

    @abstractmethod
    async def handle(self, items: list[Decoded[T]]) -> StageOutput:
        """Compute the results of a batch. A redelivered item may be computed again: its events must reuse
        their deterministic ids and its store must keep the first result (idempotency)."""


def attach_stage(
    app: faust.App, stage: Stage[T], batch_size: int = 500, within: float = 0.02, max_in_flight: int = 4
) -> None:
    source = source_topic(app, stage.source)
    topic = stage.source.name

    async def compute(raws: list[bytes]) -> tuple[StageOutput, list[Envelope[Any]], int]:
        good, dead = decode_batch(raws, stage.data_model, stage.event_type, topic=topic, consumer=stage.name)
        try:
            return await stage.handle(good), dead, len(good)
        except Exception as exc:
            if len(good) <= 1:
                dead.extend(dead_letter(g.event.to_json(), repr(exc), topic=topic, consumer=stage.name) for g in good)
                return StageOutput(), dead, 0
        # One bad event must not sink the batch: compute each alone, dead-letter the ones that still fail.
        outputs = [await compute([item.event.to_json()]) for item in good]
        return _merge([o for o, _, _ in outputs]), dead + [d for _, ds, _ in outputs for d in ds], sum(
            n for _, _, n in outputs)

    async def finish(
        sends: Sequence[Awaitable[object]], output: StageOutput, dead: int, good: int, outgoing: Counter[str],
        started: float,
    ) -> None:
        await asyncio.gather(*sends)
        duplicates = await _retrying(output.store) or 0
        for name, count in outgoing.items():
            metrics.EVENTS_PRODUCED.labels(stage.name, name).inc(count)
        consumed = metrics.EVENTS_CONSUMED
        consumed.labels(stage.name, topic, "processed").inc(good - duplicates)
        consumed.labels(stage.name, topic, "duplicate").inc(duplicates)
        consumed.labels(stage.name, topic, "dead_letter").inc(dead)
        metrics.EVENT_LATENCY.labels(stage.name, topic).observe(time.perf_counter() - started)

    async def handle_batch(events: list[EventT[bytes]]) -> Awaitable[None]:
        started = time.perf_counter()
        token = logs.event_id.set(f"batch:{len(events)}")
        try:
            output, dead, good = await compute([event.value for event in events])
        finally:
            logs.event_id.reset(token)
        outgoing = [*output.events, *((DEAD_LETTER.name, d) for d in dead)]
        sends = await send_all(app, [(name, event.key, event.to_json()) for name, event in outgoing])
        return finish(sends, output, len(dead), good, Counter(name for name, _ in outgoing), started)

    async def agent(stream: faust.StreamT[bytes]) -> None:
        await pipelined(stream, batch_size, within, max_in_flight, handle_batch)

    app.agent(source, name=f"{stage.name}-{topic}")(agent)


async def pipelined(
    stream: faust.StreamT[bytes], batch_size: int, within: float, max_in_flight: int,
    handle_batch: Callable[[list[EventT[bytes]]], Awaitable[Awaitable[None]]],
) -> None:
    """Batches are handled one after the other, in order; what each returns (waiting for Kafka's acks, storing)
    then runs in the background, at most `max_in_flight` at once, and only after it the batch's events are
    acked, so their offsets committed: at-least-once, without idling on each round trip."""
    in_flight: set[asyncio.Task[None]] = set()

    async def complete(events: list[EventT[bytes]], finishing: Awaitable[None]) -> None:
        try:
            await finishing
        except Exception:
            # Unacked, these offsets are never committed: the events come back after a restart.
            log.exception("a batch could not be completed", extra={"events": len(events)})
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


def _merge(outputs: list[StageOutput]) -> StageOutput:
    async def store() -> int:
        return sum([await output.store() or 0 for output in outputs])

    return StageOutput(events=[e for output in outputs for e in output.events], store=store)


async def _retrying(store: Callable[[], Awaitable[int | None]]) -> int | None:
    """A store that fails (database away) is retried: its events stay unacked, so nothing is lost meanwhile."""
    async for attempt in AsyncRetrying(wait=wait_exponential(max=10), reraise=True):
        with attempt:
            return await store()
    return None


async def send_all(app: faust.App, records: list[tuple[str, bytes, bytes]]) -> list[Awaitable[object]]:
    """Queue (topic, key, value) records in order (one person's events keep their order on a partition) and
    return their acknowledgements. Straight to the producer: Faust's Topic.send wraps each record in several
    objects, a measurable cost at 2,000 events/s."""
    return [await app.producer.send(topic, key, value, None, None, None) for topic, key, value in records]
