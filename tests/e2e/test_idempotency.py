"""Through the gateway: a job seeker whose PUT lost its answer retries with the same Idempotency-Key and gets the
original answer; one new version is stored, not two."""

from __future__ import annotations

import uuid

import httpx
import pytest

from deploy.local.platform import Platform
from tests.support import access_token, bearer

pytestmark = [pytest.mark.integration, pytest.mark.e2e]
PROFILE = {"year_of_birth": 1990, "projects": [{"target_job": {"rome_code": "M1607"},
                                                "city": {"name": "Lyon", "departement_id": "69"}}]}


def test_a_retried_put_stores_one_version_and_answers_the_same(platform: Platform) -> None:
    person = uuid.uuid4().hex
    me = bearer(access_token(person))
    with httpx.Client(base_url=platform.config.gateway_url, headers=me, timeout=15) as client:
        assert client.post("/api/v1/profiles", json=PROFILE).status_code == 201
        changed = {**PROFILE, "year_of_birth": 1991}
        key = {"Idempotency-Key": str(uuid.uuid4())}
        first = client.put(f"/api/v1/profiles/{person}", json=changed, headers=key)
        retry = client.put(f"/api/v1/profiles/{person}", json=changed, headers=key)
        assert first.status_code == retry.status_code == 200
        assert retry.json() == first.json()
        assert first.json()["version"] == 2
        assert retry.headers["idempotent-replayed"] == "true"
        assert client.get(f"/api/v1/profiles/{person}").json()["version"] == 2  # no third version
        again = client.put(f"/api/v1/profiles/{person}", json=changed, headers={"Idempotency-Key": str(uuid.uuid4())})
        assert again.json()["version"] == 3  # a new key is a new change
