"""Gathers every service's answers to privacy requests into export archives and erasure reports."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from services.profile.accounts import store as accounts
from services.profile.privacy import store
from shared.crypto.keystore import PersonKeys
from shared.messaging.consumer import Consumer, Output
from shared.messaging.envelope import Envelope
from shared.mongo import run_sync
from shared.schemas.privacy import ErasureCompleted, ExportPart
from shared.topics import PRIVACY_ANSWERS


def gather(answers: list[ExportPart | ErasureCompleted], now: dt.datetime, keys: PersonKeys) -> int:
    """Stores the answers (synchronous), export parts opened with the person's key; returns how many were
    already stored (replays)."""
    replays = 0
    for answer in answers:
        if isinstance(answer, ExportPart):
            account = accounts.get(answer.person_id)
            key = keys.get(answer.person_id)
            if key is None or (account is not None and account["erased_at"] is not None):
                continue  # an export that arrives after erasure must not bring the data back
            replays += store.store_answer(answer.request_id, answer.service, answer.records(key), now)
        else:
            replays += store.store_answer(answer.request_id, answer.service, dict(answer.counts), now)
    return replays


class AnswersGatherer(Consumer[BaseModel]):
    name = "profile-gatherer"
    topic = PRIVACY_ANSWERS
    attempts = None  # an answer is never skipped: without it the export or erasure report never completes
    batch_size = 50

    def __init__(self, keys: PersonKeys) -> None:
        self.keys = keys

    async def handle(self, events: list[Envelope[BaseModel]]) -> Output:
        answers = [e.data for e in events if isinstance(e.data, ExportPart | ErasureCompleted)]

        async def stored() -> int:
            return await run_sync(gather, answers, dt.datetime.now(dt.UTC), self.keys)

        return Output(store=stored)
