"""Through the whole platform: the followup worker assigns every sign-up, the advice worker stores the
assignment, and only then does the advice read API answer `ready` (everyone is treated: share 0 in tests)."""

from __future__ import annotations

import time
import uuid

import httpx
import pytest

from deploy.local.platform import Platform
from shared.auth.tokens import Role
from tests.support import access_token, bearer

pytestmark = [pytest.mark.integration, pytest.mark.e2e]


def test_signup_is_assigned_and_gates_the_advice(platform: Platform) -> None:
    profile = {
        "email": f"followup-{uuid.uuid4().hex[:10]}@example.org",
        "year_of_birth": 1987,
        "projects": [{"target_job": {"rome_code": "M1607"}, "city": {"name": "Toulouse", "departement_id": "31"}}],
    }
    seeker = bearer(access_token())
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10, headers=seeker) as client:
        created = client.post("/api/v1/profiles", json=profile)
        assert created.status_code == 201, created.text
        url = f"/api/v1/profiles/{created.json()['profile_id']}/advice"
        deadline = time.monotonic() + 60
        while (body := client.get(url).json())["status"] == "pending":
            assert time.monotonic() < deadline, "advice still pending: no assignment stored?"
            time.sleep(0.2)
        assert body["status"] == "ready"
        assert body["result"]["advice"]

        assert client.get("/api/v1/followup/readyz").json()["ready"] is True
        assert client.get("/api/v1/followup/kpis").status_code == 403  # a job seeker is not an operator
        kpis = client.get("/api/v1/followup/kpis", headers=bearer(access_token(None, Role.OPERATOR)))
        assert kpis.status_code == 200
        assert kpis.json()["impact"]["method"].startswith("Newcombe")
        forged = client.get("/api/v1/followup/surveys/e30.e30.forged-signature", params={"answer": "still-seeking"})
        assert forged.status_code == 403
