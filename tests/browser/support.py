"""Helpers of the browser tests: people, emails from the SMTP sink, page errors."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from email.message import Message
from pathlib import Path
from typing import Any

from playwright.sync_api import ConsoleMessage, Page, ViewportSize

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
