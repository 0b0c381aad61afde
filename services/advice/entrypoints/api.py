"""HTTP entrypoint of the advice service: read a profile's advice (withheld for the trial's control group)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI

from services.advice.adapters.gated_results import gated_advice_router
from services.advice.config import AdviceSettings
from shared.http import create_api
from shared.logs import configure_logging
from shared.mongo import connect

settings = AdviceSettings()
configure_logging(settings.service_name, settings.log_level)


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    connect(settings.mongo_url, settings.mongo_db)
    yield


app = create_api(settings, [gated_advice_router()], lifespan)

if __name__ == "__main__":
    uvicorn.run(app, host=settings.http_host, port=settings.http_port, access_log=False, log_config=None)
