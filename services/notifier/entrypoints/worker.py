"""Faust worker of the notifier: sends the emails of `notification.requested` over SMTP, retries the failed ones,
mails operators their alerts (`operator.alerts`), learns helper unsubscribes from `pledges.helpers` and answers
privacy requests (`privacy.requests`)."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging

from services.notifier import service
from services.notifier.adapters import mailer
from services.notifier.adapters.store import ensure_indexes
from services.notifier.config import NotifierSettings
from services.notifier.domain import operator_alerts
from services.notifier.service import Notifier
from shared.crypto.keystore import person_keys
from shared.logs import configure_logging
from shared.messaging.consumer import Consumer, Output, attach
from shared.messaging.envelope import Envelope
from shared.messaging.factory import EventFactory
from shared.messaging.privacy import PrivacyAnswers
from shared.messaging.worker import create_faust_app, run_worker
from shared.mongo import connect, run_sync
from shared.schemas.notification import NotificationRequested
from shared.schemas.operator import PartnerEndpointDisabled
from shared.schemas.pledges import HelperChanged
from shared.topics import NOTIFICATIONS, OPERATOR_ALERTS, PLEDGES_HELPERS, URGENT_NOTIFICATIONS

settings = NotifierSettings()
configure_logging(f"{settings.service_name}-worker", settings.log_level)
# The group id the notifier had inside pledges: it goes on from the offsets that one committed.
app = create_faust_app("bob-notifier", settings)
log = logging.getLogger(__name__)
notifier = Notifier(
    functools.partial(mailer.send, sender=settings.mail_from, host=settings.smtp_host, port=settings.smtp_port),
    settings.send_attempts, settings.send_pause_seconds, dt.timedelta(seconds=settings.stale_claim_seconds),
)
keys = person_keys(settings)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def deliver(sealed: NotificationRequested, at: dt.datetime) -> str:
    return notifier.deliver_sealed(sealed, keys.get(sealed.recipient_id), at)


class Deliveries(Consumer[NotificationRequested]):
    """Bulk emails, a few SMTP sessions at once (each email is claimed by its idempotency key, so their order
    within a batch does not matter). The pool keeps threads free for the urgent ones."""

    name = "notifier"
    topic = NOTIFICATIONS
    batch_size = 50

    async def handle(self, events: list[Envelope[NotificationRequested]]) -> Output:
        sending = asyncio.Semaphore(settings.bulk_sends_at_once)

        async def one(event: Envelope[NotificationRequested]) -> None:
            async with sending:
                await run_sync(deliver, event.data, now())

        await asyncio.gather(*(one(event) for event in events))
        return Output()


class UrgentDeliveries(Consumer[NotificationRequested]):
    """Emails someone is waiting for (sign-in links): their own topic and agent, so no bulk backlog is ahead."""

    name = "notifier-urgent"
    topic = URGENT_NOTIFICATIONS
    batch_size = 10

    async def handle(self, events: list[Envelope[NotificationRequested]]) -> Output:
        await asyncio.gather(*(run_sync(deliver, event.data, now()) for event in events))
        return Output()


class OperatorAlerts(Consumer[PartnerEndpointDisabled]):
    """Mails operators what they must act on (once per alert: the event id is the idempotency key)."""

    name = "notifier-operator-alerts"
    topic = OPERATOR_ALERTS
    attempts = None  # an operator must be told

    async def handle(self, events: list[Envelope[PartnerEndpointDisabled]]) -> Output:
        for event in events:
            if settings.operator_email is None:
                log.warning("operator alert not mailed: no operator_email", extra={"alert": event.data.model_dump(
                    mode="json")})
                continue
            note = operator_alerts.endpoint_disabled(event.data, event.id, settings.operator_email,
                                                     settings.public_url)
            await run_sync(notifier.deliver, note, now())
        return Output()


class Unsubscribes(Consumer[HelperChanged]):
    name = "notifier-unsubscribes"
    topic = PLEDGES_HELPERS
    types = ("helper.unsubscribed",)
    attempts = None  # an unsubscribe must never be skipped

    async def handle(self, events: list[Envelope[HelperChanged]]) -> Output:
        for event in events:
            await run_sync(service.unsubscribe, event.data.helper_id, now())
        return Output()


async def retry_due() -> None:
    try:
        await run_sync(notifier.retry_failed, now())
    except Exception:  # a failing timer would stop the whole worker; the next scan tries again
        log.exception("retry scan failed")


def main() -> None:
    connect(settings.mongo_url, settings.mongo_db)
    ensure_indexes()
    factory = EventFactory(settings.service_name, settings.public_url)
    attach(app, Deliveries(), factory)
    attach(app, UrgentDeliveries(), factory)
    attach(app, Unsubscribes(), factory)
    attach(app, OperatorAlerts(), factory)
    answers = PrivacyAnswers(settings.service_name, service.export_person, service.erase_person, factory, keys)
    attach(app, answers, factory)
    app.timer(settings.retry_scan_seconds)(retry_due)
    run_worker(app, settings)


if __name__ == "__main__":
    main()
