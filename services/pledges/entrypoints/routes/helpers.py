"""Helpers: sign up with pledges, confirm by the emailed link, unsubscribe."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from services.pledges.adapters import helpers_repo
from services.pledges.entrypoints.deps import Now, Settings, write
from services.pledges.schemas import HelperIn, HelperOut

router = APIRouter(prefix="/api/v1/helpers", tags=["helpers"])
Token = Annotated[str, Query(min_length=10, max_length=2000)]


@router.post("", status_code=202)
async def sign_up(body: HelperIn, settings: Settings, now: Now) -> HelperOut:
    try:
        helper_id = await write(helpers_repo.register, body, now, settings)
    except helpers_repo.AlreadyRegistered:
        raise HTTPException(409, "this email is already registered") from None
    return HelperOut(helper_id=helper_id, status="confirmation-sent")


@router.api_route("/confirm", methods=["GET", "POST"])
async def confirm(token: Token, settings: Settings, now: Now) -> HelperOut:
    helper_id = await write(helpers_repo.confirm, token, now, settings)
    return HelperOut(helper_id=helper_id, status="confirmed")


@router.api_route("/unsubscribe", methods=["GET", "POST"])
async def unsubscribe(token: Token, settings: Settings, now: Now) -> HelperOut:
    helper_id = await write(helpers_repo.unsubscribe, token, now, settings)
    return HelperOut(helper_id=helper_id, status="unsubscribed")
