"""HTTP entrypoint of the pledges service: helpers, help requests, reviews and counters."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI

from services.pledges.adapters.db import ensure_indexes
from services.pledges.entrypoints.deps import get_relay, get_settings
from services.pledges.entrypoints.routes import helpers, requests, reviews
from shared.http import create_api
from shared.logs import configure_logging
from shared.mongo import connect, run_sync

settings = get_settings()
configure_logging(settings.service_name, settings.log_level)


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

if __name__ == "__main__":
    uvicorn.run(app, host=settings.http_host, port=settings.http_port, access_log=False, log_config=None)
