"""Helpers: sign up with pledges (signed in as a helper), list their reviews, unsubscribe from an email link."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from services.pledges.entrypoints.deps import Now, Settings, email_of, read, write
from services.pledges.entrypoints.schemas import HelperIn, HelperOut, HelperProfileOut, PledgeOut, ReviewOut
from services.pledges.service import helpers
from shared.auth.access import Helper, Link

router = APIRouter(prefix="/api/v1/helpers", tags=["helpers"])
Token = Annotated[str, Query(min_length=10, max_length=2000)]


@router.post("", status_code=201)
async def sign_up(body: HelperIn, principal: Helper, settings: Settings, now: Now) -> HelperOut:
    """The helper id is the account id and the email the one signing in verified, so pledges are active at once."""
    helper_id = await write(helpers.register, principal.sub, email_of(principal), body.sign_up, now, settings)
    return HelperOut(helper_id=helper_id, status="active")


@router.get("/me")
async def me(principal: Helper) -> HelperProfileOut:
    """What this helper pledged (404 before the first pledge, so a client knows to offer the pledge form)."""
    found = await read(helpers.read_helper, principal.sub)
    helper = found["helper"]
    return HelperProfileOut(
        helper_id=helper["_id"], name=helper["name"], cities=helper["cities"], remote=helper["remote"],
        domains=helper["domains"], pledges=[PledgeOut.model_validate(p) for p in found["pledges"]],
    )


@router.get("/me/reviews")
async def my_reviews(principal: Helper) -> list[ReviewOut]:
    return [ReviewOut.of(r) for r in await read(helpers.assigned_reviews, principal.sub)]


@router.api_route("/unsubscribe", methods=["GET", "POST"], dependencies=[Link])
async def unsubscribe(token: Token, settings: Settings, now: Now) -> HelperOut:
    helper_id = await write(helpers.unsubscribe, token, now, settings)
    return HelperOut(helper_id=helper_id, status="unsubscribed")
