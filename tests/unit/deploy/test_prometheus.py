"""Prometheus's rules (unit-tested with promtool) and configuration: local and compose scrape the same processes on
the same ports."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from deploy.local import install, monitoring
from deploy.local.paths import REPO
from deploy.local.platform import Platform, PlatformConfig
from deploy.local.services import PROCESSES

RULE_TESTS = sorted(monitoring.PROMETHEUS_DIR.glob("*.test.yml"))


@pytest.fixture(scope="module")
def promtool() -> str:
    install.ensure_monitoring()  # Debian's prometheus package, when missing
    return install.PROMTOOL


def test_the_rules_are_valid(promtool: str) -> None:
    checked = subprocess.run([promtool, "check", "rules", str(monitoring.RULES)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize("tests", RULE_TESTS, ids=[p.name for p in RULE_TESTS])
def test_promtool_rule_unit_tests_pass(promtool: str, tests: Path) -> None:
    ran = subprocess.run([promtool, "test", "rules", tests.name], cwd=tests.parent, capture_output=True, text=True)
    assert ran.returncode == 0, ran.stdout + ran.stderr


def test_every_alert_has_a_unit_test() -> None:
    alerts = {r["alert"] for g in yaml.safe_load(monitoring.RULES.read_text())["groups"] for r in g["rules"]
              if "alert" in r}
    tested = {case["alertname"] for path in RULE_TESTS for test in yaml.safe_load(path.read_text())["tests"]
              for case in test.get("alert_rule_test", [])}
    assert alerts == tested
    assert len(alerts) >= 8


def test_the_local_config_is_valid(promtool: str, tmp_path: Path) -> None:
    platform = Platform(PlatformConfig.on_free_ports(tmp_path))
    config = tmp_path / "prometheus.yml"
    config.write_text(monitoring.render(monitoring.targets(platform.metrics_addresses()),
                                        rule_files=[str(monitoring.RULES)], scrape_interval="15s"))
    checked = subprocess.run([promtool, "check", "config", str(config)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def _ports(config: str) -> dict[str, int]:
    jobs = yaml.safe_load(config)["scrape_configs"]
    return {s["labels"]["process"]: int(s["targets"][0].rsplit(":", 1)[1])
            for job in jobs for s in job["static_configs"]}


def test_compose_and_make_run_scrape_the_same_processes_on_the_same_ports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert monitoring.COMPOSE_CONFIG.read_text() == monitoring.render_for_compose(), \
        "run python -m deploy.local.monitoring"
    for variable in ("BOB_SERVICE_PORT_BASE", "BOB_WORKER_METRICS_PORT_BASE", "BOB_NOTIFIER_METRICS_PORT",
                     "BOB_LAG_EXPORTER_PORT", "BOB_NGINX_EXPORTER_PORT"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("BOB_STATE_DIR", str(tmp_path))
    local = Platform(PlatformConfig.from_env()).metrics_addresses()
    compose = _ports(monitoring.COMPOSE_CONFIG.read_text())
    assert compose == {name: int(address.rsplit(":", 1)[1]) for name, address in local.items()}
    assert set(compose) == {p.name for p in PROCESSES} | {"lag-exporter", "nginx-exporter"}
    # What compose's processes are told to serve is what its Prometheus scrapes, on every interface.
    services = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]
    for process in PROCESSES:
        environment = services[process.name]["environment"]
        prefix = process.env_prefix
        port = environment.get(f"{prefix}HTTP_PORT") if process.role == "api" else \
            environment.get(f"{prefix}WORKER_METRICS_PORT")
        assert int(port) == compose[process.name], process.name
        assert environment.get(f"{prefix}HTTP_HOST") == "0.0.0.0", process.name
