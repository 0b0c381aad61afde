"""The whole Bob Action flow through the gateway, real Kafka and FerretDB: a signed-in helper pledges (active at
once, welcome email with an unsubscribe link), a signed-in job seeker uploads a CV, the match is made, the reviewer
finds it in their list and in the email's link, opens it and submits the review, the owner receives it by email and
on their help requests, and the public counters move."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from deploy.local.platform import Platform
from tests.integration.pledges_support import person, poll, review_id_in, sign_up, upload, wait_mail

pytestmark = [pytest.mark.integration, pytest.mark.e2e]


def stats(client: httpx.Client) -> dict[str, Any]:
    response = client.get("/api/v1/pledges/stats")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_a_cv_review_from_pledge_to_owner(platform: Platform) -> None:
    maildir = platform.config.maildir
    seeker = person("seeker")
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10) as client:
        before = stats(client)
        helper = sign_up(client, "helper", pledges=[{"kind": "HELP_RESUME", "capacity": 1}])
        assert "/#/unsubscribe/helper/" in wait_mail(maildir, helper.email, "Merci")

        cv = b"Camille Martin\nDeveloppeuse web, 5 ans d'experience\n"
        uploaded = upload(client, seeker, content=cv)
        assert uploaded.status_code == 201, uploaded.text
        document_id = uploaded.json()["document_id"]

        review_id = review_id_in(wait_mail(maildir, helper.email, "#/reviews/"))
        listed = client.get("/api/v1/helpers/me/reviews", headers=helper.auth)
        assert listed.status_code == 200, listed.text
        assert {"review_id": review_id, "kind": "RESUME", "state": "SENT",
                "document_url": f"/api/v1/reviews/{review_id}/document"} in listed.json()

        opened = client.get(f"/api/v1/reviews/{review_id}", headers=helper.auth)
        assert opened.status_code == 200, opened.text
        assert opened.json()["state"] == "SENT"
        document = client.get(opened.json()["document_url"], headers=helper.auth)
        assert document.content == cv
        assert document.headers["content-type"].startswith("text/plain")
        assert "nosniff" in document.headers["x-content-type-options"]

        text = "Mettez vos projets en premier et chiffrez vos résultats."
        done = client.post(f"/api/v1/reviews/{review_id}", json={"text": text}, headers=helper.auth)
        assert done.status_code == 200, done.text
        assert done.json()["state"] == "DONE"
        assert client.post(f"/api/v1/reviews/{review_id}", json={"text": text}, headers=helper.auth
                           ).status_code == 410
        assert client.get(f"/api/v1/reviews/{review_id}", headers=helper.auth).json()["state"] == "DONE"

        assert text in wait_mail(maildir, seeker.email, "avis")
        mine = client.get("/api/v1/help-requests", headers=seeker.auth)
        assert mine.status_code == 200, mine.text
        [requested] = [d for d in mine.json()["documents"] if d["document_id"] == document_id]
        assert requested["kind"] == "RESUME"
        assert {"review_id": review_id, "state": "DONE", "text": text} in requested["reviews"]
        assert mine.json()["coffee"] is None
        after = stats(client)
    assert after["reviews_done"]["by_kind"]["HELP_RESUME"] == before["reviews_done"]["by_kind"]["HELP_RESUME"] + 1
    assert after["fulfilled"]["by_kind"]["HELP_RESUME"] == before["fulfilled"]["by_kind"]["HELP_RESUME"] + 1
    assert after["pledges"]["total"] == before["pledges"]["total"] + 1


def test_a_coffee_in_the_helpers_domain_and_city(platform: Platform) -> None:
    maildir = platform.config.maildir
    seeker = person("coffee-seeker")
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10) as client:
        coffees = stats(client)["coffees"]
        helper = sign_up(
            client, "coffee-helper", pledges=[{"kind": "HELP_COFFEE", "capacity": 1}], remote=False,
            domains=["M16"], cities=[{"name": "Toulouse", "departement_id": "31"}],
        )
        choice = {"opt_in": True, "rome_code": "M1607", "city": {"name": "Toulouse", "departement_id": "31"}}
        chosen = client.post("/api/v1/help-requests/coffee", json=choice, headers=seeker.auth)
        assert chosen.status_code == 200, chosen.text
        assert chosen.json()["profile_id"] == seeker.id
        assert chosen.json()["opted_in"] is True
        assert helper.email in wait_mail(maildir, seeker.email, "café")
        assert seeker.email in wait_mail(maildir, helper.email, "rencontrer")
        assert stats(client)["coffees"] == coffees + 1

        def matched() -> dict[str, Any] | None:
            coffee: dict[str, Any] = client.get("/api/v1/help-requests", headers=seeker.auth).json()["coffee"]
            return coffee if coffee["matched"] else None

        assert poll(matched, what="the coffee shown as matched") == {"opted_in": True, "matched": True}
