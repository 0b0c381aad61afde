"""The whole Bob Action flow through the gateway, real Kafka and FerretDB: a helper signs up and confirms from
the emailed link, a job seeker uploads a CV, the match is made, the reviewer submits the review through the
signed link, the owner receives it by email, and the public counters move."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from deploy.local.platform import Platform
from tests.integration.pledges_support import sign_up_and_confirm, token_in, unique_email, upload, wait_mail

pytestmark = [pytest.mark.integration, pytest.mark.e2e]


def stats(client: httpx.Client) -> dict[str, Any]:
    response = client.get("/api/v1/pledges/stats")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_a_cv_review_from_pledge_to_owner_email(platform: Platform) -> None:
    maildir = platform.config.maildir
    helper, seeker = unique_email("helper"), unique_email("seeker")
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10) as client:
        before = stats(client)
        sign_up_and_confirm(client, maildir, helper, pledges=[{"kind": "HELP_RESUME", "capacity": 1}])

        cv = b"Camille Martin\nDeveloppeuse web, 5 ans d'experience\n"
        uploaded = upload(client, seeker, content=cv)
        assert uploaded.status_code == 201, uploaded.text

        token = token_in(wait_mail(maildir, helper, "/api/v1/reviews/"), "/api/v1/reviews")
        opened = client.get(f"/api/v1/reviews/{token}")
        assert opened.status_code == 200, opened.text
        assert opened.json()["state"] == "SENT"
        document = client.get(opened.json()["document_url"])
        assert document.content == cv
        assert document.headers["content-type"].startswith("text/plain")

        text = "Mettez vos projets en premier et chiffrez vos résultats."
        assert client.post(f"/api/v1/reviews/{token}", json={"text": text}).status_code == 200
        assert client.post(f"/api/v1/reviews/{token}", json={"text": text}).status_code == 410

        assert text in wait_mail(maildir, seeker, "avis")
        after = stats(client)
    assert after["reviews_done"]["by_kind"]["HELP_RESUME"] == before["reviews_done"]["by_kind"]["HELP_RESUME"] + 1
    assert after["fulfilled"]["by_kind"]["HELP_RESUME"] == before["fulfilled"]["by_kind"]["HELP_RESUME"] + 1
    assert after["pledges"]["total"] == before["pledges"]["total"] + 1


def test_a_coffee_in_the_helpers_domain_and_city(platform: Platform) -> None:
    maildir = platform.config.maildir
    helper, seeker = unique_email("coffee-helper"), unique_email("coffee-seeker")
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10) as client:
        coffees = stats(client)["coffees"]
        sign_up_and_confirm(
            client, maildir, helper, pledges=[{"kind": "HELP_COFFEE", "capacity": 1}], remote=False,
            domains=["M16"], cities=[{"name": "Toulouse", "departement_id": "31"}],
        )
        choice = {"profile_id": seeker.split("@")[0], "email": seeker, "opt_in": True, "rome_code": "M1607",
                  "city": {"name": "Toulouse", "departement_id": "31"}}
        assert client.post("/api/v1/help-requests/coffee", json=choice).status_code == 200
        assert helper in wait_mail(maildir, seeker, "café")
        assert seeker in wait_mail(maildir, helper, "rencontrer")
        assert stats(client)["coffees"] == coffees + 1
