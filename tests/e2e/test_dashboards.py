"""The dashboards tested without Grafana: the local Prometheus (as `make run` starts it) scrapes the live platform,
a journey runs, and every panel's query returns something through Prometheus's HTTP API; every metric a panel
names is served by some process's /metrics. The gateway lets operators, and only them, query Prometheus."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from deploy.grafana import dashboard
from deploy.local.platform import Platform
from shared.auth.tokens import Role
from tests.support import access_token, bearer, poll_ready, sign_in, unique_email, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

# Series Prometheus makes itself, not served on a /metrics endpoint.
SYNTHETIC = frozenset({"up"})
FUNCTIONS = frozenset({"sum", "max", "rate", "increase", "histogram_quantile", "by", "le"})


@pytest.fixture(scope="module")
def monitored(platform: Platform) -> Platform:
    """The platform with its Prometheus and exporters, the demo survey answers and learning data (with the
    retraining runs), and one journey run through it: a job seeker signs in from the email, submits a profile and
    reads the advice."""
    platform.seed_demo()
    assert platform.seed_demo() == 0, "seeding again adds nothing"
    if "prometheus" not in platform.procs.running():
        platform.start_monitoring()
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10) as client:
        tokens = sign_in(client, platform.config.maildir, unique_email("operator-journey"))
        client.headers.update(bearer(tokens["access_token"]))
        created = client.post("/api/v1/profiles", json={
            "year_of_birth": 1988, "highest_degree": "CAP_BEP", "frustrations": ["RESUME"],
            "projects": [{"target_job": {"rome_code": "M1607"}, "city": {"name": "Toulouse", "departement_id": "31"},
                          "job_search_started_at": "2026-05-01", "weekly_applications": "DECENT_AMOUNT"}],
        })
        assert created.status_code == 201, created.text
        poll_ready(client, f"/api/v1/profiles/{created.json()['profile_id']}/advice")
    return platform


def query(platform: Platform, expr: str) -> list[dict[str, Any]]:
    answer = httpx.get(f"{platform.prometheus_url}/api/v1/query", params={"query": expr}, timeout=10)
    assert answer.status_code == 200, answer.text
    result: list[dict[str, Any]] = answer.json()["data"]["result"]
    return result


PANELS = [(board.uid, title, expr) for board in dashboard.dashboards().values()
          for title, expr in dashboard.queries(board)]


@pytest.mark.parametrize(("board", "title", "expr"), PANELS, ids=[f"{b}: {t}" for b, t, _ in PANELS])
def test_every_panel_shows_something(monitored: Platform, board: str, title: str, expr: str) -> None:
    found = wait_for(f"{board} / {title}: {expr}", lambda: query(monitored, expr), timeout=120)
    assert all(sample["value"][1] for sample in found)


def metric_names(expr: str) -> set[str]:
    """The metric names in a PromQL expression: identifiers not followed by `(`, outside label matchers and
    legends, minus the grouping labels."""
    bare = re.sub(r"\{[^}]*\}", "", expr)
    bare = re.sub(r"by \([^)]*\)", "", bare)
    names = set(re.findall(r"\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()", bare)) - FUNCTIONS
    return {re.sub(r"_bucket$", "", name) for name in names if not re.fullmatch(r"\d.*", name)}


def test_every_metric_a_panel_uses_is_served_by_some_process(monitored: Platform) -> None:
    served: set[str] = set()
    for process, address in monitored.metrics_addresses().items():
        text = httpx.get(f"http://{address}/metrics", timeout=10).text
        assert text, process
        served |= {re.sub(r"_(bucket|count|sum|total|created)$", "", line.split("{")[0].split(" ")[0])
                   for line in text.splitlines() if line and not line.startswith("#")}
        served |= {line.split(" ")[2] for line in text.splitlines() if line.startswith("# TYPE")}
    used = {name for _, _, expr in PANELS for name in metric_names(expr)}
    assert {"bob_consumer_group_lag", "bob_followup_impact", "bob_pipeline_seconds", "nginx_connections_active",
            "bob_diagnosis_model_gate_check", "bob_diagnosis_employability_score"} <= used
    missing = {name for name in used - SYNTHETIC if name not in served and name.removesuffix("_total") not in served}
    assert missing == set()


def test_the_model_row_shows_the_registry_whoever_trained(monitored: Platform) -> None:
    """The demo's two retraining runs were made outside any worker (as the command does): the diagnosis worker
    serves the registry's versions and the gate checks of the latest trained one from its next poll."""
    def versions() -> dict[str, str] | None:
        found = {s["metric"]["version"]: s["metric"]["status"]
                 for s in query(monitored, "max by (version, status) (bob_diagnosis_model_status)")}
        return found if len(found) >= 3 else None

    statuses = wait_for("the demo's trained versions", versions, timeout=120)
    assert statuses["employability-v1"] == "released"
    assert {"refused"} <= set(statuses.values())
    checks = {s["metric"]["check"]: s["value"][1]
              for s in query(monitored, "min by (version, check) (bob_diagnosis_model_gate_check)")}
    assert {"evidence:examples", "auc", "calibration", "psi", "fairness:sex=FEMININE"} <= set(checks)
    assert set(checks.values()) <= {"0", "1"}
    in_use = query(monitored, "max by (version) (bob_diagnosis_model_info)")
    assert [s["metric"]["version"] for s in in_use] == ["employability-v1"]


def test_the_alert_rules_are_loaded(monitored: Platform) -> None:
    groups = httpx.get(f"{monitored.prometheus_url}/api/v1/rules", timeout=10).json()["data"]["groups"]
    alerts = {rule["name"] for group in groups for rule in group["rules"] if rule["type"] == "alerting"}
    assert {"ConsumerLagGrowing", "DeadLetters", "OutboxStuck", "GatewayErrors", "EmailSendingFailing",
            "SurveysDueNotSent", "PartnerWebhookDisabled"} <= alerts
    assert all(rule["health"] == "ok" for group in groups for rule in group["rules"])


def test_only_operators_query_prometheus_through_the_gateway(monitored: Platform) -> None:
    url = f"{monitored.config.gateway_url}/api/v1/monitoring/query"
    params = {"query": "up"}
    with httpx.Client(timeout=10) as client:
        anonymous = client.get(url, params=params)
        assert (anonymous.status_code, anonymous.json()) == (401, {"detail": "not signed in"})
        assert client.get(url, params=params, headers={"Authorization": "Bearer not-a-token"}).status_code == 401
        for role in (Role.JOB_SEEKER, Role.HELPER, Role.PARTNER):
            refused = client.get(url, params=params, headers=bearer(access_token(None, role)))
            assert (refused.status_code, refused.json()) == (403, {"detail": "operators only"}), role
        operator = bearer(access_token(None, Role.OPERATOR))
        answer = client.get(url, params=params, headers=operator)
        assert answer.status_code == 200, answer.text
        assert answer.json()["data"]["result"]
        ranged = client.get(f"{url}_range", headers=operator,
                            params={"query": "up", "start": "0", "end": "60", "step": "15"})
        assert ranged.status_code == 200, ranged.text
        # Read-only: no other method, no other part of Prometheus's API.
        assert client.post(url, data=params, headers=operator).status_code == 403
        assert client.get(f"{monitored.config.gateway_url}/api/v1/monitoring/targets",
                          headers=operator).status_code == 404
