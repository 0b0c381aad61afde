"""Every route that is not open, called through the gateway without a token, with another person's token and with
a wrong role: 401 or 403, never data. The routes come from the services' own route tables, so a new route is
covered the day it is added."""

from __future__ import annotations

import importlib
import re
import uuid

import httpx
import pytest

from deploy.local.platform import Platform
from deploy.local.services import PROCESSES
from shared.auth.access import RouteAccess, route_access
from shared.auth.tokens import Role
from tests.support import access_token, bearer

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

OPEN = {"public", "link"}


def guarded_routes() -> list[tuple[str, RouteAccess]]:
    found: list[tuple[str, RouteAccess]] = []
    for process in PROCESSES:
        if process.role != "api":
            continue
        for route in route_access(importlib.import_module(process.module).app):
            if route.policies[0] not in OPEN:
                found.extend((method, route) for method in sorted(route.methods - {"HEAD"}))
    return found


ROUTES = guarded_routes()


def _url(route: RouteAccess, owner: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: owner if m.group(1) == "profile_id" else uuid.uuid4().hex, route.path)


@pytest.fixture(scope="module")
def people(platform: Platform) -> dict[str, str]:
    """Léa owns a stored profile; Marc is another job seeker."""
    lea, marc = uuid.uuid4().hex, uuid.uuid4().hex
    body = {"year_of_birth": 1990, "projects": [{"city": {"name": "Lyon", "departement_id": "69"}}]}
    created = httpx.post(f"{platform.config.gateway_url}/api/v1/profiles", json=body,
                         headers=bearer(access_token(lea)), timeout=10)
    assert created.status_code == 201, created.text
    return {"lea": lea, "marc": marc}


@pytest.mark.parametrize(("method", "route"), ROUTES, ids=[f"{m} {r.path}" for m, r in ROUTES])
def test_guarded_routes_refuse_the_wrong_callers(
    platform: Platform, people: dict[str, str], method: str, route: RouteAccess
) -> None:
    url = platform.config.gateway_url + _url(route, people["lea"])
    with httpx.Client(timeout=10) as client:
        assert client.request(method, url).status_code == 401
        assert client.request(method, url, headers={"Authorization": "Bearer not-a-token"}).status_code == 401
        policy = route.policies[0]
        if policy == "owner":
            other = client.request(method, url, headers=bearer(access_token(people["marc"])))
            assert other.status_code == 403, other.text
            helper = client.request(method, url, headers=bearer(access_token(people["lea"], Role.HELPER)))
            assert helper.status_code == 403, helper.text
        elif policy.startswith("roles:"):
            allowed = set(policy.removeprefix("roles:").split(","))
            wrong = [r for r in Role if r.value not in allowed]
            if wrong:
                refused = client.request(method, url, headers=bearer(access_token(people["marc"], *wrong)))
                assert refused.status_code == 403, refused.text


def test_the_table_covers_every_kind_of_guard() -> None:
    assert {r.policies[0] for _, r in ROUTES} >= {"owner", "roles:job_seeker", "roles:helper", "roles:operator"}
    assert len(ROUTES) >= 15


def test_another_persons_export_is_refused(platform: Platform, people: dict[str, str]) -> None:
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10) as client:
        started = client.post("/api/v1/accounts/me/exports", headers=bearer(access_token(people["lea"])))
        assert started.status_code == 202, started.text
        url = f"/api/v1/accounts/me/exports/{started.json()['export_id']}"
        assert client.get(url, headers=bearer(access_token(people["marc"]))).status_code == 403
        assert client.get(url, headers=bearer(access_token(people["lea"]))).status_code == 200
