"""The notifier against FerretDB: once per key, never to an unsubscribed person, failures kept and retried."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from services.pledges import notifier
from services.pledges.adapters import db
from services.pledges.adapters.helpers_repo import email_hash
from services.pledges.config import PledgesSettings
from shared.mongo import as_utc
from shared.schemas.notification import NotificationRequested
from tests.integration.pledges_support import pledges_db, unique_email

pytestmark = [pytest.mark.integration, pytest.mark.e2e, pytest.mark.usefixtures(pledges_db.__name__)]
__all__ = ["pledges_db"]
SETTINGS = PledgesSettings(notifier_send_attempts=2)
NOW = dt.datetime.now(dt.UTC)


def note(to: str | None = None) -> NotificationRequested:
    return NotificationRequested(idempotency_key=uuid.uuid4().hex, recipient_id=uuid.uuid4().hex,
                                 to=to or unique_email("n"), subject="s", text="t", category="test")


def test_each_key_is_sent_once() -> None:
    sent: list[str] = []
    one = note()
    assert notifier.deliver(one, lambda n: sent.append(n.to), NOW, SETTINGS) == "sent"
    assert notifier.deliver(one, lambda n: sent.append(n.to), NOW, SETTINGS) == "duplicate"
    assert sent == [one.to]


def test_an_unsubscribed_person_gets_nothing() -> None:
    one = note()
    db.unsubscribed().insert_one({"_id": email_hash(one.to.upper())})
    assert notifier.deliver(one, lambda n: pytest.fail("sent"), NOW, SETTINGS) == "skipped"


def test_a_failed_send_is_kept_and_retried_with_backoff() -> None:
    def refuse(_: NotificationRequested) -> None:
        raise ConnectionRefusedError

    one = note()
    assert notifier.deliver(one, refuse, NOW, SETTINGS) == "failed"
    record = db.notifications().find_one({"_id": one.idempotency_key})
    assert record is not None
    assert (record["state"], record["attempts"]) == ("FAILED", 2)
    sent: list[str] = []
    assert notifier.retry_failed(lambda n: sent.append(n.idempotency_key), NOW, SETTINGS) == 0  # not due yet
    later = as_utc(record["next_attempt_at"]) + dt.timedelta(seconds=1)
    notifier.retry_failed(lambda n: sent.append(n.idempotency_key), later, SETTINGS)
    assert one.idempotency_key in sent
    assert db.notifications().find_one({"_id": one.idempotency_key})["state"] == "SENT"  # type: ignore[index]
