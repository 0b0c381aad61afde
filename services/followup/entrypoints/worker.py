"""Faust worker: consumes `profile.submitted` (sign-ups, updates), `engagement.actions` (plans' progress) and
`privacy.requests`, ticks the survey and coaching scheduler and runs this process's outbox relay."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging

from services.followup import metrics
from services.followup.adapters import privacy
from services.followup.adapters.store import Store
from services.followup.config import FollowupSettings
from services.followup.domain import kpis
from services.followup.entrypoints.deps import wire
from services.followup.service.engagement import PlanChanges
from services.followup.service.scheduler import Scheduler
from services.followup.service.signup import Signups
from shared.crypto.keystore import person_keys
from shared.logs import configure_logging
from shared.messaging.consumer import attach
from shared.messaging.privacy import PrivacyAnswers
from shared.messaging.worker import create_faust_app, run_worker
from shared.mongo import run_sync
from shared.schemas.followup import SurveyAnswered, SurveySent

log = logging.getLogger(__name__)
# The scheduler ticks every 30 s and catches up on all that is due: an hour late means it is not working.
OVERDUE_AFTER = dt.timedelta(hours=1)


def main() -> None:
    settings = FollowupSettings()
    configure_logging(f"{settings.service_name}-worker", settings.log_level)
    deps = wire(settings)
    deps.store.ensure_indexes()
    if adopted := deps.store.adopt_legacy_outboxes(deps.outbox, deps.clock()):
        log.info("moved the followup documents' own outboxes to the shared outbox", extra={"documents": adopted})
    app = create_faust_app("bob-followup", settings)
    keys = person_keys(settings)
    attach(app, Signups(deps.store, settings, deps.factory, keys), deps.factory)
    attach(app, PlanChanges(deps.store), deps.factory)
    export = functools.partial(privacy.export_person, deps.store)
    erase = functools.partial(privacy.erase_person, deps.store, deps.outbox)
    attach(app, PrivacyAnswers(settings.service_name, export, erase, deps.factory, keys), deps.factory)
    scheduler = Scheduler(deps.store, deps.outbox, deps.factory, settings)

    @app.task  # type: ignore[untyped-decorator]
    async def relay() -> None:
        await deps.relay.run()

    # Every worker instance ticks: deterministic decision ids keep that safe (see service/scheduler.py).
    @app.timer(settings.scheduler_interval_seconds)  # type: ignore[untyped-decorator]
    async def tick() -> None:
        try:
            entries = await run_sync(scheduler.tick, deps.clock())
        except Exception:  # e.g. the database is down: the next tick catches up
            log.exception("scheduler tick failed")
            return
        for entry in entries:
            deps.relay.enqueue(entry)

    @app.task  # type: ignore[untyped-decorator]
    async def figures() -> None:
        while True:
            try:
                await run_sync(publish_figures, deps.store, deps.clock())
            except Exception:  # the database away: the gauges keep their last values until the next round
                log.exception("could not compute the follow-up figures")
            await asyncio.sleep(settings.figures_interval_seconds)

    run_worker(app, settings)


def publish_figures(store: Store, now: dt.datetime) -> None:
    """The follow-up's figures, from every survey sent and answered, into the impact gauges (synchronous)."""
    figures = kpis.compute([SurveySent.model_validate(s) for s in store.sent_surveys()],
                           [SurveyAnswered.model_validate(a) for a in store.answer_data()])
    metrics.publish(metrics.samples(figures, store.signups()), store.overdue(now - OVERDUE_AFTER))


if __name__ == "__main__":
    main()
