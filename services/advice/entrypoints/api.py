"""HTTP entrypoint of the advice service: read a profile's advice (withheld for the trial's control group), and
the person's strategies and action plan (plan_api.py), whose events this process relays from its outbox."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI

from services.advice.adapters import plans as plan_store
from services.advice.adapters.gated_results import gated_advice_router
from services.advice.config import AdviceSettings
from services.advice.entrypoints.plan_api import add_error_handlers, plan_router
from services.advice.plans import PlanUseCases
from shared.crypto.keystore import KekRing, KeyReader, collection
from shared.http import create_api
from shared.logs import configure_logging
from shared.messaging.factory import EventFactory
from shared.messaging.outbox import Outbox, Relay
from shared.mongo import connect

settings = AdviceSettings()
configure_logging(settings.service_name, settings.log_level)
outbox = Outbox(plan_store.database)
relay = Relay(outbox, settings.kafka, settings.service_name)
# Uncached keys: this process does not hear of erasures.
plans = PlanUseCases(
    outbox, EventFactory(settings.service_name, settings.public_url),
    KeyReader(collection(settings), KekRing.from_settings(settings)), lambda: dt.datetime.now(dt.UTC),
    plan_url=f"{settings.public_url.rstrip('/')}/#/plan",
)


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    connect(settings.mongo_url, settings.mongo_db)
    relaying = asyncio.create_task(relay.run())
    try:
        yield
    finally:
        relaying.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await relaying
        relay.close()


app = create_api(settings, [gated_advice_router(), plan_router(plans, relay)], lifespan)
add_error_handlers(app)

if __name__ == "__main__":
    uvicorn.run(app, host=settings.http_host, port=settings.http_port, access_log=False, log_config=None)
