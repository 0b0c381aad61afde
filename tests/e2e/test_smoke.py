"""The chain works for real: gateway → profile (FerretDB + outbox) → Kafka → diagnosis and advice workers →
their records read back through the gateway."""

from __future__ import annotations

import httpx
import pytest

from deploy.local.platform import Platform
from deploy.local.services import SERVICE_NAMES
from tests.support import AsProfileOwner, poll_ready

pytestmark = [pytest.mark.integration, pytest.mark.e2e]




def demo_profile() -> dict[str, object]:
    return {
        "email": "camille@example.org",
        "year_of_birth": 1990,
        "highest_degree": "BAC_BACPRO",
        "frustrations": ["INTERVIEW"],
        "projects": [{
            "target_job": {"rome_code": "M1607"},
            "city": {"name": "Toulouse", "departement_id": "31"},
            "mobility_area": "DEPARTEMENT",
            "seniority": "INTERMEDIARY",
            "job_search_has_not_started": True,
        }],
    }


def test_every_service_answers_through_the_gateway(platform: Platform) -> None:
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10, auth=AsProfileOwner()) as client:
        for service in SERVICE_NAMES:
            response = client.get(f"/api/v1/{service}/healthz")
            assert response.status_code == 200, service
            assert response.json()["service"] == service
            assert response.headers["X-Request-ID"]
            ready = client.get(f"/api/v1/{service}/readyz")
            assert ready.json() == {"ready": True, "checks": {"kafka": True, "mongo": True}}, service


def test_profile_to_diagnosis_to_advice(platform: Platform) -> None:
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10, auth=AsProfileOwner()) as client:
        created = client.post("/api/v1/profiles", json=demo_profile())
        assert created.status_code == 201, created.text
        profile_id = created.json()["profile_id"]
        assert created.json()["version"] == 1

        stored = client.get(f"/api/v1/profiles/{profile_id}")
        assert stored.json()["profile"]["projects"][0]["target_job"]["rome_code"] == "M1607"

        diagnosis = poll_ready(client, f"/api/v1/profiles/{profile_id}/diagnosis")
        result = diagnosis["result"]
        assert isinstance(result, dict)
        assert result["diagnosis"]["main_challenge"] == "start-your-search"
        assert len(result["diagnosis"]["train"]) == 7

        advice = poll_ready(client, f"/api/v1/profiles/{profile_id}/advice")
        assert advice["profile_version"] == 1
        items = advice["result"]["advice"]
        assert items, "a profile always gets some advice"
        assert [i["score"] for i in items] == sorted((i["score"] for i in items), reverse=True)


def test_unknown_references_are_refused_with_the_field(platform: Platform) -> None:
    profile = demo_profile()
    profile["projects"][0]["target_job"] = {"rome_code": "N9999"}  # type: ignore[index]
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10, auth=AsProfileOwner()) as client:
        response = client.post("/api/v1/profiles", json=profile)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "projects", 0, "target_job", "rome_code"]
