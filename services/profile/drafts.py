"""Onboarding drafts: each step's answers, checked, merged into the person's draft; read back on any device;
dropped once the profile is submitted. Two devices saving at once: the last step saved wins (a draft, not data
that anything else reads)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.profile.adapters import drafts as store
from services.profile.domain.draft import Step, checked_step, merged
from services.profile.domain.errors import DraftNotFound
from services.profile.service import refuse_erased
from shared.mongo import run_sync

Doc = dict[str, Any]


def _save(person_id: str, step: Step, answers: Doc, now: dt.datetime) -> Doc:
    checked = checked_step(step, answers)
    refuse_erased(person_id)
    draft = store.get(person_id)
    steps = list((draft or {}).get("steps", []))
    if step.value not in steps:
        steps.append(step.value)
    return store.put(person_id, merged((draft or {}).get("profile"), checked), steps, now)


def _read(person_id: str) -> Doc:
    draft = store.get(person_id)
    if draft is None:
        raise DraftNotFound
    return draft


async def save(person_id: str, step: Step, answers: Doc, now: dt.datetime) -> Doc:
    return await run_sync(_save, person_id, step, answers, now)


async def read(person_id: str) -> Doc:
    return await run_sync(_read, person_id)


async def drop(person_id: str) -> None:
    await run_sync(store.delete, person_id)
