"""Issue 16 on a phone, in headless Chromium against the whole platform: the stepped onboarding with a hint after
each step, resumed on another device from its server-side draft; the person's guess of their main difficulty
answered by the diagnosis page; agreeing or not with it; stars on a piece of advice and a note (the feedback then
read back through the API); and an action plan: a strategy picked, an action done."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from deploy.local.platform import Platform
from tests.browser.support import (
    PHONE,
    STEP_TIMEOUT,
    Shoot,
    fill_holds_back,
    fill_project,
    fill_search,
    fill_you,
    next_step,
    unique_email,
    watch_errors,
)
from tests.browser.test_web_client import sign_in
from tests.support import bearer

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

NewContext = Callable[[], BrowserContext]
SLOW = 60_000  # ms: results go through Kafka and the workers
GUESS = "Il y a trop peu d'offres pour trop de candidats"
NOTE = "Je ne savais pas que le réseau comptait autant."


def phone(new_context: NewContext) -> Page:
    page = new_context().new_page()
    page.set_viewport_size(PHONE)
    return page


def fits(page: Page, name: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name} scrolls sideways on a phone: {width}px wide"


def test_a_seeker_onboards_in_steps_on_a_phone_gives_feedback_and_acts(
    platform: Platform, new_context: NewContext, shoot: Shoot
) -> None:
    base, maildir = platform.config.gateway_url, platform.config.maildir
    email = unique_email("web-steps")

    # First device: the first two steps, each followed by its hint.
    first = phone(new_context)
    first_errors = watch_errors(first)
    first.goto(f"{base}/")
    sign_in(first, maildir, email, "Je cherche un emploi", shoot, "steps")
    expect(first.get_by_test_id("step-count")).to_have_text("Étape 1 sur 5", timeout=SLOW)
    expect(first.get_by_label("Adresse e-mail")).to_have_value(email)
    fits(first, "step 1")
    shoot(first, "step-1-phone")
    first.get_by_label("Année de naissance").fill("1800")
    first.get_by_role("button", name="Enregistrer et continuer").click()
    expect(first.get_by_text("La valeur doit être au moins 1920.")).to_be_visible()
    fill_you(first)
    next_step(first, 2)
    expect(first.get_by_test_id("step-hint")).to_contain_text("Merci")
    fill_project(first)
    next_step(first, 3)
    expect(first.get_by_test_id("market-hint")).to_contain_text(
        re.compile(r"Dans votre département, la Haute-Garonne \(31\), il y a [\d.]+ offres pour 10 candidats"))
    fits(first, "step 3")
    shoot(first, "step-3-hint-phone")

    # Another device: signed in again, the onboarding resumes at step 3 with what was saved.
    second = phone(new_context)
    errors = watch_errors(second)
    second.goto(f"{base}/")
    sign_in(second, maildir, email, "Je cherche un emploi", shoot, "steps-again")
    # No profile yet: signing in lands on the onboarding.
    expect(second.get_by_test_id("step-count")).to_have_text("Étape 3 sur 5", timeout=SLOW)
    second.get_by_role("button", name="Étape précédente").click()
    expect(second.get_by_label("Ville où vous cherchez")).to_have_value("Toulouse")
    next_step(second, 3)
    fill_search(second)
    next_step(second, 4)
    expect(second.get_by_test_id("step-hint")).to_contain_text("entretien")
    expect(second.get_by_role("group", name="Selon vous, quelle est votre principale difficulté ?")).to_be_visible()
    fill_holds_back(second, GUESS, note="Pas d'offres près de chez moi")
    fits(second, "step 4")
    shoot(second, "step-4-guess-phone")
    next_step(second, 5)
    second.get_by_label("Environ une fois par semaine").check()
    shoot(second, "step-5-emails-phone")
    second.get_by_role("button", name="Voir mon diagnostic").click()

    # The diagnosis answers the guess, and the person says whether the priority seems right.
    expect(second).to_have_url(re.compile(r"#/diagnosis$"))
    answer = second.get_by_test_id("guess-answer")
    expect(answer).to_be_visible(timeout=SLOW)
    expect(answer).to_contain_text(re.compile("Vous aviez vu juste|Vous pensiez : Un marché très encombré"))
    main = second.get_by_test_id("main-challenge").inner_text()
    if main != "Un marché très encombré":
        expect(answer).to_contain_text("Les données pointent plutôt vers")
        expect(answer).to_contain_text("Ce que disent les données")
    second.get_by_role("button", name="Pas vraiment").click()
    expect(second.get_by_test_id("challenge-feedback-status")).to_contain_text("Merci de nous le dire",
                                                                               timeout=SLOW)
    expect(second.get_by_role("button", name="Pas vraiment")).to_have_attribute("aria-pressed", "true")
    fits(second, "diagnosis")
    shoot(second, "diagnosis-guess-phone")

    # Stars on the first piece of advice, and a note.
    second.get_by_role("link", name="Voir mes conseils").click()
    first_advice = second.get_by_test_id("advice-item").first
    expect(first_advice).to_be_visible(timeout=SLOW)
    module_id = first_advice.get_attribute("data-module")
    first_advice.get_by_label("4 étoiles").check()
    expect(first_advice.get_by_role("status")).to_have_text("Merci, noté.", timeout=STEP_TIMEOUT)
    second.get_by_label("Votre remarque sur le diagnostic et les conseils").fill(NOTE)
    second.get_by_role("button", name="Envoyer ma remarque").click()
    expect(second.get_by_text("Merci, votre remarque est enregistrée.")).to_be_visible(timeout=STEP_TIMEOUT)
    fits(second, "advice")
    shoot(second, "advice-feedback-phone")

    # What the API now holds for this person, and the draft gone with the submission.
    session = second.evaluate("JSON.parse(sessionStorage.getItem('bob.session'))")
    me, person = bearer(session["access_token"]), session["account"]["account_id"]
    with httpx.Client(base_url=base, headers=me, timeout=10) as api:
        profile = api.get(f"/api/v1/profiles/{person}").json()["profile"]
        assert profile["self_diagnosis"] == {"challenge": "stuck-market", "note": "Pas d'offres près de chez moi"}
        assert profile["coaching_emails"] == "WEEKLY"
        assert profile["projects"][0]["city"]["name"] == "Toulouse"
        assert api.get("/api/v1/profiles/me/draft").status_code == 404
        items = api.get(f"/api/v1/profiles/{person}/feedback").json()["items"]
    assert {(i["kind"], i.get("agrees"), i.get("stars"), i.get("note")) for i in items} == {
        ("challenge", False, None, None), ("advice", None, 4, None), ("note", None, None, NOTE)}
    assert next(i for i in items if i["kind"] == "advice")["module_id"] == module_id

    # Back on the diagnosis, the answer given is remembered.
    second.get_by_role("link", name="Revenir à mon diagnostic").click()
    expect(second.get_by_role("button", name="Pas vraiment")).to_have_attribute("aria-pressed", "true",
                                                                                timeout=SLOW)

    # The action plan: a strategy picked, its first action kept and done.
    second.goto(f"{base}/#/plan")
    expect(second.get_by_role("heading", level=1)).to_have_text("Mon plan d'action", timeout=SLOW)
    strategy = second.get_by_test_id("plan-strategy").first
    strategy.get_by_role("radio").check()
    choices = second.get_by_test_id("plan-choice")
    expect(choices.first).to_be_visible()
    for index in range(1, choices.count()):
        choices.nth(index).get_by_role("checkbox").uncheck()
    action_id = choices.first.get_attribute("data-action")
    second.get_by_role("button", name="Enregistrer mon plan").click()
    action = second.locator(f'[data-testid="plan-action"][data-action="{action_id}"]')
    action.get_by_role("button", name="C'est fait").click()
    expect(action.get_by_test_id("plan-action-state")).to_have_text("Fait")
    expect(second.get_by_test_id("plan-progress")).to_contain_text("Actions faites : 1 sur 1")
    fits(second, "plan")
    shoot(second, "plan-done-phone")
    assert first_errors.messages == []
    assert errors.messages == []
