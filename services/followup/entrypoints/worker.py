"""Faust worker: consumes `profile.submitted` (sign-ups, updates), runs the survey scheduler and answers privacy
requests (`privacy.requests`)."""

from __future__ import annotations

import datetime as dt
import functools
import logging

from services.followup import privacy
from services.followup.adapters.emitter import KafkaEmitter
from services.followup.adapters.store import Store
from services.followup.config import FollowupSettings
from services.followup.scheduler import Scheduler
from services.followup.signup import SignupStage
from shared.faust_app import create_faust_app, run_worker
from shared.logs import configure_logging
from shared.mongo import run_sync
from shared.privacy_agent import attach_privacy
from shared.stage import attach_stage

log = logging.getLogger(__name__)
settings = FollowupSettings()
configure_logging(f"{settings.service_name}-worker", settings.log_level)
app = create_faust_app("bob-followup", settings)


def main() -> None:
    store = Store.open(settings.mongo_url, settings.mongo_db)
    store.ensure_indexes()
    scheduler = Scheduler(store, settings, KafkaEmitter(settings.kafka_bootstrap_servers))
    attach_stage(app, SignupStage(store, settings), settings.batch_size, settings.batch_within_seconds)
    attach_privacy(
        app, "followup", functools.partial(privacy.export_person, store),
        functools.partial(privacy.erase_person, store),
    )

    # Every worker instance ticks: deterministic decision ids and the notifier's dedupe keep that safe.
    @app.timer(settings.scheduler_interval_seconds)  # type: ignore[untyped-decorator]
    async def tick() -> None:
        try:
            await run_sync(scheduler.tick, dt.datetime.now(dt.UTC))
        except Exception:  # e.g. the database is down: the next tick catches up
            log.exception("scheduler tick failed")

    run_worker(app, settings)


if __name__ == "__main__":
    main()
