"""Gathers the services' answers to privacy requests (synchronous handler of `privacy.answers`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.profile.accounts import store as accounts
from services.profile.privacy import store
from shared.schemas.privacy import ErasureCompleted, ExportPart


def handle(kind: str, data: dict[str, Any], now: dt.datetime) -> None:
    if kind == "privacy.export.part":
        part = ExportPart.model_validate(data)
        account = accounts.get(part.person_id)
        if account is not None and account["erased_at"] is not None:
            return  # an export that arrives after erasure must not bring the data back
        store.store_answer(part.request_id, part.service, part.records, now)
    elif kind == "privacy.erasure.completed":
        done = ErasureCompleted.model_validate(data)
        store.store_answer(done.request_id, done.service, dict(done.counts), now)
