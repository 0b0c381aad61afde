"""The bare relay baseline: the consumer base's batching and pipelining (`pipelined`), the same Faust settings,
topics and producer path as the real stages, with no processing: profile.submitted → diagnosis.completed →
advice.generated, records forwarded as they are, their CloudEvents binding headers included.

Not a `Consumer` subclass on purpose: a consumer decodes through the registry and emits typed events of the
target topic's type, which is processing; what the relay measures is the transport alone."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

import faust
from faust.types import EventT

from services.diagnosis.config import DiagnosisSettings
from shared.messaging.consumer import Consumer, pipelined
from shared.messaging.contracts import Topic
from shared.messaging.worker import create_faust_app, source_topic
from shared.topics import ADVICE_GENERATED, DIAGNOSIS_COMPLETED, PROFILE_SUBMITTED

settings = DiagnosisSettings()
app = create_faust_app("bob-bare-relay", settings)


def forward(source: Topic, target: Topic) -> None:
    async def handle_batch(events: list[EventT[bytes]]) -> Awaitable[None]:
        # As the consumer base's send_all: straight to the producer, in order, acknowledgements awaited later.
        send = app.producer.send
        sends = [await send(target.name, e.key or b"", e.value, None, None, e.headers) for e in events]

        async def acknowledged() -> None:
            await asyncio.gather(*sends)

        return acknowledged()

    async def relay(stream: faust.StreamT[bytes]) -> None:
        await pipelined(
            stream, settings.batch_size, settings.batch_within_seconds, Consumer.max_in_flight, handle_batch
        )

    app.agent(source_topic(app, source), name=f"relay-{source.name}")(relay)


if __name__ == "__main__":
    forward(PROFILE_SUBMITTED, DIAGNOSIS_COMPLETED)
    forward(DIAGNOSIS_COMPLETED, ADVICE_GENERATED)
    faust.Worker(app, loglevel="WARNING", quiet=True).execute_from_commandline()
