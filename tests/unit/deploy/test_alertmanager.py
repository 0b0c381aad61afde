"""Compose's Alertmanager mails every alert to the operators: its configuration, rendered as compose renders it,
passes `amtool check-config` (Debian's prometheus-alertmanager, installed when missing)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[3]
TEMPLATE = REPO / "deploy" / "prometheus" / "alertmanager.yml"


@pytest.fixture(scope="module")
def amtool() -> str:
    found = shutil.which("amtool")
    if found is None:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "prometheus-alertmanager"]
        if subprocess.run(install, env=env, capture_output=True, check=False, timeout=600).returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, check=True, timeout=600)
            subprocess.run(install, env=env, capture_output=True, check=True, timeout=600)
        found = shutil.which("amtool")
    assert found, "amtool could not be installed"
    return found


def rendered(tmp_path: Path) -> Path:
    """What compose's entrypoint writes (its sed), with an operator's values."""
    text = TEMPLATE.read_text().replace("@OPERATOR_EMAIL@", "ops@bob.example.org").replace(
        "@SMTP_SMARTHOST@", "smtp:25")
    target = tmp_path / "alertmanager.yml"
    target.write_text(text)
    return target


def test_the_rendered_configuration_is_valid_and_mails_the_operators(amtool: str, tmp_path: Path) -> None:
    config = rendered(tmp_path)
    checked = subprocess.run([amtool, "check-config", str(config)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    loaded = yaml.safe_load(config.read_text())
    [receiver] = loaded["receivers"]
    assert loaded["route"]["receiver"] == receiver["name"]
    assert [c["to"] for c in receiver["email_configs"]] == ["ops@bob.example.org"]
    assert loaded["global"]["smtp_smarthost"] == "smtp:25"


def test_compose_renders_both_placeholders_and_publishes_on_loopback_only() -> None:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]
    entrypoint = " ".join(compose["alertmanager"]["entrypoint"])
    placeholders = {p for p in ("@OPERATOR_EMAIL@", "@SMTP_SMARTHOST@") if p in TEMPLATE.read_text()}
    assert placeholders == {"@OPERATOR_EMAIL@", "@SMTP_SMARTHOST@"}
    assert all(p in entrypoint for p in placeholders)
    for name in ("alertmanager", "prometheus", "grafana"):
        assert all(str(port).startswith("127.0.0.1:") for port in compose[name]["ports"]), name
