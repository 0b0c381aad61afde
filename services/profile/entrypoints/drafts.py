"""Routes of the stepped onboarding's draft: the signed-in job seeker's own (the token's subject), no path id."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field

from services.profile import drafts
from services.profile.domain.draft import DraftRefused, Step
from services.profile.entrypoints.deps import now
from shared.auth.access import JobSeeker
from shared.mongo import as_utc


class DraftIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    step: Step = Field(description="The step these answers belong to: only its fields are accepted")
    profile: dict[str, Any] = Field(description="The step's answers, shaped like ProfileIn (one project at most)")


class DraftOut(BaseModel):
    profile: dict[str, Any] = Field(description="Every answer saved so far, shaped like ProfileIn (partial)")
    steps: list[Step] = Field(description="The steps saved, in the order first saved")
    updated_at: dt.datetime


def _out(doc: dict[str, Any]) -> DraftOut:
    return DraftOut(profile=doc["profile"], steps=doc["steps"], updated_at=as_utc(doc["updated_at"]))


router = APIRouter(prefix="/api/v1/profiles/me", tags=["onboarding"])


@router.put("/draft")
async def save_draft(body: DraftIn, principal: JobSeeker) -> DraftOut:
    """Saves one step (422 naming each bad field, by the profile's own rules); the final submission is still
    POST or PUT /profiles, after which the client deletes the draft."""
    try:
        return _out(await drafts.save(principal.sub, body.step, body.profile, now()))
    except DraftRefused as exc:
        raise RequestValidationError(
            [{"loc": loc, "msg": msg, "type": kind, "input": None} for loc, msg, kind in exc.errors]) from None


@router.get("/draft")
async def read_draft(principal: JobSeeker) -> DraftOut:
    return _out(await drafts.read(principal.sub))


@router.delete("/draft", status_code=204)
async def delete_draft(principal: JobSeeker) -> None:
    await drafts.drop(principal.sub)
