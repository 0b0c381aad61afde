"""The follow-up survey behind the emailed links, in the browser. Surveys go out from day 6 after sign-up, so the
test plans this one person's survey at sign-up + 7 days with the service's own scheduler; the email, the notifier,
the links, the pages and the API are the real ones."""

from __future__ import annotations

import datetime as dt
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext, expect

from deploy.local.platform import Platform
from services.followup.adapters.store import Store
from services.followup.config import FollowupSettings
from services.followup.entrypoints.deps import wire
from services.followup.service.scheduler import Scheduler
from tests.browser.support import Shoot, unique_email, wait_for_link, watch_errors
from tests.support import access_token, bearer, ensure_person_key

pytestmark = [pytest.mark.integration, pytest.mark.e2e]
NewContext = Callable[[], BrowserContext]
ONE_CLICK = r"http://[^\s]+/#/survey/[A-Za-z0-9_.\-]+\?answer=still-seeking"


def signed_up(store: Store, pid: str, timeout: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (person := store.person(pid)) is not None:
            return person
        time.sleep(0.3)
    raise AssertionError("the followup worker did not sign the person up")


def test_a_job_seeker_answers_the_emailed_survey(
    platform: Platform, new_context: NewContext, shoot: Shoot
) -> None:
    pid, email = uuid.uuid4().hex, unique_email("web-survey")
    profile = {"email": email, "year_of_birth": 1984, "locale": "fr", "projects": [{
        "target_job": {"rome_code": "M1607"}, "city": {"name": "Nantes", "departement_id": "44"},
        "job_search_started_at": (dt.date.today() - dt.timedelta(days=60)).isoformat()}]}
    ensure_person_key(pid)  # as signing in does
    created = httpx.post(f"{platform.config.gateway_url}/api/v1/profiles", json=profile,
                         headers=bearer(access_token(pid)), timeout=10)
    assert created.status_code == 201, created.text

    followup = platform.kafka("followup")  # in the followup service's place, with its principal
    settings = FollowupSettings(mongo_url=platform.config.mongo_url, public_url=platform.config.gateway_url,
                                kafka_bootstrap_servers=followup.bootstrap_servers, kafka_username=followup.username,
                                kafka_password=followup.password)
    deps = wire(settings)
    store = deps.store
    person = signed_up(store, pid)
    week_later = person["signed_up_at"] + dt.timedelta(days=7)
    [entry] = Scheduler(store, deps.outbox, deps.factory, settings).plan_people([person], week_later)
    try:
        assert deps.relay.relay([entry]) == 1
    finally:
        deps.relay.close()

    page = new_context().new_page()
    errors = watch_errors(page)
    page.goto(wait_for_link(platform.config.maildir, email, ONE_CLICK))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page).not_to_have_url(re.compile("answer="))  # a reload must not answer twice
    shoot(page, "survey-one-click-recorded")
    page.get_by_label("Je cherche toujours").check()
    page.get_by_role("button", name=re.compile("Envoyer")).click()
    expect(page.get_by_test_id("survey-result")).to_be_visible()
    shoot(page, "survey-answered")

    answered = [a for a in store.answer_data() if a.get("profile_id") == pid]
    assert {a.get("step") for a in answered} >= {"click", "form"}, answered
    form = next(a["form"] for a in answered if a["step"] == "form")
    assert form["situation"] == "SEEKING"
    assert all(a["seeking"] for a in answered)
    assert errors.messages == []
