"""Feedback routes: a person's own judgments and ratings (the token's subject only), and the operators' summary."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from services.advice import metrics
from services.advice.domain.feedback import NoAdvice, NotInAdvice
from services.advice.feedback import Erased, Feedback
from shared.auth.access import Operator, ProfileIdPath, ProfileOwner
from shared.http import refused_fields
from shared.schemas.feedback import NOTE_MAX_CHARS, ModuleId, Stars


async def get_feedback(request: Request) -> Feedback:
    feedback: Feedback = request.app.state.feedback
    return feedback


FeedbackDep = Annotated[Feedback, Depends(get_feedback)]
Version = Annotated[int, Field(ge=1, description="The profile version whose diagnosis and advice are judged")]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ChallengeIn(_In):
    profile_version: Version
    agrees: bool


class RatingIn(_In):
    profile_version: Version
    stars: Stars


class NoteIn(_In):
    note: Annotated[str, Field(min_length=1, max_length=NOTE_MAX_CHARS)]


class FeedbackOut(BaseModel):
    profile_id: str
    items: list[dict[str, Any]] = Field(description="Each judgment, rating and note, with when it was given")


class ChallengeAgreement(BaseModel):
    challenge: str
    judged: int
    agreed: int


class ModuleRating(BaseModel):
    module_id: str
    ratings: int
    mean_stars: float


class SummaryOut(BaseModel):
    judged: int
    agreed: int
    agreement_rate: float | None
    by_challenge: list[ChallengeAgreement]
    ratings: list[ModuleRating]
    notes: int
    computed_at: dt.datetime


router = APIRouter(prefix="/api/v1", tags=["feedback"])


@router.get("/profiles/{profile_id}/feedback")
async def read_feedback(profile_id: ProfileIdPath, _: ProfileOwner, feedback: FeedbackDep) -> FeedbackOut:
    return FeedbackOut(profile_id=profile_id, items=await feedback.read(profile_id))


@router.put("/profiles/{profile_id}/feedback/challenge")
async def judge_challenge(
    profile_id: ProfileIdPath, body: ChallengeIn, _: ProfileOwner, feedback: FeedbackDep
) -> dict[str, Any]:
    """Agree or disagree with the main challenge of that version's diagnosis (the one its advice answers)."""
    return await feedback.judge(profile_id, body.profile_version, body.agrees)


@router.put("/profiles/{profile_id}/feedback/advice/{module_id}")
async def rate_advice(
    profile_id: ProfileIdPath, module_id: Annotated[ModuleId, Path()], body: RatingIn, _: ProfileOwner,
    feedback: FeedbackDep,
) -> dict[str, Any]:
    """1 to 5 stars to one piece of that version's advice; rating it again replaces the stars."""
    return await feedback.rate(profile_id, body.profile_version, module_id, body.stars)


@router.put("/profiles/{profile_id}/feedback/note")
async def leave_note(profile_id: ProfileIdPath, body: NoteIn, _: ProfileOwner, feedback: FeedbackDep) -> dict[str, Any]:
    return await feedback.leave_note(profile_id, body.note)


@router.get("/advice/feedback/summary")
async def feedback_summary(_: Operator, feedback: FeedbackDep) -> SummaryOut:
    """Agreement with the main challenges and the advice's stars, over everyone's feedback."""
    summary = await feedback.summary()
    metrics.publish(summary)
    return SummaryOut(
        judged=summary.judged, agreed=summary.agreed, agreement_rate=summary.agreement_rate,
        by_challenge=[ChallengeAgreement(challenge=c, judged=n, agreed=yes)
                      for c, (n, yes) in summary.agreement_by_challenge.items()],
        ratings=[ModuleRating(module_id=r.module_id, ratings=r.count, mean_stars=round(r.mean, 2))
                 for r in summary.ratings],
        notes=summary.notes, computed_at=feedback.clock(),
    )


async def refused(_: Request, exc: Exception) -> JSONResponse:
    """The one place where feedback refusals become HTTP answers."""
    if isinstance(exc, NotInAdvice):  # shaped like every other 422: where and why
        return refused_fields([(("path", "module_id"), str(exc), "not_in_advice")])
    status = 404 if isinstance(exc, NoAdvice) else 403 if isinstance(exc, Erased) else 400
    return JSONResponse({"detail": str(exc)}, status_code=status)
