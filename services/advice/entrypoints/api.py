"""HTTP entrypoint of the advice service: read a profile's advice (withheld for the trial's control group), and
the person's strategies and action plan (plan_api.py) and the in-app feedback on it, whose events this process
relays from its outbox."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI

from services.advice import metrics
from services.advice.adapters import plans as plan_store
from services.advice.adapters.gated_results import gated_advice_router
from services.advice.config import AdviceSettings
from services.advice.domain.feedback import FeedbackError
from services.advice.entrypoints import feedback as feedback_routes
from services.advice.entrypoints.plan_api import add_error_handlers, plan_router
from services.advice.feedback import Feedback
from services.advice.plans import PlanUseCases
from shared.crypto.keystore import KekRing, KeyReader, collection
from shared.http import create_api
from shared.logs import configure_logging
from shared.messaging.factory import EventFactory
from shared.messaging.outbox import Outbox, Relay
from shared.mongo import connect

settings = AdviceSettings()
configure_logging(settings.service_name, settings.log_level)
log = logging.getLogger(__name__)
# One outbox in the advice database for the plan's and the feedback's events, and this process's relay of it.
outbox = Outbox(plan_store.database)
relay = Relay(outbox, settings.kafka, settings.service_name)
# Uncached keys: this process does not hear of erasures, so it keeps no key in memory.
keys = KeyReader(collection(settings), KekRing.from_settings(settings))


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


plans = PlanUseCases(
    outbox, EventFactory(settings.service_name, settings.public_url), keys, utc_now,
    plan_url=f"{settings.public_url.rstrip('/')}/#/plan",
)


async def publish_figures(feedback: Feedback) -> None:
    while True:
        try:
            metrics.publish(await feedback.summary())
        except Exception:
            log.exception("feedback figures failed; will retry")
        await asyncio.sleep(settings.feedback_figures_seconds)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    connect(settings.mongo_url, settings.mongo_db)
    tasks = [asyncio.create_task(relay.run()), asyncio.create_task(publish_figures(app.state.feedback))]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        relay.close()


app = create_api(settings, [gated_advice_router(), plan_router(plans, relay), feedback_routes.router], lifespan)
add_error_handlers(app)
app.add_exception_handler(FeedbackError, feedback_routes.refused)
app.state.feedback = Feedback(outbox, relay, EventFactory(settings.service_name, settings.public_url), keys, utc_now)

if __name__ == "__main__":
    uvicorn.run(app, host=settings.http_host, port=settings.http_port, access_log=False, log_config=None)
