"""What the routes depend on: settings, the clock, the outbox relay, the caller's verified email, and running the
service layer off the event loop (refusals are mapped to HTTP in api.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import lru_cache
from typing import Annotated, ParamSpec, TypeVar

from fastapi import Depends, HTTPException
from pydantic import EmailStr, TypeAdapter, ValidationError

from services.pledges.adapters.db import OUTBOX
from services.pledges.config import PledgesSettings
from shared.auth.tokens import Principal
from shared.messaging.outbox import Relay
from shared.mongo import run_sync

P = ParamSpec("P")
R = TypeVar("R")


@lru_cache
def get_settings() -> PledgesSettings:
    return PledgesSettings()


@lru_cache
def get_relay() -> Relay:
    settings = get_settings()
    return Relay(OUTBOX, settings.kafka, settings.service_name,
                 scan_seconds=settings.relay_scan_seconds)


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
    """Runs a reading call off the event loop (in the request's context: its trace goes with it)."""
    return await run_sync(fn, *args, **kwargs)


async def write(fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Runs a storing call like `read`, then wakes the relay: the events it queued leave at once."""
    result = await read(fn, *args, **kwargs)
    get_relay().poke()
    return result
