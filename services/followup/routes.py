"""HTTP routes of the followup service, all under /api/v1/followup/."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path, Query
from pydantic import BaseModel

from services.followup import answers
from services.followup.adapters.store import Store
from services.followup.config import FollowupSettings
from services.followup.domain import kpis
from services.followup.domain.links import BadLink, LinkClaims, Purpose, verify
from shared.auth.access import Link, Operator
from shared.mongo import run_sync
from shared.schemas.followup import Situation, SurveyAnswered, SurveyForm, SurveySent

Clock = Callable[[], dt.datetime]
Token = Annotated[str, Path(min_length=10, max_length=2000)]


class OneClick(StrEnum):
    STILL_SEEKING = "still-seeking"
    STOPPED_SEEKING = "stopped-seeking"


class SurveyPage(BaseModel):
    """What a survey link shows: the form to fill in next."""

    survey: str
    recorded: Literal["click", "form"] | None = None
    form_url: str
    situations: list[Situation] = list(Situation)


class Unsubscribed(BaseModel):
    unsubscribed: bool = True


def router(store: Store, settings: FollowupSettings, clock: Clock) -> APIRouter:
    api = APIRouter(prefix="/api/v1/followup", tags=["followup"])
    # The signed link in the email is the authorisation: people answer without signing in.
    links = APIRouter(dependencies=[Link])

    def claims(token: str, purpose: Purpose) -> LinkClaims:
        try:
            return verify(token, settings.key, purpose, clock())
        except BadLink as exc:
            raise HTTPException(403, f"invalid link: {exc}") from None

    async def record(token: str, seeking: bool | None, form: SurveyForm | None) -> SurveyPage:
        link = claims(token, "survey")
        try:
            answer = await run_sync(answers.record_answer, store, link, seeking, form, clock())
        except answers.UnknownSurvey:
            raise HTTPException(404, "no such survey") from None
        except answers.Erased:
            raise HTTPException(410, "this person's data was erased") from None
        except answers.AlreadyAnswered:
            raise HTTPException(409, "this link was already used") from None
        return SurveyPage(survey=answer.key, recorded=answer.step, form_url=_form_url(token))

    @links.get("/surveys/{token}")
    async def open_survey(token: Token, answer: Annotated[OneClick | None, Query()] = None) -> SurveyPage:
        """With `answer`, the one-click status is recorded; without, the form is described."""
        if answer is not None:
            return await record(token, answer is OneClick.STILL_SEEKING, None)
        link = claims(token, "survey")
        assert link.survey_key is not None
        return SurveyPage(survey=link.survey_key, form_url=_form_url(token))

    @links.post("/surveys/{token}")
    async def answer_survey(token: Token, form: SurveyForm) -> SurveyPage:
        return await record(token, None, form)

    async def do_unsubscribe(token: str) -> Unsubscribed:
        link = claims(token, "unsubscribe")
        try:
            await run_sync(answers.unsubscribe, store, link, clock())
        except (answers.UnknownSurvey, answers.Erased):
            raise HTTPException(404, "unknown person") from None
        return Unsubscribed()

    # GET for the one-click link in the email, POST for mail clients' List-Unsubscribe-Post.
    links.get("/unsubscribe/{token}")(do_unsubscribe)
    links.post("/unsubscribe/{token}")(do_unsubscribe)

    @api.get("/kpis")
    async def read_kpis(_: Operator) -> kpis.Kpis:
        """Operators only: small cells of these figures could single people out."""
        sent = await run_sync(store.sent_surveys)
        answered = await run_sync(store.answer_data)
        return kpis.compute(
            [SurveySent.model_validate(s) for s in sent], [SurveyAnswered.model_validate(a) for a in answered]
        )

    api.include_router(links)
    return api


def _form_url(token: str) -> str:
    return f"/api/v1/followup/surveys/{token}"
