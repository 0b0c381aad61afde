"""The action plan page on a phone, in headless Chromium: from the advice page a person opens their plan, picks a
strategy, keeps an action with a date, marks it done, sees the progress and hears it (live region), and emails the
plan to themselves."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext, expect

from deploy.local.platform import Platform
from tests.browser.support import PHONE, Shoot, unique_email, watch_errors
from tests.support import bearer, mail_text, poll_ready, sign_in

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

SLOW = 60_000
PROFILE = {
    "year_of_birth": 1985, "highest_degree": "BAC_BACPRO",
    "projects": [{"target_job": {"rome_code": "D1505"}, "city": {"name": "Toulouse", "departement_id": "31"},
                  "mobility_area": "CITY", "network_estimate": 2, "total_interview_count": 3,
                  "job_search_started_at": (dt.date.today() - dt.timedelta(days=250)).isoformat()}],
}


def test_pick_a_strategy_choose_an_action_mark_it_done_on_a_phone(
    platform: Platform, new_context: Callable[[], BrowserContext], shoot: Shoot
) -> None:
    email = unique_email("plan")
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10) as client:
        tokens: dict[str, Any] = sign_in(client, platform.config.maildir, email)
        created = client.post("/api/v1/profiles", json={**PROFILE, "email": email},
                              headers=bearer(tokens["access_token"]))
        assert created.status_code == 201, created.text
        client.headers.update(bearer(tokens["access_token"]))
        poll_ready(client, f"/api/v1/profiles/{created.json()['profile_id']}/advice")

    page = new_context().new_page()
    page.set_viewport_size(PHONE)
    errors = watch_errors(page)
    session = {key: tokens[key] for key in ("access_token", "refresh_token", "account")}
    page.add_init_script(f"sessionStorage.setItem('bob.session', {json.dumps(json.dumps(session))});")
    page.goto(f"{platform.config.gateway_url}/#/advice")
    page.get_by_test_id("advice-plan-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon plan d'action", timeout=SLOW)

    strategies = page.get_by_test_id("plan-strategy")
    assert 2 <= strategies.count() <= 4
    strategy = strategies.first
    title = strategy.locator("label").inner_text()
    strategy.get_by_role("radio").check()
    choices = page.get_by_test_id("plan-choice")
    expect(choices.first).to_be_visible()
    # Keep the first action only, for next week.
    for index in range(1, choices.count()):
        choices.nth(index).get_by_role("checkbox").uncheck()
    first = choices.first
    action_id = first.get_attribute("data-action")
    action_title = first.locator(".choice label").inner_text()
    next_week = dt.date.today() + dt.timedelta(days=7)
    first.get_by_label("Pour quand ? (facultatif)").fill(next_week.isoformat())
    shoot(page, "chooser-phone")
    page.get_by_role("button", name="Enregistrer mon plan").click()

    plan = page.get_by_test_id("plan")
    expect(plan.get_by_role("heading", level=2)).to_have_text(title)
    expect(page.get_by_test_id("plan-progress")).to_contain_text("Actions faites : 0 sur 1")
    action = page.locator(f'[data-testid="plan-action"][data-action="{action_id}"]')
    expect(action.get_by_test_id("plan-action-state")).to_have_text("À faire")
    shoot(page, "plan-phone")

    action.get_by_role("button", name="C'est fait").click()
    expect(action.get_by_test_id("plan-action-state")).to_have_text("Fait")
    expect(page.get_by_test_id("plan-progress")).to_contain_text("Actions faites : 1 sur 1")
    expect(page.locator("progress")).to_have_attribute("value", "1")
    expect(page.locator("#status")).to_have_text(f"Bravo : « {action_title} » est fait.")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the plan page scrolls sideways on a phone ({width}px)"
    shoot(page, "done-phone")

    # The plan survives a reload (it is the server's), and goes by email to the account's own address.
    page.reload()
    expect(page.get_by_test_id("plan-progress")).to_contain_text("Actions faites : 1 sur 1", timeout=SLOW)
    page.get_by_test_id("plan-email").click()
    expect(page.get_by_test_id("plan-notice")).to_have_text("C'est parti : votre plan arrive dans votre boîte mail.")
    assert "[fait]" in mail_text(platform.config.maildir, email, "/#/plan")
    assert errors.messages == []
