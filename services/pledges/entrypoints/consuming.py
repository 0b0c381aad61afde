"""A Faust agent for envelopes of several types: decodes a batch, dead-letters what cannot be read or handled,
and hands the rest to a synchronous handler run off the event loop (handlers are idempotent)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import faust

from shared import metrics
from shared.consumer import dead_letter
from shared.events import Envelope
from shared.faust_app import source_topic
from shared.messaging.contracts import Topic
from shared.mongo import run_sync
from shared.topics import DEAD_LETTER

Handler = Callable[[list[Envelope[Any]]], object]


def attach_consumer(
    app: faust.App, name: str, spec: Topic, handle: Handler, *, types: tuple[str, ...] | None = None
) -> None:
    dead_topic = source_topic(app, DEAD_LETTER)
    wanted = types or spec.event_types

    async def bury(raw: bytes, error: str) -> None:
        letter = dead_letter(raw, error[:2000], topic=spec.name, consumer=name)
        await dead_topic.send(key=letter.key, value=letter.to_json())
        metrics.EVENTS_CONSUMED.labels(name, spec.name, "dead_letter").inc()

    async def process(raws: list[bytes]) -> None:
        started = time.perf_counter()
        events: list[tuple[bytes, Envelope[Any]]] = []
        for raw in raws:
            try:
                events.append((raw, Envelope.from_json(raw)))
            except ValueError as exc:
                await bury(raw, str(exc))
        relevant = [(raw, e) for raw, e in events if e.type in wanted]
        try:
            await run_sync(handle, [e for _, e in relevant])
        except Exception as exc:
            if len(relevant) == 1:
                await bury(relevant[0][0], repr(exc))
            else:  # one bad event must not sink the batch
                for raw, _ in relevant:
                    await process([raw])
            return
        metrics.EVENTS_CONSUMED.labels(name, spec.name, "processed").inc(len(relevant))
        metrics.EVENT_LATENCY.labels(name, spec.name).observe(time.perf_counter() - started)

    async def agent(stream: faust.StreamT[bytes]) -> None:
        async for batch in stream.take(200, within=0.05):
            await process(list(batch))

    app.agent(source_topic(app, spec), name=f"{name}-{spec.name}")(agent)
