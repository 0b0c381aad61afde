"""Faust worker of the platform's one notifier: consumes `notification.requested` and sends emails over SMTP."""

from __future__ import annotations

import datetime as dt
import functools
import logging
from typing import Any

from services.pledges import notifier
from services.pledges.adapters import mailer
from services.pledges.adapters.db import ensure_indexes
from services.pledges.config import PledgesSettings
from services.pledges.entrypoints.consuming import attach_consumer
from shared.events import Envelope
from shared.faust_app import create_faust_app, run_worker
from shared.logs import configure_logging
from shared.mongo import connect, run_sync
from shared.schemas.notification import NotificationRequested
from shared.topics import NOTIFICATIONS

log = logging.getLogger(__name__)
settings = PledgesSettings()
configure_logging(f"{settings.service_name}-notifier", settings.log_level)
app = create_faust_app("bob-notifier", settings)
send = functools.partial(mailer.send, sender=settings.mail_from, host=settings.smtp_host, port=settings.smtp_port)


def handle(events: list[Envelope[Any]]) -> None:
    for event in events:
        notifier.deliver(event.payload(NotificationRequested), send, dt.datetime.now(dt.UTC), settings)


async def retry_due() -> None:
    try:
        await run_sync(notifier.retry_failed, send, dt.datetime.now(dt.UTC), settings)
    except Exception:  # a failing timer would stop the whole worker; the next scan tries again
        log.exception("retry scan failed")


def main() -> None:
    connect(settings.mongo_url, settings.mongo_db)
    ensure_indexes()
    attach_consumer(app, "notifier", NOTIFICATIONS, handle)
    app.timer(settings.notifier_retry_scan_seconds)(retry_due)
    # The worker already serves metrics on worker_metrics_port.
    run_worker(app, settings.model_copy(update={"worker_metrics_port": settings.notifier_metrics}))


if __name__ == "__main__":
    main()
