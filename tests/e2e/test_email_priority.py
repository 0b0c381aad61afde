"""People first: a sign-in link asked while a backlog of bulk emails drains reaches its owner before the backlog is
through (its own topic and agent in the notifier), and every bulk email still goes out exactly once."""

from __future__ import annotations

import uuid
from collections import Counter

import httpx
import pytest

from deploy.local.platform import Platform
from deploy.local.smtp_sink import read_messages
from shared.messaging.factory import EventFactory
from shared.messaging.kafka import make_producer, send
from shared.schemas.notification import Notification
from shared.topics import NOTIFICATIONS
from tests.support import ensure_person_key, mail_text, unique_email, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.e2e]
BULK = 600
PLEDGES = EventFactory("pledges", "https://bob.example")


def bulk_keys(platform: Platform, batch: str) -> list[str]:
    return [str(m["X-Bob-Idempotency-Key"]) for m in read_messages(platform.config.maildir)
            if str(m["X-Bob-Idempotency-Key"]).startswith(batch)]


def test_a_sign_in_link_overtakes_a_bulk_backlog(platform: Platform) -> None:
    batch = f"bulk-{uuid.uuid4().hex[:8]}"
    producer = make_producer(platform.kafka("pledges"))
    try:
        for i in range(BULK):
            person = uuid.uuid4().hex
            note = Notification(idempotency_key=f"{batch}:{i}", recipient_id=person, to=f"{batch}-{i}@example.org",
                                subject="Une offre d'aide", text="Une personne propose de relire votre CV.",
                                category="help-offer")
            _, event = PLEDGES.event(NOTIFICATIONS.event_types[0], person, note.sealed(ensure_person_key(person)),
                                     entity=note.idempotency_key)
            send(producer, NOTIFICATIONS.name, event)
        producer.flush(60)
    finally:
        producer.close()
    wait_for("the backlog to start draining", lambda: bulk_keys(platform, batch), timeout=120)

    email = unique_email("in-a-hurry")
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10) as client:
        asked = client.post("/api/v1/auth/magic-link", json={"email": email, "role": "job_seeker"})
    assert asked.status_code == 202
    mail_text(platform.config.maildir, email, "/#/sign-in?token=", timeout=120)
    wait_for("the whole backlog", lambda: len(bulk_keys(platform, batch)) >= BULK or None, timeout=600)

    # By the times the sink wrote them (reading the Maildir while it fills lags behind it).
    messages = read_messages(platform.config.maildir)
    [arrived] = [m.get_date() for m in messages if str(m["To"]) == email]
    bulk = [m.get_date() for m in messages if str(m["X-Bob-Idempotency-Key"]).startswith(batch)]
    assert sum(1 for at in bulk if at <= arrived) < BULK, "the sign-in link waited for the whole backlog"
    sent = Counter(bulk_keys(platform, batch))
    assert len(sent) == BULK
    assert set(sent.values()) == {1}, "each bulk email exactly once"
