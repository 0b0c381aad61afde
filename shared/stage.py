"""A processing stage: a Faust agent that decodes batches of events, hands them to a handler,
emits what the handler produced, and only then lets the handler store its results.

Emitting before storing makes a crash safe: a redelivered event is computed again and re-emitted
with the same deterministic event id, which downstream consumers deduplicate."""

from __future__ import annotations

import asyncio
import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import faust
from pydantic import BaseModel

from shared import logs, metrics
from shared.consumer import Decoded, dead_letter, decode_batch
from shared.events import Envelope
from shared.faust_app import source_topic
from shared.topic_spec import TopicSpec
from shared.topics import BY_NAME, DEAD_LETTER

T = TypeVar("T", bound=BaseModel)


async def _nothing() -> None:
    return None


@dataclass
class StageOutput:
    events: list[tuple[str, Envelope]] = field(default_factory=list)  # (topic, event)
    store: Callable[[], Awaitable[None]] = _nothing
    duplicates: int = 0


class Stage(ABC, Generic[T]):
    name: str
    source: TopicSpec
    event_type: str
    data_model: type[T]

    @abstractmethod
    async def handle(self, items: list[Decoded[T]]) -> StageOutput:
        """Compute the results of a batch; must skip items already processed (idempotency)."""


def attach_stage(app: faust.App, stage: Stage[T], batch_size: int = 500, within: float = 0.02) -> None:
    topics = {name: source_topic(app, spec) for name, spec in BY_NAME.items()}

    async def process(raws: list[bytes]) -> None:
        started = time.perf_counter()
        topic = stage.source.name
        good, dead = decode_batch(raws, stage.data_model, stage.event_type, topic=topic, consumer=stage.name)
        try:
            output = await stage.handle(good)
        except Exception as exc:
            # One bad event must not sink the batch: retry each alone, dead-letter the ones that still fail.
            if len(good) == 1:
                dead.append(dead_letter(good[0].event.to_json(), repr(exc), topic=topic, consumer=stage.name))
                output = StageOutput()
            else:
                for item in good:
                    await process([item.event.to_json()])
                output = StageOutput()
        outgoing = [*output.events, *((DEAD_LETTER.name, d) for d in dead)]
        pending = [await topics[name].send(key=event.key, value=event.to_json()) for name, event in outgoing]
        await asyncio.gather(*pending)
        await output.store()
        for name, _ in outgoing:
            metrics.EVENTS_PRODUCED.labels(stage.name, name).inc()
        consumed = metrics.EVENTS_CONSUMED
        consumed.labels(stage.name, stage.source.name, "processed").inc(len(good) - output.duplicates)
        consumed.labels(stage.name, stage.source.name, "duplicate").inc(output.duplicates)
        consumed.labels(stage.name, stage.source.name, "dead_letter").inc(len(dead))
        metrics.EVENT_LATENCY.labels(stage.name, stage.source.name).observe(time.perf_counter() - started)

    async def agent(stream: faust.StreamT[bytes]) -> None:
        async for batch in stream.take(batch_size, within=within):
            token = logs.event_id.set(f"batch:{len(batch)}")
            try:
                await process(list(batch))
            finally:
                logs.event_id.reset(token)

    app.agent(topics[stage.source.name], name=f"{stage.name}-{stage.source.name}")(agent)
