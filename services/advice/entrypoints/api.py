"""HTTP entrypoint of the advice service: read a profile's advice (withheld for the trial's control group), and
the in-app feedback on it, whose events leave through this process's outbox relay."""

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
from services.advice.adapters.gated_results import gated_advice_router
from services.advice.adapters.results import AdviceList
from services.advice.config import AdviceSettings
from services.advice.domain.feedback import FeedbackError
from services.advice.entrypoints import feedback as feedback_routes
from services.advice.feedback import Feedback
from shared.crypto.keystore import KekRing, KeyReader, collection
from shared.http import create_api
from shared.logs import configure_logging
from shared.messaging.factory import EventFactory
from shared.messaging.outbox import Outbox, Relay
from shared.mongo import connect
from shared.results import collection as results

settings = AdviceSettings()
configure_logging(settings.service_name, settings.log_level)
log = logging.getLogger(__name__)
outbox = Outbox(lambda: results(AdviceList).database)
relay = Relay(outbox, settings.kafka, settings.service_name)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


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
    yield
    for task in tasks:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    relay.close()


app = create_api(settings, [gated_advice_router(), feedback_routes.router], lifespan)
app.add_exception_handler(FeedbackError, feedback_routes.refused)
# Uncached: this process does not hear of erasures, so it keeps no key in memory.
app.state.feedback = Feedback(outbox, relay, EventFactory(settings.service_name, settings.public_url),
                              KeyReader(collection(settings), KekRing.from_settings(settings)), utc_now)

if __name__ == "__main__":
    uvicorn.run(app, host=settings.http_host, port=settings.http_port, access_log=False, log_config=None)
