"""No Docker engine runs here, so check what can be checked of docker-compose.yml and generated configs."""

from __future__ import annotations

import base64
import importlib
import inspect
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from deploy.grafana import dashboard
from deploy.local import gateway
from deploy.local.paths import REPO
from deploy.local.services import PROCESSES
from shared.auth.keys import generate
from shared.database_access import ACCESS
from shared.messaging.acls import MONITOR
from shared.messaging.lag_exporter import LagSettings
from shared.settings import ServiceSettings

COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text())
OURS = {name: spec for name, spec in COMPOSE["services"].items() if "build" in spec}
# Built from a service image but running no service (one-shot jobs, the lag exporter): no service settings class.
JOBS = frozenset({"init", "kafka-certs", "lag-exporter"})


def _settings_class(service: str) -> type[ServiceSettings]:
    module = importlib.import_module(f"services.{service}.config")
    classes = [c for _, c in inspect.getmembers(module, inspect.isclass)
               if issubclass(c, ServiceSettings) and c is not ServiceSettings]
    assert len(classes) == 1, classes
    return classes[0]


def _module_file(module: str) -> Path:
    return REPO / (module.replace(".", "/") + ".py")


def test_every_service_and_worker_is_in_compose() -> None:
    commands = {spec["command"][-1] for spec in OURS.values()}
    assert {p.module for p in PROCESSES} <= commands


@pytest.mark.parametrize("name", sorted(OURS))
def test_build_context_dockerfile_and_command_exist(name: str) -> None:
    spec: dict[str, Any] = OURS[name]
    context = REPO / spec["build"]["context"]
    assert context.is_dir()
    assert (context / spec["build"]["dockerfile"]).is_file()
    command = spec["command"]
    if command[:2] == ["python", "-m"]:
        assert _module_file(command[2]).is_file() or (REPO / command[2].replace(".", "/")).is_dir()


@pytest.mark.parametrize("name", sorted(n for n in OURS if n not in JOBS))
def test_environment_names_match_the_settings_class(name: str) -> None:
    service = name.rsplit("-", 1)[0]
    settings = _settings_class(service)
    prefix = settings.model_config["env_prefix"]
    assert isinstance(prefix, str)
    for variable in OURS[name]["environment"]:
        assert variable.startswith(prefix), variable
        assert variable[len(prefix):].lower() in settings.model_fields, f"{variable} is not a {settings.__name__} field"


@pytest.mark.parametrize("name", sorted(n for n in OURS if n not in JOBS))
def test_every_service_process_connects_to_kafka_as_its_own_principal(name: str) -> None:
    service = name.rsplit("-", 1)[0]
    environment = OURS[name]["environment"]
    prefix = service.upper()
    assert environment[f"{prefix}_KAFKA_USERNAME"] == service
    assert f"BOB_KAFKA_{prefix}_PASSWORD" in environment[f"{prefix}_KAFKA_PASSWORD"]
    assert f"BOB_KAFKA_{prefix}_PASSWORD" in OURS["init"]["environment"], "init creates every service's user"


@pytest.mark.parametrize("name", sorted(n for n in OURS if n not in JOBS))
def test_every_service_process_connects_to_mongodb_as_its_own_user(name: str) -> None:
    service = name.rsplit("-", 1)[0]
    url = urlsplit(_interpolate(OURS[name]["environment"][f"{service.upper()}_MONGO_URL"]))
    assert (url.username, url.hostname, url.query) == (service, "mongo", "authSource=admin")
    assert f"BOB_MONGO_{service.upper()}_PASSWORD" in OURS[name]["environment"][f"{service.upper()}_MONGO_URL"]


def test_init_provisions_every_database_user_from_the_table() -> None:
    assert "python -m shared.database_access provision" in OURS["init"]["command"][-1]
    assert {f"BOB_MONGO_{service.upper()}_PASSWORD" for service in ACCESS} <= set(OURS["init"]["environment"])
    mongo = COMPOSE["services"]["mongo"]
    assert mongo["environment"]["MONGO_INITDB_ROOT_USERNAME"] == "admin"
    # The root's password is a secret the operator sets, not an environment value with a default.
    assert mongo["environment"]["MONGO_INITDB_ROOT_PASSWORD_FILE"] == "/run/secrets/mongo_admin_password"
    assert "MONGO_INITDB_ROOT_PASSWORD" not in mongo["environment"]
    assert COMPOSE["secrets"]["mongo_admin_password"] == {"environment": "BOB_MONGO_ADMIN_PASSWORD"}
    assert "${BOB_MONGO_ADMIN_PASSWORD:?" in OURS["init"]["environment"]["BOB_MONGO_URL"]


def test_the_lag_exporter_connects_as_the_monitor_principal() -> None:
    environment = OURS["lag-exporter"]["environment"]
    assert {v.removeprefix("LAG_EXPORTER_").lower() for v in environment} <= set(LagSettings.model_fields)
    assert environment["LAG_EXPORTER_KAFKA_USERNAME"] == MONITOR
    assert "BOB_KAFKA_MONITOR_PASSWORD" in environment["LAG_EXPORTER_KAFKA_PASSWORD"]
    assert "BOB_KAFKA_MONITOR_PASSWORD" in OURS["init"]["environment"], "init creates the monitor user"


def test_mounted_files_exist() -> None:
    for spec in COMPOSE["services"].values():
        for volume in spec.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (REPO / source).exists(), source


def test_compose_gateway_config_is_generated_from_the_template() -> None:
    assert gateway.COMPOSE_CONF.read_text() == gateway.render_for_compose(), "run python -m deploy.local.gateway"


def test_grafana_dashboards_are_generated_from_code() -> None:
    boards = dashboard.dashboards()
    assert {p.name for p in dashboard.DASHBOARDS.glob("*.json")} == set(boards)
    for name, board in boards.items():
        assert (dashboard.DASHBOARDS / name).read_text() == dashboard.render(board), \
            "run python -m deploy.grafana.dashboard"
    panels = [p for name in boards for p in json.loads((dashboard.DASHBOARDS / name).read_text())["panels"]]
    exprs = [p["targets"][0]["expr"] for p in panels if p["type"] != "row"]
    assert any("bob_consumer_group_lag" in e for e in exprs)
    assert any("bob_followup_impact" in e for e in exprs)
    assert any("bob_diagnosis_model_gate_check" in e for e in exprs)
    assert "Model" in [p["title"] for p in panels if p["type"] == "row"]


def test_local_processes_exist() -> None:
    for process in PROCESSES:
        assert _module_file(process.module).is_file(), process.module


_KEY_ID, _PRIVATE, _PUBLIC = generate()
# What an operator sets for the variables whose shape matters (the others are opaque strings).
OPERATOR_VALUES = {
    "BOB_AUTH_KEY_ID": _KEY_ID, "BOB_AUTH_PRIVATE_KEY": _PRIVATE,
    "BOB_AUTH_PUBLIC_KEYS": json.dumps({_KEY_ID: _PUBLIC}),
    "BOB_DATA_KEKS": json.dumps({"kek-1": base64.b64encode(bytes(32)).decode()}), "BOB_DATA_KEK_ID": "kek-1",
    "BOB_OPERATOR_EMAIL": "operators@bob.example.org", "BOB_GRAFANA_ADMIN_PASSWORD": "grafana-secret",
}


def _interpolate(value: object) -> str:
    """Compose's ${VAR:-default} gives the default; ${VAR:?message} stands for a value the operator must set."""
    text = str(value)
    text = re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", text)
    return re.sub(
        r"\$\{([A-Z_]+):\?[^}]*\}", lambda m: OPERATOR_VALUES.get(m.group(1), "set-by-operator"), text
    )


@pytest.mark.parametrize("name", sorted(n for n in OURS if n not in JOBS))
def test_settings_load_from_the_compose_environment(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """In prod, settings refuse missing secrets and trial parameters: compose must provide them."""
    settings = _settings_class(name.rsplit("-", 1)[0])
    for variable, value in OURS[name]["environment"].items():
        monkeypatch.setenv(variable, _interpolate(value))
    loaded = settings()
    assert loaded.environment == "prod"
