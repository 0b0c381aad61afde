"""Faust worker: consumes `profile.submitted` (sign-ups, updates) and `privacy.requests`, ticks the survey
scheduler and runs this process's outbox relay."""

from __future__ import annotations

import functools
import logging

from services.followup.adapters import privacy
from services.followup.config import FollowupSettings
from services.followup.entrypoints.deps import wire
from services.followup.service.scheduler import Scheduler
from services.followup.service.signup import Signups
from shared.crypto.keystore import person_keys
from shared.logs import configure_logging
from shared.messaging.consumer import attach
from shared.messaging.privacy import PrivacyAnswers
from shared.messaging.worker import create_faust_app, run_worker
from shared.mongo import run_sync

log = logging.getLogger(__name__)


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

    run_worker(app, settings)


if __name__ == "__main__":
    main()
