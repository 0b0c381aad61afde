"""HTTP entrypoint of the followup service: survey links, unsubscribe and the follow-up figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI

from services.followup.adapters.store import Store
from services.followup.config import FollowupSettings
from services.followup.routes import router
from shared.http import create_api
from shared.logs import configure_logging
from shared.mongo import connect, run_sync

settings = FollowupSettings()
configure_logging(settings.service_name, settings.log_level)
store = Store.open(settings.mongo_url, settings.mongo_db)


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    connect(settings.mongo_url, settings.mongo_db)  # for /readyz
    await run_sync(store.ensure_indexes)
    yield


app = create_api(settings, [router(store, settings, lambda: dt.datetime.now(dt.UTC))], lifespan)

if __name__ == "__main__":
    uvicorn.run(app, host=settings.http_host, port=settings.http_port, access_log=False, log_config=None)
