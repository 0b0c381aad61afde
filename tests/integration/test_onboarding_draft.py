"""The stepped onboarding's draft through the gateway on the real platform (issue 16): each step is checked (422
naming the field), merged and kept server-side so another device resumes it; it is the signed-in job seeker's own,
exported and erased with the rest of their data."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from deploy.local.platform import Platform
from shared.auth.tokens import Role
from tests.support import access_token, bearer, sign_in, unique_email, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

DRAFT = "/api/v1/profiles/me/draft"
CITY = {"name": "Toulouse", "departement_id": "31"}


def test_a_draft_is_saved_step_by_step_resumed_elsewhere_exported_and_erased(platform: Platform) -> None:
    email = unique_email("draft")
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10) as client:
        tokens = sign_in(client, platform.config.maildir, email)
        me = bearer(tokens["access_token"])
        person = tokens["account"]["account_id"]
        assert client.get(DRAFT, headers=me).status_code == 404

        bad = client.put(DRAFT, json={"step": "you", "profile": {"year_of_birth": 1800}}, headers=me)
        assert bad.status_code == 422
        assert [e["loc"] for e in bad.json()["detail"]] == [["body", "profile", "year_of_birth"]]
        foreign = client.put(DRAFT, json={"step": "you", "profile": {"year_of_birth": 1990, "frustrations": []}},
                             headers=me)
        assert foreign.status_code == 422
        assert foreign.json()["detail"][0]["loc"] == ["body", "profile", "frustrations"]
        unknown_step = client.put(DRAFT, json={"step": "later", "profile": {}}, headers=me)
        assert unknown_step.status_code == 422
        assert unknown_step.json()["detail"][0]["loc"] == ["body", "step"]

        saved = client.put(DRAFT, json={"step": "you", "profile": {"year_of_birth": 1990, "email": email}},
                           headers=me)
        assert saved.status_code == 200, saved.text
        assert saved.json()["steps"] == ["you"]
        project = {"step": "project", "profile": {"projects": [{"city": CITY, "target_job": {"rome_code": "D1102"}}]}}
        assert client.put(DRAFT, json=project, headers=me).status_code == 200
        guess = {"step": "holds-back", "profile": {"self_diagnosis": {"challenge": None, "note": "Je ne sais pas"}}}
        assert client.put(DRAFT, json=guess, headers=me).status_code == 200

        # Another device (another token of the same person) resumes where the first left off.
        elsewhere = client.get(DRAFT, headers=bearer(access_token(person))).json()
        assert elsewhere["steps"] == ["you", "project", "holds-back"]
        assert elsewhere["profile"]["projects"][0]["city"]["name"] == "Toulouse"
        assert elsewhere["profile"]["self_diagnosis"] == {"challenge": None, "note": "Je ne sais pas"}
        # Someone else has their own (none), and a helper has no draft at all.
        assert client.get(DRAFT, headers=bearer(access_token())).status_code == 404
        assert client.get(DRAFT, headers=bearer(access_token(person, Role.HELPER))).status_code == 403
        assert client.get(DRAFT).status_code == 401

        export_id = client.post("/api/v1/accounts/me/exports", headers=me).json()["export_id"]

        def archive() -> dict[str, Any] | None:
            body: dict[str, Any] = client.get(f"/api/v1/accounts/me/exports/{export_id}", headers=me).json()
            return body if body["status"] == "ready" else None

        exported = wait_for("the export archive", archive)["services"]["profile"]["onboarding_draft"]
        assert exported["steps"] == ["you", "project", "holds-back"]
        assert exported["profile"]["email"] == email

        assert client.delete(DRAFT, headers=me).status_code == 204
        assert client.get(DRAFT, headers=me).status_code == 404
        assert client.put(DRAFT, json=project, headers=me).status_code == 200

        assert client.delete("/api/v1/accounts/me", headers=me).status_code == 202
        same_subject = bearer(access_token(person))
        wait_for("the draft erased", lambda: client.get(DRAFT, headers=same_subject).status_code == 404)
        assert client.put(DRAFT, json=project, headers=same_subject).status_code == 403
