"""The operator page in headless Chromium: an operator, granted the role as the README says, signs in from the
emailed link and reads the pipeline's charts (from Prometheus through the gateway), the impact by sign-up month
(the demo survey answers of `make run`, with a control group) and the employability model: its versions, the gate
checks of the latest trained one (the demo's learning data and retraining runs) and the live scores of the version
in use; a job seeker is refused. The desktop screenshot is
the one the README shows (docs/operator-page.png)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from deploy.local.paths import REPO, VENV_PYTHON
from deploy.local.platform import Platform
from tests.browser.support import DESKTOP, PHONE, Shoot, unique_email, watch_errors
from tests.browser.test_web_client import sign_in
from tests.support import bearer, poll_ready
from tests.support import sign_in as api_sign_in

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

NewContext = Callable[[], BrowserContext]
README_PICTURE = REPO / "docs" / "operator-page.png"
SLOW = 60_000  # ms: Prometheus scrapes every 2 s in tests; charts need a few samples


@pytest.fixture(scope="module")
def monitored(platform: Platform) -> Platform:
    platform.seed_demo()
    if "prometheus" not in platform.procs.running():
        platform.start_monitoring()
    # A profile diagnosed: a live score for the model section.
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10) as client:
        tokens = api_sign_in(client, platform.config.maildir, unique_email("scored"))
        client.headers.update(bearer(tokens["access_token"]))
        created = client.post("/api/v1/profiles", json={
            "year_of_birth": 1990, "highest_degree": "BAC_BACPRO", "frustrations": [],
            "projects": [{"target_job": {"rome_code": "M1607"}, "city": {"name": "Lyon", "departement_id": "69"},
                          "job_search_started_at": "2026-06-01", "weekly_applications": "DECENT_AMOUNT"}],
        })
        assert created.status_code == 201, created.text
        poll_ready(client, f"/api/v1/profiles/{created.json()['profile_id']}/diagnosis")
    return platform


def grant_operator(platform: Platform, email: str) -> None:
    subprocess.run(
        [str(VENV_PYTHON), "-m", "services.profile.accounts", "grant", email, "operator"],
        env={**os.environ, "PROFILE_MONGO_URL": platform.config.mongo_url_as("profile")}, cwd=REPO, check=True,
        stdout=subprocess.DEVNULL,
    )


def charts_drawn(page: Page) -> None:
    for chart in ("operator.throughput", "operator.lag", "operator.errors", "operator.oldest", "operator.impact"):
        expect(page.get_by_test_id(chart).locator("canvas")).to_be_visible(timeout=SLOW)


def test_an_operator_reads_the_pipeline_and_the_impact(
    monitored: Platform, new_context: NewContext, shoot: Shoot
) -> None:
    email = unique_email("operator")
    grant_operator(monitored, email)
    page = new_context().new_page()
    errors = watch_errors(page)
    page.goto(f"{monitored.config.gateway_url}/")
    sign_in(page, monitored.config.maildir, email, "Je cherche un emploi", shoot, "operator")
    page.get_by_role("link", name="Tableau de bord").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord de l'équipe")
    charts_drawn(page)
    # Some processes only show up after a few scrapes: reload until every pipeline chart has its lines.
    for chart in ("operator.throughput", "operator.lag", "operator.oldest"):
        expect(page.get_by_test_id(chart).locator(".u-legend .u-series").nth(1)).to_be_attached(timeout=SLOW)
    # The impact: a row per sign-up month (the six demo ones at least), with treated, control and the interval.
    rows = page.get_by_test_id("impact-table").locator("tbody tr")
    expect(rows.nth(5)).to_be_visible()
    cells = rows.first.locator("td")  # sent, response rate, treated, control, difference, interval
    for column in (1, 2, 3, 4):
        expect(cells.nth(column)).to_contain_text("%")
    expect(cells.nth(5)).to_contain_text(";")
    legend = page.get_by_test_id("operator.impact").locator(".u-legend")
    for series in ("traité", "témoin", "traité − témoin", "borne basse 95 %", "borne haute 95 %"):
        expect(legend).to_contain_text(series)
    action = page.get_by_test_id("operator-action")
    # Redrawn every 15 s: a page opened before the pledges worker's gauges were first scraped fills in.
    expect(action).to_contain_text("Relire des CV", timeout=SLOW)
    expect(action).to_contain_text("Lettre de motivation")
    # The employability model: the released version, the versions (the demo's two retraining runs, newest first),
    # the latest one's gate checks with the failed ones named, and the live scores of the version in use.
    model = page.get_by_test_id("operator-model")
    expect(model).to_contain_text("Modèle utilisé par les workers : employability-v1")
    versions = page.get_by_test_id("model-versions").locator("tbody tr")
    expect(versions.locator("th")).to_have_text(["employability-v3", "employability-v2", "employability-v1"])
    expect(versions.nth(1)).to_contain_text("refusé")
    expect(versions.nth(2)).to_contain_text("publié")
    expect(versions.first.locator("td").nth(3)).to_contain_text(re.compile(r"0\.\d{3} \[0\.\d{3} ; 0\.\d{3}\]"))
    gate = page.get_by_test_id("model-gate")
    expect(gate.get_by_role("heading")).to_have_text("Contrôles de publication de employability-v3")
    expect(gate.locator(".gate-failed")).to_contain_text(re.compile(r"Contrôles échoués : .*auc"))
    failed = gate.locator("tr.check-failed th")
    expect(failed.first).to_be_visible()
    expect(gate.locator("tr", has_text="fairness:sex=FEMININE")).to_contain_text("réussi")
    for check in ("evidence:examples", "auc", "calibration", "psi", "fairness:age_band=50-plus"):
        expect(gate.get_by_role("rowheader", name=check, exact=True)).to_be_visible()
    expect(page.get_by_test_id("model-scores").locator("thead")).to_contain_text("employability-v1", timeout=SLOW)
    # In-app feedback (issue 16): agreement with the main challenge and the advice's stars.
    expect(page.get_by_test_id("operator-feedback")).to_contain_text("Accord avec la priorité du diagnostic")
    picture = shoot(page, "operator-page")
    README_PICTURE.parent.mkdir(exist_ok=True)
    shutil.copyfile(picture, README_PICTURE)

    page.set_viewport_size(PHONE)
    charts_drawn(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the operator page scrolls sideways on a phone: {width}px wide"
    shoot(page, "operator-page-phone")
    page.set_viewport_size(DESKTOP)

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Operator dashboard")
    assert errors.messages == []


def test_a_job_seeker_cannot_open_the_operator_page(
    monitored: Platform, new_context: NewContext, shoot: Shoot
) -> None:
    page = new_context().new_page()
    page.goto(f"{monitored.config.gateway_url}/")
    sign_in(page, monitored.config.maildir, unique_email("not-operator"), "Je cherche un emploi", shoot, "seeker")
    # Landed (a new job seeker is sent on to the profile form): the address is ours to change now.
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre profil", timeout=SLOW)
    expect(page.get_by_role("link", name="Tableau de bord")).to_have_count(0)
    page.goto(f"{monitored.config.gateway_url}/#/operator")
    expect(page.get_by_text("Cette page est réservée à l'équipe Bob")).to_be_visible()
    shoot(page, "operator-refused")
