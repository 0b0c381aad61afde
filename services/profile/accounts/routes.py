"""Sign-in routes (/api/v1/auth) and the signed-in person's account (/api/v1/accounts/me)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, EmailStr, Field

from services.profile.accounts.service import Issued
from services.profile.entrypoints.deps import AccountsDep, now
from shared import idempotency
from shared.auth.access import Public, SignedIn
from shared.auth.tokens import Role
from shared.mongo import run_sync


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class MagicLinkIn(_Body):
    email: EmailStr  # the full check (the notifier's): sign-in is not a hot path
    # Plain values, not the enum members: a refused role is then named in words ("'job_seeker' or 'helper'").
    role: Literal["job_seeker", "helper"] = "job_seeker"
    locale: Literal["fr", "en"] = "fr"


class RedeemIn(_Body):
    token: Annotated[str, Field(min_length=10, max_length=4000)]


class RefreshIn(_Body):
    refresh_token: Annotated[str, Field(min_length=10, max_length=4000)]


class AccountOut(BaseModel):
    account_id: str
    email: str | None
    roles: list[Role]


class TokensOut(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    account: AccountOut


class SentOut(BaseModel):
    status: Literal["sent"] = "sent"


def _tokens(issued: Issued) -> TokensOut:
    return TokensOut(
        access_token=issued.access_token, refresh_token=issued.refresh_token, expires_in=issued.expires_in,
        account=AccountOut.model_validate(issued.account),
    )


auth = APIRouter(prefix="/api/v1/auth", tags=["sign-in"])


@auth.post("/magic-link", status_code=202, dependencies=[Public])
async def request_magic_link(body: MagicLinkIn, accounts: AccountsDep, request: Request) -> SentOut:
    """Always 202, whether or not the email has an account: the answer must not reveal who is registered."""
    await accounts.send_magic_link(body.email, Role(body.role), body.locale, now(), idempotency.request_id(request))
    return SentOut()


@auth.post("/token", dependencies=[Public])
async def redeem_magic_link(body: RedeemIn, accounts: AccountsDep) -> TokensOut:
    return _tokens(await run_sync(accounts.redeem, body.token, now()))


@auth.post("/refresh", dependencies=[Public])
async def refresh(body: RefreshIn, accounts: AccountsDep) -> TokensOut:
    return _tokens(await run_sync(accounts.refresh, body.refresh_token, now()))


@auth.post("/sign-out", status_code=204)
async def sign_out(principal: SignedIn, accounts: AccountsDep) -> Response:
    await run_sync(accounts.sign_out, principal, now())
    return Response(status_code=204)


me = APIRouter(prefix="/api/v1/accounts", tags=["accounts"])


@me.get("/me")
async def read_account(principal: SignedIn, accounts: AccountsDep) -> AccountOut:
    return AccountOut.model_validate(await run_sync(accounts.read, principal.sub))
