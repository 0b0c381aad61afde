"""The consumer every service runs for GDPR requests: on `privacy.export.requested` it answers with everything it
holds about the person, on `privacy.erasure.requested` it erases and answers with counts.

Handlers are synchronous (they touch the database) and idempotent: a replayed request erases nothing more and
sends the same answer again (same event id, derived from the request). A request is never skipped: a failing
handler is retried until it succeeds. An export part is sealed with the person's data key; after an erasure the
service's cache of that key is dropped (the profile service destroys the key itself)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from shared.crypto.keystore import PersonKeys
from shared.messaging.consumer import Consumer, Output
from shared.messaging.envelope import Envelope
from shared.messaging.factory import EventFactory, Outgoing
from shared.mongo import run_sync
from shared.schemas.privacy import ErasureCompleted, ExportPart, PrivacyRequested
from shared.topics import PRIVACY_REQUESTS

Exporter = Callable[[str], dict[str, Any]]
Eraser = Callable[[str, dt.datetime], dict[str, int]]


def answer(
    request: Envelope[PrivacyRequested], service: str, export: Exporter, erase: Eraser, now: dt.datetime,
    factory: EventFactory, keys: PersonKeys,
) -> Outgoing:
    """Runs the service's handler for one request; the answer's id is stable so replays are deduplicated."""
    asked = request.data
    data: ExportPart | ErasureCompleted
    if asked.kind == "export":
        records = export(asked.person_id)
        data = ExportPart.sealing(keys.get(asked.person_id), asked.request_id, asked.person_id, service, records)
        kind = "privacy.export.part"
    else:
        data = ErasureCompleted(
            request_id=asked.request_id, person_id=asked.person_id, service=service,
            counts=erase(asked.person_id, now),
        )
        keys.forget(asked.person_id)
        kind = "privacy.erasure.completed"
    return factory.event(kind, asked.person_id, data, entity=asked.request_id, time=now, cause=request)


class PrivacyAnswers(Consumer[PrivacyRequested]):
    topic = PRIVACY_REQUESTS
    attempts = None  # a request that cannot be honoured yet is retried, never skipped
    batch_size = 20

    def __init__(self, service: str, export: Exporter, erase: Eraser, factory: EventFactory,
                 keys: PersonKeys) -> None:
        self.service = service
        self.name = f"{service}-privacy"
        self.export = export
        self.erase = erase
        self.factory = factory
        self.keys = keys

    async def handle(self, events: list[Envelope[PrivacyRequested]]) -> Output:
        answers = [
            await run_sync(answer, e, self.service, self.export, self.erase, dt.datetime.now(dt.UTC), self.factory,
                           self.keys)
            for e in events
        ]
        return Output(events=answers)
