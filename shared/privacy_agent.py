"""The Faust agent every service runs for GDPR requests: on `privacy.export.requested` it answers with everything
it holds about the person, on `privacy.erasure.requested` it erases and answers with counts.

Handlers are synchronous (they touch the database) and idempotent: a replayed request erases nothing more and
sends the same answer again (same event id, derived from the request and the service)."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from typing import Any

import faust

from shared.consumer import dead_letter
from shared.events import Envelope, typed
from shared.faust_app import source_topic
from shared.mongo import run_sync
from shared.schemas.privacy import ErasureCompleted, ExportPart, PrivacyRequested
from shared.topics import DEAD_LETTER, PRIVACY_ANSWERS, PRIVACY_REQUESTS

Exporter = Callable[[str], dict[str, Any]]
Eraser = Callable[[str, dt.datetime], dict[str, int]]
log = logging.getLogger(__name__)
_REQUEST = typed(PrivacyRequested)


def answer(request: PrivacyRequested, service: str, export: Exporter, erase: Eraser, now: dt.datetime) -> Envelope[Any]:
    """Runs the service's handler for one request; the answer's id is stable so replays are deduplicated."""
    event_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"privacy:{request.request_id}:{service}"))
    data: ExportPart | ErasureCompleted
    if request.kind == "export":
        data = ExportPart(
            request_id=request.request_id, person_id=request.person_id, service=service,
            records=export(request.person_id),
        )
        kind = "privacy.export.part"
    else:
        data = ErasureCompleted(
            request_id=request.request_id, person_id=request.person_id, service=service,
            counts=erase(request.person_id, now),
        )
        kind = "privacy.erasure.completed"
    return Envelope.wrap(
        type=kind, source=f"/services/{service}", subject=request.person_id, data=data, id=event_id, time=now
    )


def attach_privacy(app: faust.App, service: str, export: Exporter, erase: Eraser) -> None:
    requests = source_topic(app, PRIVACY_REQUESTS)
    answers = source_topic(app, PRIVACY_ANSWERS)
    dead = source_topic(app, DEAD_LETTER)

    async def agent(stream: faust.StreamT[bytes]) -> None:
        async for raw in stream:
            try:
                request = _REQUEST.model_validate_json(raw).data
            except ValueError as exc:
                letter = dead_letter(raw, str(exc)[:2000], topic=PRIVACY_REQUESTS.name, consumer=f"{service}-privacy")
                await dead.send(key=letter.key, value=letter.to_json())
                continue
            # Not caught: a request that cannot be honoured must stop the agent rather than be skipped.
            reply = await run_sync(answer, request, service, export, erase, dt.datetime.now(dt.UTC))
            await (await answers.send(key=reply.key, value=reply.to_json()))
            log.info("privacy request answered", extra={"kind": request.kind, "request_id": request.request_id})

    app.agent(requests, name=f"{service}-privacy")(agent)
