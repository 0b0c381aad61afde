"""What the routes depend on: settings, the clock, the outbox relay, the caller's verified email, and refusals
(link errors, `Refused`) as HTTP answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import lru_cache
from typing import Annotated, ParamSpec, TypeVar

from fastapi import Depends, HTTPException
from pydantic import EmailStr, TypeAdapter, ValidationError

from services.pledges.adapters.outbox import Relay
from services.pledges.config import PledgesSettings
from services.pledges.domain.links import LinkError
from services.pledges.errors import Refused
from shared.auth.tokens import Principal
from shared.mongo import run_sync

P = ParamSpec("P")
R = TypeVar("R")


@lru_cache
def get_settings() -> PledgesSettings:
    return PledgesSettings()


@lru_cache
def get_relay() -> Relay:
    settings = get_settings()
    return Relay(settings.kafka_bootstrap_servers, settings.service_name, settings.relay_idle_seconds)


def get_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


Settings = Annotated[PledgesSettings, Depends(get_settings)]
Now = Annotated[dt.datetime, Depends(get_now)]
_EMAIL: TypeAdapter[str] = TypeAdapter(EmailStr)


def email_of(principal: Principal) -> str:
    """The email the sign-in verified, which the service writes to; 400 when the token carries none."""
    if principal.email is None:
        raise HTTPException(400, "the access token carries no email: sign in with a magic link first")
    try:
        return _EMAIL.validate_python(principal.email)
    except ValidationError:
        raise HTTPException(400, "the access token's email is not a deliverable address") from None


async def read(fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Runs a reading call off the event loop; refusals become their 4xx."""
    try:
        return await run_sync(fn, *args, **kwargs)
    except Refused as exc:
        raise HTTPException(exc.status, exc.reason) from None


async def write(fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Runs a storing call off the event loop, then wakes the relay; bad or used links become 400 or 410, and
    refusals their 4xx."""
    try:
        result = await run_sync(fn, *args, **kwargs)
    except LinkError as exc:
        raise HTTPException(410 if exc.expired else 400, str(exc)) from None
    except Refused as exc:
        raise HTTPException(exc.status, exc.reason) from None
    get_relay().poke()
    return result
