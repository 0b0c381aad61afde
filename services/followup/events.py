"""Envelopes the followup service emits, with deterministic ids (a replay emits the same event)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from pydantic import BaseModel

from services.followup.adapters.store import OutboxRecord
from shared.events import Envelope
from shared.messaging.contracts import Topic
from shared.schemas.followup import AdviceReleased, GroupAssigned, SurveyAnswered, SurveySent
from shared.schemas.notification import NotificationRequested
from shared.topics import ASSIGNMENTS, NOTIFICATIONS, RELEASES, SURVEYS

SOURCE = "/services/followup"
EVENT_IDS = uuid.UUID("0b7e4c2a-5f61-4d8e-9c3b-7a1f2e6d4b90")


def _wrap(
    spec: Topic, event_type: str, subject: str, data: BaseModel, id_key: str, at: dt.datetime
) -> tuple[str, Envelope[Any]]:
    event = Envelope.wrap(
        type=event_type, source=SOURCE, subject=subject, data=data, id=str(uuid.uuid5(EVENT_IDS, id_key)), time=at
    )
    return spec.name, event


def assigned(data: GroupAssigned) -> tuple[str, Envelope[Any]]:
    id_key = f"assigned:{data.profile_id}"
    return _wrap(ASSIGNMENTS, ASSIGNMENTS.event_types[0], data.profile_id, data, id_key, data.signed_up_at)


def released(data: AdviceReleased) -> tuple[str, Envelope[Any]]:
    id_key = f"released:{data.profile_id}"
    return _wrap(RELEASES, RELEASES.event_types[0], data.profile_id, data, id_key, data.released_at)


def survey_sent(data: SurveySent) -> tuple[str, Envelope[Any]]:
    id_key = f"sent:{data.profile_id}:{data.key}"
    return _wrap(SURVEYS, "followup.survey.sent", data.profile_id, data, id_key, data.sent_at)


def survey_answered(data: SurveyAnswered) -> tuple[str, Envelope[Any]]:
    id_key = f"answered:{data.profile_id}:{data.key}:{data.step}"
    return _wrap(SURVEYS, "followup.survey.answered", data.profile_id, data, id_key, data.answered_at)


def notification(data: NotificationRequested, at: dt.datetime) -> tuple[str, Envelope[Any]]:
    return _wrap(NOTIFICATIONS, NOTIFICATIONS.event_types[0], data.recipient_id, data, data.idempotency_key, at)


def outbox(events: list[tuple[str, Envelope[Any]]]) -> list[dict[str, str]]:
    """As stored in a document's outbox."""
    return [{"topic": topic, "key": e.subject, "value": e.to_json().decode()} for topic, e in events]


def records(stored: list[dict[str, str]]) -> list[OutboxRecord]:
    return [OutboxRecord(**r) for r in stored]
