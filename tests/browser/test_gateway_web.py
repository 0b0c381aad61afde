"""The gateway serves the web client with its security headers, keeps unknown API paths as JSON 404s, and limits
sign-in requests per client far more strictly than other requests."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from deploy.local import gateway, install
from deploy.local.platform import Platform, free_port

pytestmark = [pytest.mark.integration, pytest.mark.e2e]


def test_the_web_client_is_served_with_security_headers(platform: Platform) -> None:
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10) as client:
        index = client.get("/")
        assert index.status_code == 200
        assert index.headers["content-type"].startswith("text/html")
        assert '<script type="module" src="app.js">' in index.text
        assert "no-cache" in index.headers["cache-control"]
        policy = index.headers["content-security-policy"]
        assert "default-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert index.headers["x-content-type-options"] == "nosniff"
        assert index.headers["referrer-policy"] == "no-referrer"

        module = client.get("/app.js")
        assert module.status_code == 200
        assert module.headers["content-type"].startswith("text/javascript")  # browsers refuse other module types
        assert client.get("/strings.json").headers["content-type"].startswith("application/json")
        assert client.get("/pages/home.js").status_code == 200
        assert client.get("/nothing-here.js").status_code == 404


def test_unknown_api_paths_stay_json_404s(platform: Platform) -> None:
    response = httpx.get(f"{platform.config.gateway_url}/api/v1/nothing-here", timeout=10)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"detail": "not found"}


def test_errors_the_gateway_answers_itself_are_json(platform: Platform) -> None:
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10) as client:
        too_large = client.post("/api/v1/profiles", content=b"{" + b" " * 2_000_000 + b"}",
                                headers={"content-type": "application/json"})
        missing_file = client.get("/nothing-here.js")
        wrong_method = client.post("/index.html")
    for response, status in ((too_large, 413), (missing_file, 404), (wrong_method, 405)):
        assert response.status_code == status
        assert response.headers["content-type"].startswith("application/json")
        assert set(response.json()) == {"detail"}
        assert response.headers["content-security-policy"]  # the server's headers stay on error pages
    assert too_large.json() == {"detail": "request body too large"}


def test_each_services_openapi_is_reachable_through_the_gateway(platform: Platform) -> None:
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10) as client:
        for service in ("profile", "diagnosis", "advice", "pledges", "followup", "partners"):
            document = client.get(f"/api/v1/{service}/openapi.json")
            assert document.status_code == 200, service
            assert document.json()["openapi"].startswith("3."), service
            assert any(path.startswith("/api/v1/") for path in document.json()["paths"]), service


@pytest.fixture
def strict_gateway(platform: Platform, tmp_path: Path) -> Iterator[str]:
    """A second gateway in front of the same services, with the production sign-in limit (5 a minute)."""
    port = free_port()
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / "nginx" / sub).mkdir(parents=True)
    (tmp_path / "logs").mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(gateway.render(
        listen=f"127.0.0.1:{port}",
        upstreams={name: f"127.0.0.1:{p}" for name, p in platform.config.service_ports.items()}
        | {"prometheus": f"127.0.0.1:{platform.config.prometheus_port}"},
        status_listen=f"127.0.0.1:{free_port()}", state_dir=tmp_path, rate_per_second=200,
        run_as_root=os.geteuid() == 0,
        signin_rate_per_minute=gateway.SIGNIN_RATE_PER_MINUTE,
    ))
    nginx = install.nginx_binary()
    assert nginx is not None
    process = subprocess.Popen([nginx, "-c", str(conf), "-p", str(tmp_path / "nginx")], stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                httpx.get(f"{url}/", timeout=1)
                break
            except httpx.HTTPError:
                assert process.poll() is None, process.stderr.read() if process.stderr else b""
                assert time.monotonic() < deadline, "the strict gateway did not start"
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_sign_in_requests_are_limited_per_client(strict_gateway: str) -> None:
    limit = gateway.SIGNIN_RATE_PER_MINUTE
    with httpx.Client(base_url=strict_gateway, timeout=10) as client:
        # An empty body is refused by the service (422) without sending any email, but still counts.
        statuses = [client.post("/api/v1/auth/magic-link", json={}).status_code for _ in range(limit + 3)]
        assert 429 not in statuses[:limit], statuses  # the burst lets a minute's worth through at once
        assert statuses[-1] == 429, statuses
        limited = client.post("/api/v1/auth/magic-link", json={})
        assert (limited.status_code, limited.json()) == (429, {"detail": "too many requests, slow down"})
        # Other routes keep the general, much higher limit.
        assert client.get("/api/v1/referential/job-titles", params={"q": "boulanger"}).status_code == 200
