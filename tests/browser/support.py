"""Helpers of the browser tests: people, emails from the SMTP sink, page errors."""

from __future__ import annotations

import datetime as dt
import re
import time
import uuid
from collections.abc import Callable
from email.message import Message
from pathlib import Path
from typing import Any

from playwright.sync_api import ConsoleMessage, Page, ViewportSize, expect

from deploy.local.smtp_sink import read_messages
from shared.messaging.access import KafkaAccess
from shared.messaging.envelope import any_event
from shared.topics import PRIVACY_ANSWERS
from tests.support import npm_modules, read_topic

DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 375, "height": 812}

Shoot = Callable[[Page, str], Path]
AXE_CORE = ("axe-core", "4.14.1")
# WCAG 2.1 A and AA rules and axe's best practices; a violation of these impacts fails the test.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING_IMPACTS = frozenset({"serious", "critical"})
_axe_source: list[str] = []


class PageErrors:
    """JavaScript errors and Content-Security-Policy violations seen by a page (failed API calls are expected:
    a 404 for a profile not yet created is how the client learns it must show the form)."""

    def __init__(self, page: Page) -> None:
        self.messages: list[str] = []
        page.on("pageerror", lambda error: self.messages.append(f"pageerror: {error}"))
        page.on("console", self._console)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and "Failed to load resource" not in message.text:
            self.messages.append(f"console: {message.text}")


def watch_errors(page: Page) -> PageErrors:
    return PageErrors(page)


def unique_email(who: str) -> str:
    return f"{who}-{uuid.uuid4().hex[:10]}@example.org"


def mail_text(message: Message) -> str:
    parts = [part for part in message.walk() if part.get_content_type() == "text/plain"]
    texts = []
    for part in parts:
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            texts.append(payload.decode(part.get_content_charset() or "utf-8"))
    return "\n".join(texts)


_given: set[str] = set()


def wait_for_link(maildir: Path, to: str, pattern: str, timeout: float = 60.0) -> str:
    """A link matching `pattern` in an email to `to` (the SMTP sink keeps every email in a Maildir), never one
    this function returned before: sign-in links work once, so signing in again needs the new email."""
    regex = re.compile(pattern)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in read_messages(maildir):
            if to in (message["To"] or ""):
                for link in regex.findall(mail_text(message)):
                    if link not in _given:
                        _given.add(link)
                        return str(link)
        time.sleep(0.25)
    raise AssertionError(f"no new email to {to} with a link matching {pattern!r} after {timeout}s")


def unlabelled_controls(page: Page) -> list[str]:
    """Form controls on screen that no label names (every input must have a <label>)."""
    found: list[str] = page.evaluate("""() => [...document.querySelectorAll('input, select, textarea')]
        .filter((el) => el.type !== 'hidden' && !el.closest('[hidden]'))
        .filter((el) => !el.labels?.length && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
        .map((el) => el.name || el.id || el.outerHTML)""")
    return found


def wait_for_erasure(bootstrap: KafkaAccess, person_id: str, service: str, timeout: float = 90.0) -> None:
    """Until `service` says it erased the person (privacy.erasure.completed on the privacy answers topic)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for record in read_topic(bootstrap, PRIVACY_ANSWERS.name):
            if record.value and b"privacy.erasure.completed" in record.value:
                data = any_event(record.value).data
                if data["person_id"] == person_id and data["service"] == service:
                    return
        time.sleep(0.5)
    raise AssertionError(f"{service} did not erase {person_id} within {timeout}s")


def accessibility_violations(page: Page) -> list[str]:
    """The serious and critical violations that axe-core (Deque's auditor, from npm) finds on the page as it is now.
    Injected through the DevTools protocol, which the page's Content-Security-Policy does not restrict."""
    if not _axe_source:
        _axe_source.append((npm_modules(*AXE_CORE) / "axe-core" / "axe.min.js").read_text())
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source[0])
    found: list[dict[str, Any]] = page.evaluate(
        """async (tags) => (await window.axe.run(document, { runOnly: { type: 'tag', values: tags } })).violations
            .map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                           nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }))""", AXE_TAGS)
    return [f"{v['impact']}: {v['id']} ({v['help']}) at {v['nodes']}" for v in found if v["impact"] in BLOCKING_IMPACTS]


# The stepped onboarding (web/pages/onboarding.js), one helper per step; `onboard` goes through them all.
NEXT = "Enregistrer et continuer"
STEP_TIMEOUT = 30_000  # ms: each step is saved as a draft before the next shows


def next_step(page: Page, number: int) -> None:
    """Saves the step shown; the next one (1-based `number`) appears after its hint."""
    page.get_by_role("button", name=NEXT).click()
    expect(page.get_by_test_id("step-count")).to_have_text(f"Étape {number} sur 5", timeout=STEP_TIMEOUT)


def fill_you(page: Page) -> None:
    page.get_by_label("Prénom").fill("Camille")
    page.get_by_label("Année de naissance").fill("1990")
    page.get_by_label("Genre").select_option("FEMININE")
    page.get_by_label("Diplôme le plus élevé").select_option("CAP_BEP")
    page.get_by_label("Espagnol").check()


def fill_project(page: Page) -> None:
    job = page.get_by_role("combobox", name="Métier recherché")
    job.press_sequentially("boulanger", delay=30)
    page.get_by_role("option", name=re.compile(r"^Boulanger \/ Boulangère")).click()  # "/" escaped for Playwright
    expect(page.get_by_text("Métier choisi : Boulanger / Boulangère (D1102)")).to_be_visible()
    page.get_by_label("Ville où vous cherchez").fill("Toulouse")
    page.get_by_label("Département", exact=True).fill("31")
    page.get_by_label("Expérience dans ce métier").select_option("INTERMEDIARY")
    page.get_by_label("CDI (durée indéterminée)").check()


def fill_search(page: Page) -> None:
    page.get_by_label("Depuis quand cherchez-vous ?").fill((dt.date.today() - dt.timedelta(days=120)).isoformat())
    page.get_by_label("Candidatures envoyées par semaine").select_option("SOME")
    page.get_by_label("Nombre d'entretiens depuis le début de la recherche").fill("1")
    page.get_by_label("Votre réseau dans ce métier").select_option("2")


def fill_holds_back(page: Page, guess: str = "Je ne sais pas", note: str = "") -> None:
    page.get_by_label(guess, exact=True).check()
    if note:
        page.get_by_label("Dites-le avec vos mots (facultatif)").fill(note)
    page.get_by_label("Mon CV ne me met pas en valeur").check()


def onboard(page: Page, guess: str = "Je ne sais pas") -> None:
    """Every step from the first, ending on the submission (the diagnosis page follows)."""
    expect(page.get_by_test_id("step-count")).to_have_text("Étape 1 sur 5", timeout=STEP_TIMEOUT)
    fill_you(page)
    next_step(page, 2)
    fill_project(page)
    next_step(page, 3)
    fill_search(page)
    next_step(page, 4)
    fill_holds_back(page, guess)
    next_step(page, 5)
    page.get_by_label("Environ une fois par mois").check()
    page.get_by_role("button", name="Voir mon diagnostic").click()
