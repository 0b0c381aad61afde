"""HTTP entrypoint of the diagnosis service: read a profile's diagnosis; operators read the model registry."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI

from services.diagnosis.adapters.results import Diagnosis
from services.diagnosis.config import DiagnosisSettings
from services.diagnosis.entrypoints.models import models_router
from shared.http import create_api
from shared.logs import configure_logging
from shared.mongo import connect
from shared.results import result_router

settings = DiagnosisSettings()
configure_logging(settings.service_name, settings.log_level)


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    connect(settings.mongo_url, settings.mongo_db)
    yield


app = create_api(settings, [result_router(Diagnosis, "diagnosis"), models_router()], lifespan)

if __name__ == "__main__":
    uvicorn.run(app, host=settings.http_host, port=settings.http_port, access_log=False, log_config=None)
