"""A late review times out and goes to another helper; replaying every recorded event of the pledges topics
(and their emails) assigns nothing twice and sends no email twice. A profile with a RESUME blocker is offered help."""

from __future__ import annotations

import datetime as dt
import time

import httpx
import pytest

from deploy.local.platform import Platform
from deploy.local.smtp_sink import read_messages
from services.pledges import matcher
from services.pledges.adapters import assignments, db, outbox
from services.pledges.config import PledgesSettings
from shared.kafka import make_producer
from shared.topics import NOTIFICATIONS
from shared.topics_pledges import PLEDGES_TOPICS
from tests.e2e.test_smoke import demo_profile
from tests.integration.pledges_support import (
    pledges_db,
    poll,
    sign_up_and_confirm,
    token_in,
    unique_email,
    upload,
    wait_mail,
)

pytestmark = [pytest.mark.integration, pytest.mark.e2e, pytest.mark.usefixtures(pledges_db.__name__)]
__all__ = ["pledges_db"]
LETTER = [{"kind": "HELP_COVER_LETTER", "capacity": 1}]


def reviews_of(document_id: str) -> list[dict[str, object]]:
    return list(db.reviews().find({"document_id": document_id}).sort("sent_at", 1))


def test_a_late_review_times_out_and_is_reassigned(platform: Platform) -> None:
    maildir, settings = platform.config.maildir, PledgesSettings(review_timeout_seconds=60)
    first, second, third = (unique_email(who) for who in ("late", "busy", "spare"))
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10) as client:
        first_id = sign_up_and_confirm(client, maildir, first, pledges=LETTER)
        sign_up_and_confirm(client, maildir, second, pledges=LETTER)
        uploaded = upload(client, unique_email("owner"), kind="COVER_LETTER")
        document_id = uploaded.json()["document_id"]
        late_token = token_in(wait_mail(maildir, first, "/api/v1/reviews/"), "/api/v1/reviews")
        late = next(r for r in poll(lambda: reviews_of(document_id)) if r["helper_id"] == first_id)

        sent_at = db.utc(late["sent_at"])  # type: ignore[arg-type]
        timeout = dt.timedelta(seconds=settings.review_timeout_seconds)
        assert late["_id"] not in assignments.due_reviews(sent_at + timeout / 2, timeout)
        assert late["_id"] in assignments.due_reviews(sent_at + timeout * 2, timeout)
        assert matcher.time_out(str(late["_id"]), sent_at + timeout * 2)
        assert not matcher.time_out(str(late["_id"]), sent_at + timeout * 2)  # once only

        assert client.get(f"/api/v1/reviews/{late_token}").status_code == 410
        sign_up_and_confirm(client, maildir, third, pledges=LETTER)
        wait_mail(maildir, third, "/api/v1/reviews/")
    states = sorted(str(r["state"]) for r in reviews_of(document_id))
    assert states == ["SENT", "SENT", "TIME_OUT"]


def test_help_is_offered_to_a_profile_with_a_resume_blocker(platform: Platform) -> None:
    email = unique_email("blocked")
    profile = demo_profile() | {"email": email, "frustrations": ["RESUME"]}
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10) as client:
        assert client.post("/api/v1/profiles", json=profile).status_code == 201
    assert "CV" in wait_mail(platform.config.maildir, email, "/api/v1/documents", timeout=60)


def test_replaying_every_event_assigns_nothing_twice_and_sends_no_email_twice(platform: Platform) -> None:
    topics = [spec.name for spec in PLEDGES_TOPICS] + [NOTIFICATIONS.name]
    history = outbox.recorded(topics)
    assert any(topic == NOTIFICATIONS.name for topic, _, _ in history)
    poll(lambda: db.outbox().count_documents({"relayed": False}) == 0, what="the outbox drained")
    time.sleep(1.0)  # the last emails of earlier tests leave the notifier
    counts = (db.reviews().count_documents({}), db.coffees().count_documents({}), len(read_messages(
        platform.config.maildir)))

    producer = make_producer(platform.config.bootstrap_servers)
    for topic, key, value in history:
        producer.send(topic, key=key, value=value)
    producer.flush(timeout=30)
    producer.close()
    # Let the worker and the notifier go through the whole replay: both consume every partition in order.
    time.sleep(6.0)
    assert (db.reviews().count_documents({}), db.coffees().count_documents({}), len(read_messages(
        platform.config.maildir))) == counts
