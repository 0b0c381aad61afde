"""Browser tests: Debian's Chromium, started here as a plain headless process and driven by Playwright over the
DevTools protocol (no Playwright-managed browser download). Every page visited is screenshot under
test-artifacts/screenshots/."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from deploy.local import install
from deploy.local.paths import REPO
from deploy.local.platform import free_port
from tests.browser.support import DESKTOP, Shoot, accessibility_violations, unlabelled_controls

SCREENSHOTS = REPO / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def chromium_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A headless Chromium listening for DevTools on a free port, with a fresh profile."""
    binary = install.ensure_chromium()
    port = free_port()
    profile = tmp_path_factory.mktemp("chromium-profile")
    log_path = profile.parent / "chromium.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
             f"--remote-debugging-port={port}", f"--user-data-dir={profile}"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,  # its own group: its helpers stop with it
        )
        endpoint = f"http://127.0.0.1:{port}"
        try:
            _wait_for_devtools(endpoint, process, log_path)
            yield endpoint
        finally:
            _stop(process)


def _wait_for_devtools(endpoint: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"chromium exited with {process.returncode}:\n{log_path.read_text()[-2000:]}")
        try:
            if httpx.get(f"{endpoint}/json/version", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"chromium DevTools not answering after 30s:\n{log_path.read_text()[-2000:]}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    # Renderer and utility processes are in the group we created for this browser only.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def browser(chromium_endpoint: str) -> Iterator[Browser]:
    # Module scope: Playwright's sync API runs its own event loop, which must be gone before async tests run.
    with sync_playwright() as playwright:
        connected = _connect(playwright, chromium_endpoint)
        yield connected
        connected.close()


def _connect(playwright: Playwright, endpoint: str, attempts: int = 3) -> Browser:
    """Connecting has been seen to hang once in a while right after start-up, on a busy machine: try again."""
    for attempt in range(1, attempts + 1):
        try:
            return playwright.chromium.connect_over_cdp(endpoint, timeout=20_000)
        except PlaywrightError:
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")


@pytest.fixture(scope="session")
def screenshots_dir() -> Path:
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    return SCREENSHOTS


@pytest.fixture
def shoot(screenshots_dir: Path, request: pytest.FixtureRequest) -> Shoot:
    """shoot(page, "seeker-home") saves test-artifacts/screenshots/<test>-<nn>-seeker-home.png, after checking
    that every form control on the page has a label and that axe-core finds no serious or critical violation
    (every page of the client is shot, so every page is audited)."""
    test = re.sub(r"^test_", "", request.node.name)
    count = 0

    def save(page: Page, name: str) -> Path:
        nonlocal count
        count += 1
        path = screenshots_dir / f"{test}-{count:02d}-{name}.png"
        page.evaluate("window.scrollTo(0, 0)")  # full-page captures taken while scrolled can miss parts
        page.screenshot(path=str(path), full_page=True)
        assert unlabelled_controls(page) == [], f"controls without a label on {name}"
        assert accessibility_violations(page) == [], f"accessibility violations on {name}"
        return path

    return save


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Callable[[], BrowserContext]]:
    """Fresh browser contexts (separate storage: one per person), closed after the test."""
    contexts: list[BrowserContext] = []

    def make() -> BrowserContext:
        context = browser.new_context(viewport=DESKTOP, locale="fr-FR", accept_downloads=True)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
