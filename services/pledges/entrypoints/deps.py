"""What the routes depend on: settings, the clock, the outbox relay, and link errors as HTTP answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import lru_cache
from typing import Annotated, ParamSpec, TypeVar

from fastapi import Depends, HTTPException

from services.pledges.adapters.outbox import Relay
from services.pledges.config import PledgesSettings
from services.pledges.domain.links import LinkError
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


async def write(fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Runs a storing call off the event loop, then wakes the relay; bad or used links become 400 or 410."""
    try:
        result = await run_sync(fn, *args, **kwargs)
    except LinkError as exc:
        raise HTTPException(410 if exc.expired else 400, str(exc)) from None
    get_relay().poke()
    return result
