"""The web client as an installable app (issue 16): Chromium finds it installable (manifest, icons, service worker),
the gateway serves the manifest and the worker with the right headers, the shell starts offline with a clear
offline notice, and a person who chose to keep an offline copy reads their advice without a connection; without
that choice nothing personal is kept, and signing out forgets the copy."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from deploy.local.platform import Platform
from tests.browser.support import PHONE, Shoot, watch_errors
from tests.browser.test_advice_cards import PERSONAS, SLOW, open_advice, signed_in_with_profile

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

NewContext = Callable[[], BrowserContext]
PERSON_CACHE = "bob-person-v1"


def controlled(page: Page) -> None:
    """Until the service worker is active and controls the page (it claims open pages when it activates)."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=SLOW)


def person_cache_entries(page: Page) -> int:
    count: int = page.evaluate(f"""async () => (await caches.has('{PERSON_CACHE}'))
        ? (await (await caches.open('{PERSON_CACHE}')).keys()).length : 0""")
    return count


def test_the_gateway_serves_an_installable_app(platform: Platform, browser: Browser, shoot: Shoot) -> None:
    base = platform.config.gateway_url
    manifest = httpx.get(f"{base}/manifest.webmanifest")
    assert manifest.status_code == 200
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    worker = httpx.get(f"{base}/sw.js")
    assert worker.headers["content-type"].startswith("text/javascript")
    assert "no-cache" in worker.headers["cache-control"]  # a new release's worker is seen at once
    # The browser's own profile: Playwright's other contexts are incognito, where nothing can be installed.
    page = browser.contexts[0].new_page()
    try:
        errors = watch_errors(page)
        page.set_viewport_size(PHONE)
        page.goto(f"{base}/")
        controlled(page)
        session = page.context.new_cdp_session(page)
        assert session.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
        shoot(page, "installable-home-phone")
        assert errors.messages == []
    finally:
        page.close()


def test_offline_the_shell_starts_and_only_a_chosen_copy_is_readable(
    platform: Platform, new_context: NewContext, shoot: Shoot
) -> None:
    base = platform.config.gateway_url
    tokens = signed_in_with_profile(platform, PERSONAS[0].profile)

    # Without the choice: the shell starts offline and says so, but no personal answer was kept.
    context = new_context()
    page = context.new_page()
    open_advice(page, base, tokens)
    controlled(page)
    page.reload()
    expect(page.get_by_test_id("advice-item").first).to_be_visible(timeout=SLOW)
    context.set_offline(True)
    page.reload()
    expect(page.locator("#offline")).to_contain_text("Vous êtes hors ligne")
    expect(page.get_by_test_id("advice-item")).to_have_count(0)
    assert person_cache_entries(page) == 0
    shoot(page, "offline-without-copy")
    context.set_offline(False)

    # With the choice (account page): the advice read online is readable offline, marked as a kept copy.
    page.goto(f"{base}/#/account")
    page.get_by_label("Garder une copie de mon plan et de mes conseils sur cet appareil").check()
    page.goto(f"{base}/#/advice")
    expect(page.get_by_test_id("advice-item").first).to_be_visible(timeout=SLOW)
    page.wait_for_function(f"async () => (await caches.has('{PERSON_CACHE}'))", timeout=SLOW)
    context.set_offline(True)
    page.reload()
    expect(page.get_by_test_id("advice-item").first).to_be_visible(timeout=SLOW)
    expect(page.locator("#offline")).to_contain_text("copie gardée sur cet appareil")
    page.set_viewport_size(PHONE)
    shoot(page, "offline-kept-advice-phone")

    # Signing out forgets the copy.
    context.set_offline(False)
    page.goto(f"{base}/#/account")
    page.get_by_role("button", name="Me déconnecter").click()
    page.wait_for_function(f"async () => !(await caches.has('{PERSON_CACHE}'))", timeout=SLOW)
