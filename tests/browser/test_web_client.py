"""The web client end to end, in headless Chromium against the whole platform: a job seeker signs up from the
emailed magic link, fills the profile, reads the diagnosis and advice and sends a CV for review; a helper signs
up, pledges CV reviews, reviews it from the emailed link; the seeker reads the review. Every page is screenshot."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pymongo
import pytest
from playwright.sync_api import BrowserContext, Page, expect
from pymongo.collection import Collection

from deploy.local.platform import Platform
from shared.auth.tokens import Role
from shared.messaging.access import KafkaAccess
from tests.browser.support import (
    DESKTOP,
    PHONE,
    Shoot,
    next_step,
    onboard,
    unique_email,
    wait_for_erasure,
    wait_for_link,
    watch_errors,
)
from tests.support import access_token, bearer, ensure_person_key

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

NewContext = Callable[[], BrowserContext]
SIGN_IN_LINK = r"http://[^\s]+/#/sign-in\?token=[A-Za-z0-9_.\-]+"
REVIEW_LINK = r"http://[^\s]+/#/reviews/[A-Za-z0-9_.\-]+"
CV = "Camille Martin\nBoulangère, 6 ans d'expérience\nPains au levain, viennoiseries, gestion du four\n"
REVIEW = "Belle expérience ! Mettez le levain en avant dès la première ligne et chiffrez votre production."
SLOW = 60_000  # ms: results go through Kafka and the workers


def sign_in(page: Page, maildir: Path, email: str, role: str, shoot: Shoot, who: str) -> None:
    """From the home page: ask for a magic link, then open it from the email."""
    page.get_by_label("Votre adresse e-mail").fill(email)
    page.get_by_label(role).check()
    page.get_by_role("button", name="Recevoir mon lien de connexion").click()
    expect(page.get_by_role("status").filter(has_text="C'est envoyé")).to_be_visible()
    shoot(page, f"{who}-link-sent")
    page.goto(wait_for_link(maildir, email, SIGN_IN_LINK))
    expect(page).not_to_have_url(re.compile(r"token="))  # the one-time token leaves the address bar


def check_phone_layout(page: Page, shoot: Shoot, name: str) -> None:
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name} scrolls sideways on a phone: {width}px wide"
    shoot(page, f"{name}-phone")
    page.set_viewport_size(DESKTOP)


def test_a_seeker_gets_a_cv_review_from_a_helper(
    platform: Platform, kafka_bootstrap: KafkaAccess, new_context: NewContext, shoot: Shoot
) -> None:
    base, maildir = platform.config.gateway_url, platform.config.maildir
    seeker_email, helper_email = unique_email("web-seeker"), unique_email("web-helper")

    # The job seeker signs up from the magic link and lands on the profile form (no profile yet).
    seeker = new_context().new_page()
    seeker_errors = watch_errors(seeker)
    seeker.goto(f"{base}/")
    expect(seeker.get_by_role("heading", level=1)).to_have_text("Retrouver un emploi, avec Bob")
    shoot(seeker, "seeker-home")
    sign_in(seeker, maildir, seeker_email, "Je cherche un emploi", shoot, "seeker")
    expect(seeker.get_by_role("heading", level=1)).to_have_text("Votre profil", timeout=SLOW)
    expect(seeker.get_by_label("Adresse e-mail")).to_have_value(seeker_email)
    shoot(seeker, "seeker-onboarding")

    check_phone_layout(seeker, shoot, "seeker-onboarding")
    onboard(seeker)

    # Diagnosis, then advice.
    expect(seeker).to_have_url(re.compile(r"#/diagnosis$"))
    expect(seeker.get_by_test_id("main-challenge")).to_be_visible(timeout=SLOW)
    expect(seeker.get_by_role("heading", name="Les étapes de votre recherche")).to_be_visible()
    if seeker.get_by_test_id("employability").count():
        expect(seeker.get_by_test_id("employability")).to_contain_text("sur 10")
    shoot(seeker, "seeker-diagnosis")
    seeker.get_by_role("link", name="Voir mes conseils").click()
    expect(seeker.get_by_test_id("advice-item").first.or_(seeker.get_by_test_id("advice-withheld"))).to_be_visible(
        timeout=SLOW)
    shoot(seeker, "seeker-advice")

    # Help page: send a CV for review, and ask for a coffee.
    seeker.get_by_role("link", name="Aide de bénévoles").click()
    expect(seeker.get_by_role("heading", level=1)).to_have_text("L'aide des bénévoles")
    seeker.get_by_label("Votre fichier").set_input_files(
        {"name": "cv-camille.txt", "mimeType": "text/plain", "buffer": CV.encode()})
    seeker.get_by_role("button", name="Envoyer pour relecture").click()
    expect(seeker.get_by_text("Document envoyé.")).to_be_visible()
    expect(seeker.get_by_test_id("document")).to_have_count(1)
    seeker.get_by_label("Oui, je veux prendre un café").check()
    seeker.get_by_role("button", name="Enregistrer mon choix").click()
    expect(seeker.get_by_test_id("coffee-state")).to_have_text(re.compile("Demande enregistrée|Quelqu'un a accepté"))
    shoot(seeker, "seeker-help-cv-sent")

    # A helper signs up and pledges CV reviews.
    helper = new_context().new_page()
    helper_errors = watch_errors(helper)
    helper.goto(f"{base}/")
    sign_in(helper, maildir, helper_email, "Je veux aider", shoot, "helper")
    expect(helper.get_by_role("heading", level=1)).to_have_text("Mes relectures", timeout=SLOW)
    expect(helper.get_by_text("Vous ne vous êtes pas encore engagé ou engagée.")).to_be_visible()
    shoot(helper, "helper-not-pledged-yet")
    helper.get_by_role("link", name="Mon engagement", exact=True).click()
    expect(helper.get_by_role("heading", level=1)).to_have_text("Je m'engage")
    helper.get_by_label("Votre prénom et nom").fill("Alex Dupont")
    helper.get_by_label("Relire des CV").check()
    helper.get_by_label("Commerce, vente et grande distribution").check()
    helper.get_by_label("Ville", exact=True).fill("Toulouse")
    helper.get_by_label("Département", exact=True).fill("31")
    shoot(helper, "helper-pledge-form")
    helper.get_by_role("button", name="Je m'engage").click()
    expect(helper).to_have_url(re.compile(r"#/helper/reviews$"))

    # The helper opens the review from the email, reads the CV and sends a review.
    helper.goto(wait_for_link(maildir, helper_email, REVIEW_LINK))
    expect(helper.get_by_role("heading", level=1)).to_have_text("Relecture – CV")
    expect(helper.get_by_test_id("document-preview")).to_contain_text("Pains au levain")
    shoot(helper, "helper-review")
    helper.get_by_label("Votre relecture").fill(REVIEW)
    helper.get_by_role("button", name="Envoyer ma relecture").click()
    expect(helper.get_by_test_id("review-thanks")).to_be_visible()
    shoot(helper, "helper-review-sent")
    helper.get_by_role("link", name="Mes relectures").first.click()
    expect(helper.get_by_test_id("helper-review").filter(has_text="Relecture envoyée")).to_have_count(1)
    shoot(helper, "helper-reviews")

    # The seeker reads it on the help page (which refreshes by itself).
    expect(seeker.get_by_test_id("review-text")).to_have_text(REVIEW, timeout=SLOW)
    shoot(seeker, "seeker-review-received")

    # Then leaves: erasing the account withdraws the CV, which could still get a second review, from matching
    # (the platform is shared with the tests that follow).
    person = seeker.evaluate("JSON.parse(sessionStorage.getItem('bob.session')).account.account_id")
    seeker.get_by_role("link", name="Mon compte").click()
    seeker.get_by_role("button", name="Supprimer mon compte…").click()
    seeker.get_by_role("button", name="Oui, tout effacer").click()
    expect(seeker.get_by_role("heading", level=1)).to_have_text("Retrouver un emploi, avec Bob")
    wait_for_erasure(kafka_bootstrap, person, "pledges")

    assert seeker_errors.messages == []
    assert helper_errors.messages == []


def test_the_language_toggle_switches_in_place_and_is_remembered(
    platform: Platform, new_context: NewContext, shoot: Shoot
) -> None:
    page = new_context().new_page()
    errors = watch_errors(page)
    page.goto(f"{platform.config.gateway_url}/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_label("Votre adresse e-mail").fill("someone@example.org")
    page.get_by_role("button", name="Switch to English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Get back to work, with Bob")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_label("Your email address")).to_have_value("someone@example.org")  # nothing re-rendered
    shoot(page, "home-english")
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Get back to work, with Bob")
    page.get_by_role("button", name="Passer en français").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Retrouver un emploi, avec Bob")
    assert errors.messages == []


def test_a_forged_survey_link_is_refused_kindly(platform: Platform, new_context: NewContext, shoot: Shoot) -> None:
    page = new_context().new_page()
    page.goto(f"{platform.config.gateway_url}/#/survey/not-a-real-survey-token?answer=still-seeking")
    expect(page.get_by_test_id("survey-result")).to_have_text(re.compile("Ce lien n'est pas valide"))
    expect(page).not_to_have_url(re.compile("answer="))
    shoot(page, "survey-invalid-link")


def test_the_account_page_exports_signs_out_and_erases(
    platform: Platform, new_context: NewContext, shoot: Shoot
) -> None:
    base, maildir = platform.config.gateway_url, platform.config.maildir
    email = unique_email("web-account")
    page = new_context().new_page()
    errors = watch_errors(page)
    page.goto(f"{base}/")
    sign_in(page, maildir, email, "Je cherche un emploi", shoot, "account")
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre profil", timeout=SLOW)
    page.get_by_label("Année de naissance").fill("1990")
    next_step(page, 2)

    # The job title combobox works with the keyboard alone.
    job = page.get_by_role("combobox", name="Métier recherché")
    job.press_sequentially("boulang", delay=30)
    expect(job).to_have_attribute("aria-expanded", "true")
    job.press("ArrowDown")
    expect(job).to_have_attribute("aria-activedescendant", re.compile(".+"))
    job.press("Enter")
    expect(job).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_text(re.compile(r"Métier choisi : .+ \([A-N]\d{4}\)"))).to_be_visible()

    # An access token the API refuses is refreshed once, transparently (the refresh token rotates).
    before = page.evaluate("JSON.parse(sessionStorage.getItem('bob.session'))")
    page.evaluate("""() => {
        const session = JSON.parse(sessionStorage.getItem('bob.session'));
        sessionStorage.setItem('bob.session', JSON.stringify({...session, access_token: 'not-a-valid-token'}));
    }""")
    page.get_by_role("link", name="Mon diagnostic").click()
    page.wait_for_function("""() => {
        const session = JSON.parse(sessionStorage.getItem('bob.session'));
        return !session || session.access_token !== 'not-a-valid-token';
    }""")
    expect(page).to_have_url(re.compile(r"#/onboarding$"))  # still signed in, and no profile yet: the form again
    after = page.evaluate("JSON.parse(sessionStorage.getItem('bob.session'))")
    assert after["access_token"] not in {"not-a-valid-token", before["access_token"]}
    assert after["refresh_token"] != before["refresh_token"]

    page.get_by_role("link", name="Mon compte").click()
    expect(page.get_by_test_id("account-email")).to_have_text(email)
    page.get_by_role("button", name="Préparer mon fichier").click()
    download_button = page.get_by_test_id("export-download")
    expect(download_button).to_be_visible(timeout=2 * SLOW)  # every service answers through Kafka
    with page.expect_download() as download:
        download_button.click()
    assert download.value.suggested_filename.endswith(".json")
    shoot(page, "account-export-ready")

    page.get_by_role("button", name="Me déconnecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Retrouver un emploi, avec Bob")
    page.goto(f"{base}/#/account")  # signed out: back to the sign-in form
    expect(page.get_by_label("Votre adresse e-mail")).to_be_visible()

    sign_in(page, maildir, email, "Je cherche un emploi", shoot, "account-again")
    page.get_by_role("link", name="Mon compte").click()
    page.get_by_role("button", name="Supprimer mon compte…").click()
    expect(page.get_by_text("Êtes-vous sûr ou sûre ?")).to_be_focused()
    shoot(page, "account-erase-confirm")
    page.get_by_role("button", name="Oui, tout effacer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Retrouver un emploi, avec Bob")
    assert page.evaluate("sessionStorage.getItem('bob.session')") is None
    assert errors.messages == []


def test_a_helper_unsubscribes_from_the_emailed_link(platform: Platform, new_context: NewContext, shoot: Shoot) -> None:
    """The link opens a page; only the button unsubscribes (mail scanners follow links)."""
    email = unique_email("web-unsubscribe")
    helper_id = uuid.uuid4().hex
    ensure_person_key(helper_id)  # as signing in does
    pledge = {"name": "Sam", "remote": True, "domains": ["K"], "pledges": [{"kind": "HELP_COFFEE", "capacity": 1}]}
    signed_up = httpx.post(f"{platform.config.gateway_url}/api/v1/helpers", json=pledge, timeout=10,
                           headers=bearer(access_token(helper_id, Role.HELPER, email=email)))
    assert signed_up.status_code == 201, signed_up.text
    link = wait_for_link(platform.config.maildir, email, r"http://[^\s]+/#/unsubscribe/helper/[A-Za-z0-9_.\-]+")
    page = new_context().new_page()
    errors = watch_errors(page)
    page.goto(link)
    expect(page.get_by_role("button", name="Me désinscrire")).to_be_visible()
    mongo: pymongo.MongoClient[dict[str, Any]]
    with pymongo.MongoClient(platform.config.mongo_url) as mongo:
        helpers: Collection[dict[str, Any]] = mongo["bob_pledges"]["helpers"]
        assert helpers.find_one({"_id": helper_id}, {"unsubscribed": 1}) == {"_id": helper_id, "unsubscribed": False}
        shoot(page, "unsubscribe-asked")
        page.get_by_role("button", name="Me désinscrire").click()
        expect(page.get_by_test_id("unsubscribe-result")).to_have_text(re.compile("C'est fait"))
        shoot(page, "unsubscribe-done")
        assert helpers.find_one({"_id": helper_id}, {"unsubscribed": 1}) == {"_id": helper_id, "unsubscribed": True}
    assert errors.messages == []
