"""The coaching email's own unsubscribe link, in the browser: the page says what stops (coaching) and what goes on
(the surveys), and only its button unsubscribes. The email is decided at its first due time by the followup
service's own scheduler (as test_survey_page.py); the notifier, the link, the page and the API are the real ones."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import httpx
import pytest
from playwright.sync_api import BrowserContext, expect

from deploy.local.platform import Platform
from services.followup.config import FollowupSettings
from services.followup.domain.coaching.schedule import plan_coaching
from services.followup.entrypoints.deps import wire
from services.followup.service.scheduler import Scheduler, coaching_state
from tests.browser.support import Shoot, unique_email, wait_for_link, watch_errors
from tests.support import access_token, bearer, ensure_person_key, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.e2e]
NewContext = Callable[[], BrowserContext]
COACHING_LINK = r"http://[^\s]+/#/unsubscribe/coaching/[A-Za-z0-9_.\-]+"


def test_the_coaching_link_stops_coaching_and_says_the_surveys_continue(
    platform: Platform, new_context: NewContext, shoot: Shoot
) -> None:
    pid, email = uuid.uuid4().hex, unique_email("web-coaching")
    profile = {"email": email, "year_of_birth": 1990, "locale": "fr", "coaching_emails": "WEEKLY",
               "projects": [{"target_job": {"rome_code": "M1607"}, "city": {"name": "Nantes", "departement_id": "44"},
                             "job_search_started_at": (dt.date.today() - dt.timedelta(days=30)).isoformat()}]}
    ensure_person_key(pid)  # as signing in does
    created = httpx.post(f"{platform.config.gateway_url}/api/v1/profiles", json=profile,
                         headers=bearer(access_token(pid)), timeout=10)
    assert created.status_code == 201, created.text

    followup = platform.kafka("followup")  # in the followup service's place, with its principal
    deps = wire(FollowupSettings(
        mongo_url=platform.config.mongo_url, public_url=platform.config.gateway_url,
        kafka_bootstrap_servers=followup.bootstrap_servers, kafka_username=followup.username,
        kafka_password=followup.password))
    store = deps.store
    try:
        person = wait_for("the followup worker to sign the person up", lambda: store.person(pid))
        due = plan_coaching(coaching_state(person), person["signed_up_at"]).next_check
        assert due is not None
        entries = Scheduler(store, deps.outbox, deps.factory, deps.settings).plan_people([person], due)
        assert deps.relay.relay(entries) == len(entries)
    finally:
        deps.relay.close()

    page = new_context().new_page()
    errors = watch_errors(page)
    page.goto(wait_for_link(platform.config.maildir, email, COACHING_LINK))
    expect(page.get_by_text("Les questionnaires de suivi continuent")).to_be_visible()
    assert store.person(pid)["coaching_unsubscribed_at"] is None  # type: ignore[index]  # opening changes nothing
    shoot(page, "coaching-unsubscribe-asked")
    page.get_by_role("button", name="Me désinscrire").click()
    expect(page.get_by_test_id("unsubscribe-result")).to_contain_text("les e-mails de conseils sont arrêtés")
    shoot(page, "coaching-unsubscribe-done")
    after = store.person(pid)
    assert after is not None
    assert after["coaching_unsubscribed_at"] is not None
    assert after["unsubscribed_at"] is None  # the surveys continue
    assert errors.messages == []
