"""The bare relay baseline: the same Faust settings, batching and topics as the real stages, with no processing:
profile.submitted → diagnosis.completed → advice.generated, bytes forwarded as they are."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

import faust
from faust.types import EventT

from services.diagnosis.config import DiagnosisSettings
from shared.faust_app import create_faust_app, source_topic
from shared.messaging.contracts import Topic
from shared.stage import pipelined, send_all
from shared.topics import ADVICE_GENERATED, DIAGNOSIS_COMPLETED, PROFILE_SUBMITTED

settings = DiagnosisSettings()
app = create_faust_app("bob-bare-relay", settings)


def forward(source: Topic, target: Topic) -> None:
    async def handle_batch(events: list[EventT[bytes]]) -> Awaitable[None]:
        sends = await send_all(app, [(target.name, event.key or b"", event.value) for event in events])

        async def acknowledged() -> None:
            await asyncio.gather(*sends)

        return acknowledged()

    async def relay(stream: faust.StreamT[bytes]) -> None:
        await pipelined(stream, settings.batch_size, settings.batch_within_seconds, 4, handle_batch)

    app.agent(source_topic(app, source), name=f"relay-{source.name}")(relay)


if __name__ == "__main__":
    forward(PROFILE_SUBMITTED, DIAGNOSIS_COMPLETED)
    forward(DIAGNOSIS_COMPLETED, ADVICE_GENERATED)
    faust.Worker(app, loglevel="WARNING", quiet=True).execute_from_commandline()
