"""HTTP entrypoint of the followup service, all under /api/v1/followup/: survey links, unsubscribe (from the
surveys, or from the coaching emails only) and the follow-up figures. Domain errors become HTTP statuses here
and nowhere else (`STATUSES`)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from enum import StrEnum
from typing import Annotated, Literal

import uvicorn
from fastapi import APIRouter, FastAPI, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from services.followup.config import FollowupSettings
from services.followup.domain import kpis
from services.followup.domain.coaching.emails import COACHING_UNSUBSCRIBE_LINK
from services.followup.domain.emails import SURVEY_LINK, UNSUBSCRIBE_LINK
from services.followup.domain.errors import AlreadyAnswered, Erased, UnknownPerson, UnknownSurvey
from services.followup.entrypoints.deps import Deps, wire
from shared.auth import links
from shared.auth.access import Link, Operator
from shared.http import Lifespan, create_api
from shared.logs import configure_logging
from shared.mongo import connect, run_sync
from shared.schemas.followup import Situation, SurveyAnswered, SurveyForm, SurveySent

Token = Annotated[str, Path(min_length=10, max_length=2000)]

# Any refused link is a 403, expired or not: the link is the authorisation.
STATUSES: dict[type[Exception], tuple[int, str]] = {
    links.LinkError: (403, "invalid link"),
    UnknownPerson: (404, "unknown person"),
    UnknownSurvey: (404, "no such survey"),
    AlreadyAnswered: (409, "this link was already used"),
    Erased: (410, "this person's data was erased"),
}


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
    stopped: Literal["surveys", "coaching"] = "surveys"  # the programme stopped; the other one continues


def router(deps: Deps) -> APIRouter:
    api = APIRouter(prefix="/api/v1/followup", tags=["followup"])
    # The signed link in the email is the authorisation: people answer without signing in.
    signed = APIRouter(dependencies=[Link])

    def survey_link(token: str) -> links.Link:
        link = links.verify(deps.settings.key, token, SURVEY_LINK, deps.clock())
        if link.scope is None:
            raise links.LinkError("link not meant for this")
        return link

    async def record(token: str, seeking: bool | None, form: SurveyForm | None) -> SurveyPage:
        link = survey_link(token)
        assert link.scope is not None
        recorded = await run_sync(deps.answers.record, link.subject, link.scope, seeking, form, deps.clock())
        deps.relay.enqueue(recorded.entry)
        return SurveyPage(survey=link.scope, recorded=recorded.answer.step, form_url=_form_url(token))

    @signed.get("/surveys/{token}")
    async def open_survey(token: Token, answer: Annotated[OneClick | None, Query()] = None) -> SurveyPage:
        """With `answer`, the one-click status is recorded; without, the form is described."""
        if answer is not None:
            return await record(token, answer is OneClick.STILL_SEEKING, None)
        link = survey_link(token)
        assert link.scope is not None
        return SurveyPage(survey=link.scope, form_url=_form_url(token))

    @signed.post("/surveys/{token}")
    async def answer_survey(token: Token, form: SurveyForm) -> SurveyPage:
        return await record(token, None, form)

    async def do_unsubscribe(token: str) -> Unsubscribed:
        link = links.verify(deps.settings.key, token, UNSUBSCRIBE_LINK, deps.clock())
        await run_sync(deps.answers.unsubscribe, link.subject, deps.clock())
        return Unsubscribed()

    # GET for the one-click link in the email, POST for mail clients' List-Unsubscribe-Post.
    signed.get("/unsubscribe/{token}")(do_unsubscribe)
    signed.post("/unsubscribe/{token}")(do_unsubscribe)

    async def do_unsubscribe_coaching(token: Token) -> Unsubscribed:
        link = links.verify(deps.settings.key, token, COACHING_UNSUBSCRIBE_LINK, deps.clock())
        await run_sync(deps.answers.unsubscribe_coaching, link.subject, deps.clock())
        return Unsubscribed(stopped="coaching")

    # POST is what List-Unsubscribe-Post clients send (RFC 8058); the page's button posts too.
    signed.get("/coaching/unsubscribe/{token}")(do_unsubscribe_coaching)
    signed.post("/coaching/unsubscribe/{token}")(do_unsubscribe_coaching)

    @api.get("/kpis")
    async def read_kpis(_: Operator) -> kpis.Kpis:
        """Operators only: small cells of these figures could single people out."""
        sent = await run_sync(deps.store.sent_surveys)
        answered = await run_sync(deps.store.answer_data)
        return kpis.compute(
            [SurveySent.model_validate(s) for s in sent], [SurveyAnswered.model_validate(a) for a in answered]
        )

    @api.get("/operator-access", status_code=204)
    async def operator_access(_: Operator) -> None:
        """The gateway asks this before proxying an operator's Prometheus query (nginx `auth_request`): 204 for an
        operator, 401 or 403 for anyone else."""

    api.include_router(signed)
    return api


def _form_url(token: str) -> str:
    return f"/api/v1/followup/surveys/{token}"


async def _refused(_: Request, exc: Exception) -> JSONResponse:
    status, detail = next(found for error, found in STATUSES.items() if isinstance(exc, error))
    return JSONResponse({"detail": f"{detail}: {exc}" if isinstance(exc, links.LinkError) else detail}, status)


def create_app(deps: Deps, lifespan: Lifespan | None = None) -> FastAPI:
    app = create_api(deps.settings, [router(deps)], lifespan)
    for error in STATUSES:
        app.add_exception_handler(error, _refused)
    return app


def lifespan_of(deps: Deps) -> Lifespan:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        connect(deps.settings.mongo_url, deps.settings.mongo_db)  # for /readyz
        await run_sync(deps.store.ensure_indexes)
        relaying = asyncio.create_task(deps.relay.run())
        try:
            yield
        finally:
            relaying.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await relaying
            deps.relay.close()

    return lifespan


settings = FollowupSettings()
configure_logging(settings.service_name, settings.log_level)
deps = wire(settings)
app = create_app(deps, lifespan_of(deps))

if __name__ == "__main__":
    uvicorn.run(app, host=settings.http_host, port=settings.http_port, access_log=False, log_config=None)
