"""HTTP entrypoint of the pledges service: helpers, help requests, reviews and counters. The one place where
refusals of the rules and of signed links become HTTP answers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from services.pledges.adapters.db import ensure_indexes
from services.pledges.domain.errors import AlreadyDone, NotAllowed, NotFound, Over, Refused
from services.pledges.entrypoints.deps import get_relay, get_settings
from services.pledges.entrypoints.routes import helpers, requests, reviews
from shared.auth.links import LinkError
from shared.http import create_api
from shared.logs import configure_logging
from shared.mongo import connect, run_sync

settings = get_settings()
configure_logging(settings.service_name, settings.log_level)
STATUS = {NotFound: 404, NotAllowed: 403, AlreadyDone: 409, Over: 410}


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    connect(settings.mongo_url, settings.mongo_db)
    await run_sync(ensure_indexes)
    relay = get_relay()
    task = asyncio.create_task(relay.run())
    yield
    task.cancel()
    relay.close()


app = create_api(settings, [helpers.router, requests.router, reviews.router], lifespan)


@app.exception_handler(Refused)
async def refused(_: Request, exc: Refused) -> JSONResponse:
    status = next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)
    return JSONResponse({"detail": exc.reason}, status_code=status)


@app.exception_handler(LinkError)
async def bad_link(_: Request, exc: LinkError) -> JSONResponse:
    """A link that expired was valid once (410); a forged or unknown one never was (400)."""
    return JSONResponse({"detail": str(exc)}, status_code=410 if exc.expired else 400)


if __name__ == "__main__":
    uvicorn.run(app, host=settings.http_host, port=settings.http_port, access_log=False, log_config=None)
