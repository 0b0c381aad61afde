"""Routes of the action plan, all under /api/v1/advice/plan, for the job seeker whose token it is (the token's
subject is the person: nobody reaches another's plan; other roles get 403). Domain errors become HTTP statuses
here (`STATUSES`); a refused field is a 422 in FastAPI's shape, naming the field."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, FastAPI, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from services.advice.domain.plans import (
    NoPlan,
    NoSuchAction,
    PlanError,
    PlanIn,
    StaleRevision,
    StateIn,
)
from services.advice.plans import Erased, NoAddress, NoAdvice, PlanUseCases, PlanView
from shared.auth.access import JobSeeker
from shared.http import refused_fields
from shared.messaging.outbox import Relay
from shared.mongo import run_sync

STATUSES: dict[type[PlanError], tuple[int, str]] = {
    NoAdvice: (404, "no advice to plan from yet"),
    NoPlan: (404, "no plan yet"),
    NoSuchAction: (404, "no such action in the plan"),
    Erased: (404, "no such person"),
    StaleRevision: (409, "the plan changed meanwhile: reload it"),
    NoAddress: (409, "this account has no email address"),
}
ActionIdPath = Annotated[str, Path(pattern=r"^[a-z0-9-]{1,60}$")]


class EmailIn(BaseModel):
    locale: Literal["fr", "en"] = "fr"


class EmailRequested(BaseModel):
    requested: bool = True


def plan_router(plans: PlanUseCases, relay: Relay) -> APIRouter:
    router = APIRouter(prefix="/api/v1/advice/plan", tags=["action plan"])

    def relayed(entry: dict[str, object] | None) -> None:
        if entry is not None:
            relay.enqueue(entry)

    @router.get("")
    async def read_plan(person: JobSeeker) -> PlanView:
        """The strategies proposed to the person with their why and actions, their plan and its progress."""
        return await run_sync(plans.view, person.sub)

    @router.put("")
    async def save_plan(person: JobSeeker, body: PlanIn) -> PlanView:
        saved = await run_sync(plans.choose, person.sub, body)
        relayed(saved.entry)
        return saved.view

    @router.post("/actions/{action_id}/state")
    async def mark_action(person: JobSeeker, action_id: ActionIdPath, body: StateIn) -> PlanView:
        saved = await run_sync(plans.set_state, person.sub, action_id, body)
        relayed(saved.entry)
        return saved.view

    @router.post("/email", status_code=202)
    async def email_plan(person: JobSeeker, body: EmailIn) -> EmailRequested:
        """Emails the plan to the address of the person's account (the one in their token), once per revision."""
        relay.enqueue(await run_sync(plans.email, person.sub, person.email, body.locale))
        return EmailRequested()

    return router


async def _refused(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PlanError)
    if exc.field is not None:
        loc = ["body", *(int(p) if p.isdigit() else p for p in exc.field.split("."))]
        return refused_fields([(loc, str(exc), "value_error")])
    status, detail = next(found for error, found in STATUSES.items() if isinstance(exc, error))
    return JSONResponse({"detail": detail}, status)


def add_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(PlanError, _refused)
