"""Every route of every service declares who may call it (shared/auth/access.py), exactly once."""

from __future__ import annotations

import importlib

import pytest
from fastapi import FastAPI

from deploy.local.services import PROCESSES
from shared.auth.access import RouteAccess, route_access

APIS = [p.module for p in PROCESSES if p.role == "api"]
OPEN = {"public", "link"}
# Reachable without an access token: no personal data, signing in, or authorised by a signed emailed link.
ALLOWED_OPEN = {
    "/healthz", "/readyz", "/metrics", "/api/v1/referential/job-titles",
    "/api/v1/referential/markets/{rome_code}/{departement_id}",  # labour-market figures only
    "/api/v1/pledges/stats",
    "/api/v1/auth/magic-link", "/api/v1/auth/token", "/api/v1/auth/refresh",
    "/api/v1/followup/surveys/{token}", "/api/v1/followup/unsubscribe/{token}", "/api/v1/helpers/unsubscribe",
    "/api/v1/followup/coaching/unsubscribe/{token}",
}


def routes_of(module: str) -> list[RouteAccess]:
    app: FastAPI = importlib.import_module(module).app
    return route_access(app)


@pytest.mark.parametrize("module", APIS)
def test_every_route_declares_one_access_policy(module: str) -> None:
    routes = routes_of(module)
    assert len(routes) > 3
    assert {f"{sorted(r.methods)} {r.path}": r.policies for r in routes if len(r.policies) != 1} == {}


@pytest.mark.parametrize("module", APIS)
def test_only_non_personal_routes_are_open(module: str) -> None:
    assert {r.path for r in routes_of(module) if r.policies[0] in OPEN} <= ALLOWED_OPEN


def test_results_and_profiles_are_owner_only() -> None:
    owned = {r.path for m in APIS for r in routes_of(m) if r.policies == ("owner",)}
    assert {
        "/api/v1/profiles/{profile_id}", "/api/v1/profiles/{profile_id}/diagnosis",
        "/api/v1/profiles/{profile_id}/advice",
    } <= owned
    kpis = [r for r in routes_of("services.followup.entrypoints.api") if r.path.endswith("/kpis")]
    assert [r.policies for r in kpis] == [("roles:operator",)]
