"""Sign-in routes (/api/v1/auth) and the signed-in person's account (/api/v1/accounts/me)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import BaseModel, ConfigDict, EmailStr, Field

from services.profile.accounts import store
from services.profile.accounts.service import Accounts, Issued, LinkRejected, SessionRejected, account_view
from services.profile.adapters.publisher import Publisher, PublishFailed
from shared.auth.access import Public, SignedIn
from shared.auth.tokens import Role
from shared.mongo import run_sync
from shared.topics import NOTIFICATIONS


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class MagicLinkIn(_Body):
    email: EmailStr  # the full check (the notifier's): sign-in is not a hot path
    role: Literal[Role.JOB_SEEKER, Role.HELPER] = Role.JOB_SEEKER
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


def get_accounts(request: Request) -> Accounts:
    accounts: Accounts = request.app.state.accounts
    return accounts


def get_publisher(request: Request) -> Publisher:
    publisher: Publisher = request.app.state.publisher
    return publisher


AccountsDep = Annotated[Accounts, Depends(get_accounts)]
PublisherDep = Annotated[Publisher, Depends(get_publisher)]


def _tokens(issued: Issued) -> TokensOut:
    return TokensOut(
        access_token=issued.access_token, refresh_token=issued.refresh_token, expires_in=issued.expires_in,
        account=AccountOut.model_validate(issued.account),
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


auth = APIRouter(prefix="/api/v1/auth", tags=["sign-in"])


@auth.post("/magic-link", status_code=202, dependencies=[Public])
async def request_magic_link(body: MagicLinkIn, accounts: AccountsDep, publisher: PublisherDep) -> SentOut:
    """Always 202, whether or not the email has an account: the answer must not reveal who is registered."""
    email = accounts.magic_link(body.email, Role(body.role), body.locale, _now())
    try:
        await run_sync(publisher.publish, NOTIFICATIONS.name, email)
    except PublishFailed:
        raise HTTPException(503, "the email could not be queued; try again shortly") from None
    return SentOut()


@auth.post("/token", dependencies=[Public])
async def redeem_magic_link(body: RedeemIn, accounts: AccountsDep) -> TokensOut:
    try:
        return _tokens(await run_sync(accounts.redeem, body.token, _now()))
    except LinkRejected as exc:
        raise HTTPException(410 if exc.gone else 400, str(exc)) from None


@auth.post("/refresh", dependencies=[Public])
async def refresh(body: RefreshIn, accounts: AccountsDep) -> TokensOut:
    try:
        return _tokens(await run_sync(accounts.refresh, body.refresh_token, _now()))
    except SessionRejected as exc:
        raise HTTPException(401, str(exc), headers={"WWW-Authenticate": "Bearer"}) from None


@auth.post("/sign-out", status_code=204)
async def sign_out(principal: SignedIn, accounts: AccountsDep) -> Response:
    await run_sync(accounts.sign_out, principal, _now())
    return Response(status_code=204)


me = APIRouter(prefix="/api/v1/accounts", tags=["accounts"])


@me.get("/me")
async def read_account(principal: SignedIn) -> AccountOut:
    account: dict[str, Any] | None = await run_sync(store.get, principal.sub)
    if account is None or account["erased_at"] is not None:
        raise HTTPException(404, "no such account")
    return AccountOut.model_validate(account_view(account))
