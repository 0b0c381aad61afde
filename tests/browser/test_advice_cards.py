"""Expanded advice cards and the local-market page in headless Chromium for three personas (profiles posted through
the API by people signed in from their emailed link): each opens three cards and finds steps for their job and city,
close jobs or départements by name with figures, templates, rights and resources; then their market page, its chart
and figures. Screenshots on a desktop and a phone."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from deploy.local.platform import Platform
from tests.browser.support import DESKTOP, PHONE, Shoot, unique_email, watch_errors
from tests.support import bearer, poll_ready, sign_in

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

NewContext = Callable[[], BrowserContext]
SLOW = 60_000


def days_ago(days: int) -> str:
    return (dt.date.today() - dt.timedelta(days=days)).isoformat()


@dataclass(frozen=True)
class Persona:
    name: str
    profile: dict[str, Any]
    cards: dict[str, tuple[str, str]]  # module id -> (section kind it must show, a text it must contain)
    market_figure: str  # their département's figure, as the market page says it
    # The seed's (synthetic) details their market page lists first: the most used hiring channel, the most offered
    # contract and the hiring projects of the BMO survey.
    first_channel: str
    first_contract: str
    hiring_projects: str


SETTLED = {"passion_level": "PASSIONATING_JOB", "has_clear_project": True, "training_fulfillment": "ENOUGH_DIPLOMAS",
           "seniority": "INTERMEDIARY", "weekly_applications": "SOME", "has_resume": True}

PERSONAS = (
    Persona(
        "cashier-toulouse",  # 31 D1505: 3 offers per 10 candidates; close jobs and départements do better
        {"year_of_birth": 1985, "highest_degree": "BAC_BACPRO", "projects": [{
            "target_job": {"rome_code": "D1505"}, "city": {"name": "Toulouse", "departement_id": "31"},
            "mobility_area": "CITY", "job_search_started_at": days_ago(250), "total_interview_count": 3,
            "network_estimate": 2, **SETTLED}]},
        {
            "reorient-to-close-job": ("jobs", "« Mise en rayon libre-service »"),
            "commute": ("places", "le Lot (46)"),
            "spontaneous-application": ("template", "à Toulouse"),
        },
        "3 offres pour 10 candidats",
        "Candidature spontanée : 49 %",
        "CDI : 39 %",
        "Projets de recrutement cette année : 296",
    ),
    Persona(
        "handler-lyon",  # 69 N1105, a disability, discrimination about their origins, ready to move in the region
        {"year_of_birth": 1979, "highest_degree": "CAP_BEP", "has_handicap": True,
         "frustrations": ["RACE_DISCRIMINATION"], "projects": [{
             "target_job": {"rome_code": "N1105"}, "city": {"name": "Lyon", "departement_id": "69"},
             "mobility_area": "REGION", "job_search_started_at": days_ago(200), "total_interview_count": 2,
             "network_estimate": 1, **SETTLED}]},
        {
            "fight-discrimination": ("rights", "L1132-1"),
            "needs-for-handicap": ("resources", "Agefiph"),
            "relocate": ("places", "le Puy-de-Dôme (63)"),
        },
        "1,4 offre pour 10 candidats",
        "Agences d'intérim et de recrutement : 55 %",
        "CDI : 50 %",
        "Projets de recrutement cette année : 1452",
    ),
    Persona(
        "young-clerk-lille",  # 59 M1602, 22 years old, no diploma, a weak network
        {"year_of_birth": dt.date.today().year - 22, "highest_degree": "NO_DEGREE", "frustrations": ["EXPERIENCE"],
         "projects": [{
             "target_job": {"rome_code": "M1602"}, "city": {"name": "Lille", "departement_id": "59"},
             "mobility_area": "DEPARTEMENT", "job_search_started_at": days_ago(100), "total_interview_count": 1,
             "network_estimate": 1, **SETTLED}]},
        {
            "civic-service": ("resources", "Service civique"),
            "network-application-weak": ("template", "« Opérations administratives »"),
            "reorient-to-close-job": ("jobs", "« Secrétariat »"),
        },
        "1,8 offre pour 10 candidats",
        "Agences d'intérim et de recrutement : 56 %",
        "CDI : 31 %",
        "Projets de recrutement cette année : 776",
    ),
)


def signed_in_with_profile(platform: Platform, body: dict[str, Any]) -> dict[str, Any]:
    """A job seeker signed in from their emailed link, whose profile is posted and advised."""
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10) as client:
        email = unique_email("cards")
        tokens = sign_in(client, platform.config.maildir, email)
        created = client.post("/api/v1/profiles", json={**body, "email": email},
                              headers=bearer(tokens["access_token"]))
        assert created.status_code == 201, created.text
        client.headers.update(bearer(tokens["access_token"]))
        poll_ready(client, f"/api/v1/profiles/{created.json()['profile_id']}/advice")
    return tokens


def open_advice(page: Page, base: str, tokens: dict[str, Any]) -> None:
    session = {key: tokens[key] for key in ("access_token", "refresh_token", "account")}
    page.add_init_script(f"sessionStorage.setItem('bob.session', {json.dumps(json.dumps(session))});")
    page.goto(f"{base}/#/advice")
    expect(page.get_by_test_id("advice-item").first).to_be_visible(timeout=SLOW)


@pytest.mark.parametrize("persona", PERSONAS, ids=[p.name for p in PERSONAS])
def test_three_expanded_cards_fit_the_persona(
    platform: Platform, new_context: NewContext, shoot: Shoot, persona: Persona
) -> None:
    tokens = signed_in_with_profile(platform, persona.profile)
    page = new_context().new_page()
    errors = watch_errors(page)
    open_advice(page, platform.config.gateway_url, tokens)

    for module_id, (kind, text) in persona.cards.items():
        item = page.locator(f'[data-testid="advice-item"][data-module="{module_id}"]')
        expect(item).to_be_visible()
        card = item.get_by_test_id("advice-card")
        expect(card.locator("section").first).not_to_be_visible()  # folded until asked
        card.get_by_text("Que faire, et où").click()
        expect(card.locator('section[data-kind="steps"] li').first).to_be_visible()
        section = card.locator(f'section[data-kind="{kind}"]')
        expect(section).to_contain_text(text)
        assert not re.search(r"\b[A-N]\d{4}\b(?!-)", card.inner_text()), module_id  # jobs by name, never by code
    shoot(page, f"{persona.name}-cards")

    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{persona.name}: the cards scroll sideways on a phone ({width}px)"
    shoot(page, f"{persona.name}-cards-phone")
    page.set_viewport_size(DESKTOP)

    page.get_by_role("button", name="Switch to English").click()
    expect(page.get_by_text("What to do, and where").first).to_be_visible()
    shoot(page, f"{persona.name}-cards-english")
    page.get_by_role("button", name="Passer en français").click()

    # The local market: the person's figure, the region's départements by name in a chart and a list.
    page.get_by_role("link", name="Voir mon marché local").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre marché local", timeout=SLOW)
    own = persona.market_figure
    expect(page.get_by_test_id("market-own")).to_have_text(own)
    expect(page.get_by_test_id("market-chart").locator("canvas")).to_be_visible()
    places = page.get_by_test_id("market-places")
    expect(places.locator("li.own")).to_contain_text(own)
    assert places.locator("li").count() >= 2
    assert not re.search(r"\b[A-N]\d{4}\b(?!-)", page.locator("main").inner_text())
    expect(page.get_by_test_id("market-synthetic")).to_be_visible()  # the seed's figures are not statistics
    # Every channel's share, the contract mix and the hiring intentions, each list led by its largest figure.
    for test_id, count, first in (("market-channels", 4, persona.first_channel),
                                  ("market-contracts", 4, persona.first_contract),
                                  ("market-intentions", 3, persona.hiring_projects)):
        items = page.get_by_test_id(test_id).locator("li")
        expect(items).to_have_count(count)
        expect(items.first).to_have_text(first)
    shoot(page, f"{persona.name}-market")
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{persona.name}: the market page scrolls sideways on a phone ({width}px)"
    shoot(page, f"{persona.name}-market-phone")
    assert errors.messages == []
