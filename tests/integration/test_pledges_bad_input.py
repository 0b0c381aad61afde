"""Bad input gets a clear 4xx and stores nothing: bodies, kinds, capacities, tokens without an email, files,
unknown reviews, links."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from deploy.local.platform import Platform
from services.pledges.adapters import db
from services.pledges.config import PledgesSettings
from services.pledges.domain.helpers import UNSUBSCRIBE
from shared.auth.links import sign
from shared.auth.tokens import Role
from tests.integration.pledges_support import person, pledges_db, upload
from tests.support import access_token, bearer

pytestmark = [pytest.mark.integration, pytest.mark.e2e]
__all__ = ["pledges_db"]
# A pledge no request of the other tests can match: the shared platform serves the longest-waiting pledges first.
NOWHERE = {"pledges": [{"kind": "HELP_COFFEE"}], "domains": ["A11"], "remote": False,
           "cities": [{"name": "Nowhere", "departement_id": "2A"}]}


def helper(**overrides: object) -> dict[str, object]:
    return {"name": "Alex"} | NOWHERE | overrides


@pytest.mark.parametrize(("overrides", "field"), [
    ({"email": "someone@example.org"}, "email"),  # the email is the token's, never the body's
    ({"pledges": [{"kind": "HELP_GARDENING"}]}, "kind"),
    ({"pledges": [{"kind": "HELP_RESUME", "capacity": 4}]}, "pledges"),
    ({"domains": ["M16X"]}, "domains"),
    ({"pledges": []}, "pledges"),
])
def test_invalid_helpers_are_refused_with_the_field(
    platform: Platform, overrides: dict[str, object], field: str
) -> None:
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10) as client:
        response = client.post("/api/v1/helpers", json=helper(**overrides), headers=person("bad", Role.HELPER).auth)
    assert response.status_code == 422
    assert any(field in map(str, error["loc"]) for error in response.json()["detail"]), response.json()


def test_a_helper_registers_once(platform: Platform) -> None:
    signed_in = person("once", Role.HELPER)
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10) as client:
        first = client.post("/api/v1/helpers", json=helper(), headers=signed_in.auth)
        assert first.status_code == 201, first.text
        assert first.json() == {"helper_id": signed_in.id, "status": "active"}
        assert client.post("/api/v1/helpers", json=helper(), headers=signed_in.auth).status_code == 409


def test_a_token_without_an_email_cannot_register_or_ask(platform: Platform) -> None:
    choice = {"opt_in": True, "rome_code": "M1607", "city": {"name": "Toulouse", "departement_id": "31"}}
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10) as client:
        no_email = bearer(access_token(None, Role.HELPER))
        assert client.post("/api/v1/helpers", json=helper(), headers=no_email).status_code == 400
        seeker = bearer(access_token(None, Role.JOB_SEEKER))
        assert client.post("/api/v1/help-requests/coffee", json=choice, headers=seeker).status_code == 400
        assert client.post("/api/v1/documents", data={"kind": "RESUME"}, headers=seeker,
                           files={"file": ("cv.txt", b"CV\n", "text/plain")}).status_code == 400


@pytest.mark.usefixtures(pledges_db.__name__)
def test_files_are_checked_by_size_and_content(platform: Platform) -> None:
    seeker = person("uploader")
    with httpx.Client(base_url=platform.config.gateway_url, timeout=30) as client:
        assert upload(client, seeker, content=b"MZ\x90\x00binary", media_type="application/octet-stream"
                      ).status_code == 415
        assert upload(client, seeker, content=b"plain text", media_type="application/pdf").status_code == 415
        assert upload(client, seeker, kind="PHOTO").status_code == 422
        assert upload(client, seeker, content=b"a" * 5_000_001).status_code == 413
        accepted = upload(client, seeker, content=b"%PDF-1.4\n" + b"0" * 4_000_000, media_type="application/pdf")
        assert accepted.status_code == 201
    # Not a real request: the other tests' helpers must not get it.
    db.documents().delete_one({"_id": accepted.json()["document_id"]})


def test_unknown_or_malformed_reviews_are_refused(platform: Platform) -> None:
    reviewer = person("reviewer", Role.HELPER)
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10) as client:
        assert client.get("/api/v1/reviews/unknown-review", headers=reviewer.auth).status_code == 404
        assert client.get("/api/v1/reviews/unknown-review/document", headers=reviewer.auth).status_code == 404
        assert client.post("/api/v1/reviews/unknown-review", json={"text": "a long enough text"},
                           headers=reviewer.auth).status_code == 404
        assert client.post("/api/v1/reviews/unknown-review", json={"text": "short"},
                           headers=reviewer.auth).status_code == 422
        assert client.get("/api/v1/reviews/not%20an%20id", headers=reviewer.auth).status_code == 422


def test_forged_and_expired_unsubscribe_links_are_refused(platform: Platform) -> None:
    settings = PledgesSettings(environment="test")  # the same dev-and-test key as the service
    now = dt.datetime.now(dt.UTC)
    hour = dt.timedelta(hours=1)
    forged = sign("not-the-key" * 4, UNSUBSCRIBE, "someone", now, hour)
    expired = sign(settings.key, UNSUBSCRIBE, "someone", now - hour - dt.timedelta(seconds=1), hour)
    unknown = sign(settings.key, UNSUBSCRIBE, "nobody-registered", now, hour)
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10) as client:
        assert client.get("/api/v1/helpers/unsubscribe", params={"token": forged}).status_code == 400
        assert client.get("/api/v1/helpers/unsubscribe", params={"token": expired}).status_code == 410
        assert client.post("/api/v1/helpers/unsubscribe", params={"token": unknown}).status_code == 400
        assert client.get("/api/v1/helpers/unsubscribe", params={"token": "short"}).status_code == 422
