"""A late review times out and goes to another helper; replaying every recorded event of the pledges topics
(and their emails) assigns nothing twice and sends no email twice. A profile with a RESUME blocker is offered help."""

from __future__ import annotations

import datetime as dt
import time

import httpx
import pytest

from deploy.local.platform import Platform
from deploy.local.smtp_sink import read_messages
from services.pledges.adapters import assignments, db
from services.pledges.config import PledgesSettings
from services.pledges.service import matching
from shared.auth.tokens import Role
from shared.messaging.kafka import make_producer
from shared.mongo import as_utc
from shared.topics import NOTIFICATIONS, PLEDGES_TOPICS
from tests.e2e.test_smoke import demo_profile
from tests.integration.pledges_support import (
    person,
    pledges_db,
    poll,
    review_id_in,
    sign_up,
    unique_email,
    upload,
    wait_mail,
)
from tests.support import access_token, bearer, ensure_person_key, token_subject

pytestmark = [pytest.mark.integration, pytest.mark.e2e, pytest.mark.usefixtures(pledges_db.__name__)]
__all__ = ["pledges_db"]
LETTER = [{"kind": "HELP_COVER_LETTER", "capacity": 1}]


def reviews_of(document_id: str) -> list[dict[str, object]]:
    return list(db.reviews().find({"document_id": document_id}).sort("sent_at", 1))


def test_a_late_review_times_out_and_is_reassigned(platform: Platform) -> None:
    maildir, settings = platform.config.maildir, PledgesSettings(review_timeout_seconds=60)
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10) as client:
        first = sign_up(client, "late", pledges=LETTER)
        sign_up(client, "busy", pledges=LETTER)
        uploaded = upload(client, person("owner"), kind="COVER_LETTER")
        document_id = uploaded.json()["document_id"]
        late_id = review_id_in(wait_mail(maildir, first.email, "#/reviews/"))
        late = next(r for r in poll(lambda: reviews_of(document_id)) if r["helper_id"] == first.id)
        assert late["_id"] == late_id

        sent_at = as_utc(late["sent_at"])  # type: ignore[arg-type]
        timeout = dt.timedelta(seconds=settings.review_timeout_seconds)
        assert late["_id"] not in assignments.due_reviews(sent_at + timeout / 2, timeout)
        assert late["_id"] in assignments.due_reviews(sent_at + timeout * 2, timeout)
        assert matching.time_out(str(late["_id"]), sent_at + timeout * 2, settings)
        assert not matching.time_out(str(late["_id"]), sent_at + timeout * 2, settings)  # once only

        # The late helper still sees what became of it, but the document and the answer are closed to them.
        path = f"/api/v1/reviews/{late_id}"
        assert client.get(path, headers=first.auth).json()["state"] == "TIME_OUT"
        assert client.get(f"{path}/document", headers=first.auth).status_code == 410
        assert client.post(path, json={"text": "too late for this one"}, headers=first.auth).status_code == 410
        third = sign_up(client, "spare", pledges=LETTER)
        wait_mail(maildir, third.email, "#/reviews/")
    states = sorted(str(r["state"]) for r in reviews_of(document_id))
    assert states == ["SENT", "SENT", "TIME_OUT"]


def test_help_is_offered_to_a_profile_with_a_resume_blocker(platform: Platform) -> None:
    email = unique_email("blocked")
    profile = demo_profile() | {"email": email, "frustrations": ["RESUME"]}
    token = access_token(None, Role.JOB_SEEKER, email=email)
    ensure_person_key(token_subject(token))
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10) as client:
        created = client.post("/api/v1/profiles", json=profile, headers=bearer(token))
        assert created.status_code == 201, created.text
    assert "CV" in wait_mail(platform.config.maildir, email, "/#/help", timeout=60)


def test_replaying_every_event_assigns_nothing_twice_and_sends_no_email_twice(platform: Platform) -> None:
    topics = [spec.name for spec in PLEDGES_TOPICS] + [NOTIFICATIONS.name]
    history = db.OUTBOX.recorded(topics)
    assert any(topic == NOTIFICATIONS.name for topic, _, _ in history)
    # An entry whose state write lost a race stays until the relay drops it as an orphan (ORPHAN_AGE: a minute).
    poll(lambda: db.OUTBOX.count() == 0, timeout=120, what="the outbox drained")
    time.sleep(1.0)  # the last emails of earlier tests leave the notifier
    counts = (db.reviews().count_documents({}), db.coffees().count_documents({}), len(read_messages(
        platform.config.maildir)))

    producer = make_producer(platform.kafka())
    for topic, key, value in history:
        producer.send(topic, key=key, value=value)
    producer.flush(timeout=30)
    producer.close()
    # Let the worker and the notifier go through the whole replay: both consume every partition in order.
    time.sleep(6.0)
    assert (db.reviews().count_documents({}), db.coffees().count_documents({}), len(read_messages(
        platform.config.maildir))) == counts
