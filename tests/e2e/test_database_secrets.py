"""No database password shows where people or operators look: the services' logs (FerretDB's included), /metrics,
the OpenAPI documents and a person's GDPR export. The passwords are the ones `make run` generated."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from deploy.local.platform import Platform
from tests.support import bearer, sign_in, unique_email, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.e2e]


def test_no_database_password_is_shown(platform: Platform) -> None:
    if platform.config.external_mongo is not None:
        pytest.skip("the database under test is not the project's own FerretDB")
    passwords = json.loads(platform.config.mongo_credentials_file.read_text()).values()
    cfg = platform.config
    shown: dict[str, str] = {}
    with httpx.Client(base_url=cfg.gateway_url, timeout=10) as client:
        tokens = sign_in(client, cfg.maildir, unique_email("secrets"))
        me = bearer(tokens["access_token"])
        export_id = client.post("/api/v1/accounts/me/exports", headers=me).json()["export_id"]

        def archive() -> dict[str, Any] | None:
            body: dict[str, Any] = client.get(f"/api/v1/accounts/me/exports/{export_id}", headers=me).json()
            return body if body["status"] == "ready" else None

        shown["export"] = json.dumps(wait_for("the export archive", archive))
    pages = {f"{service} {page}": f"http://127.0.0.1:{port}/{page}"
             for service, port in cfg.service_ports.items() for page in ("openapi.json", "metrics")}
    pages |= {f"{service} worker metrics": f"http://127.0.0.1:{port}/metrics"
              for service, port in (cfg.worker_metrics_ports | {"notifier": cfg.notifier_metrics_port}).items()}
    for where, url in pages.items():
        answer = httpx.get(url)
        assert answer.status_code == 200, where
        shown[where] = answer.text
    shown |= {log.name: log.read_text(errors="replace") for log in platform.procs.logs_dir.glob("*.log")}
    assert {"ferretdb.log", "profile-api.log", "notifier-worker.log"} <= shown.keys()
    assert [(where, "password") for where, text in shown.items() for p in passwords if p in text] == []
