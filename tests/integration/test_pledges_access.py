"""Who may call the pledges API, through the gateway with real signed tokens: no token gets 401, the wrong role
403, a helper reaches only the reviews assigned to them, and a job seeker only their own help requests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from deploy.local.platform import Platform
from services.pledges.adapters import db
from shared.auth.tokens import Role
from tests.integration.pledges_support import Person, person, pledges_db, poll, sign_up, upload
from tests.support import access_token, bearer

pytestmark = [pytest.mark.integration, pytest.mark.e2e]
__all__ = ["pledges_db"]

CHOICE = {"opt_in": True, "rome_code": "M1607", "city": {"name": "Toulouse", "departement_id": "31"}}
HELPER_BODY = {"name": "Alex", "pledges": [{"kind": "HELP_RESUME"}]}
REVIEW = "0" * 32
# (method, path, JSON body): valid requests, so only the access policy can refuse them.
HELPER_ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("POST", "/api/v1/helpers", HELPER_BODY),
    ("GET", "/api/v1/helpers/me", None),
    ("GET", "/api/v1/helpers/me/reviews", None),
    ("GET", f"/api/v1/reviews/{REVIEW}", None),
    ("GET", f"/api/v1/reviews/{REVIEW}/document", None),
    ("POST", f"/api/v1/reviews/{REVIEW}", {"text": "a review long enough"}),
]
SEEKER_ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/api/v1/help-requests", None),
    ("POST", "/api/v1/help-requests/coffee", CHOICE),
]


@pytest.fixture
def client(platform: Platform) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10) as gateway:
        yield gateway


def call(client: httpx.Client, method: str, path: str, body: dict[str, Any] | None, who: Person | None
         ) -> httpx.Response:
    return client.request(method, path, json=body, headers=who.auth if who else {})


def upload_as(client: httpx.Client, who: Person | None) -> httpx.Response:
    return client.post("/api/v1/documents", data={"kind": "RESUME"}, files={"file": ("cv.txt", b"CV\n", "text/plain")},
                       headers=who.auth if who else {})


@pytest.mark.parametrize(("method", "path", "body"), [*HELPER_ROUTES, *SEEKER_ROUTES])
def test_no_token_gets_401(client: httpx.Client, method: str, path: str, body: dict[str, Any] | None) -> None:
    response = call(client, method, path, body, None)
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"


def test_no_token_gets_401_on_uploads_and_a_bad_token_too(client: httpx.Client) -> None:
    assert upload_as(client, None).status_code == 401
    forged = access_token(None, Role.JOB_SEEKER, email="x@example.org")[:-4] + "AAAA"
    assert client.get("/api/v1/help-requests", headers=bearer(forged)).status_code == 401


@pytest.mark.parametrize(("method", "path", "body"), HELPER_ROUTES)
def test_a_job_seeker_token_on_helper_routes_gets_403(
    client: httpx.Client, method: str, path: str, body: dict[str, Any] | None
) -> None:
    assert call(client, method, path, body, person("seeker")).status_code == 403


@pytest.mark.parametrize(("method", "path", "body"), SEEKER_ROUTES)
def test_a_helper_token_on_job_seeker_routes_gets_403(
    client: httpx.Client, method: str, path: str, body: dict[str, Any] | None
) -> None:
    assert call(client, method, path, body, person("helper", Role.HELPER)).status_code == 403
    assert upload_as(client, person("helper", Role.HELPER)).status_code == 403


def test_the_public_counters_need_no_token(client: httpx.Client) -> None:
    assert client.get("/api/v1/pledges/stats").status_code == 200


@pytest.mark.usefixtures(pledges_db.__name__)
def test_a_job_seeker_reads_only_their_own_help_requests(client: httpx.Client) -> None:
    owner, other = person("owner"), person("other")
    uploaded = upload(client, owner)
    assert uploaded.status_code == 201, uploaded.text
    document_id = uploaded.json()["document_id"]
    try:
        # Opted out: a request no helper will take, but one the owner sees.
        opted_out = CHOICE | {"opt_in": False}
        assert client.post("/api/v1/help-requests/coffee", json=opted_out, headers=owner.auth).status_code == 200

        mine = client.get("/api/v1/help-requests", headers=owner.auth)
        assert mine.status_code == 200, mine.text
        assert [d["document_id"] for d in mine.json()["documents"]] == [document_id]
        assert mine.json()["coffee"] == {"opted_in": False, "matched": False}

        theirs = client.get("/api/v1/help-requests", headers=other.auth)
        assert theirs.status_code == 200, theirs.text
        assert theirs.json() == {"documents": [], "coffee": None}
    finally:  # not a real request: the other tests' helpers must not get it
        db.documents().delete_one({"_id": document_id})


@pytest.mark.usefixtures(pledges_db.__name__)
def test_a_helper_opens_only_the_reviews_assigned_to_them(client: httpx.Client) -> None:
    reviewer = sign_up(client, "reviewer", pledges=[{"kind": "HELP_RESUME", "capacity": 1}])
    stranger = sign_up(client, "stranger", pledges=[{"kind": "HELP_COFFEE"}], domains=["A11"], remote=False,
                       cities=[{"name": "Nowhere", "departement_id": "2A"}])
    uploaded = upload(client, person("seeker"))
    assert uploaded.status_code == 201, uploaded.text
    try:
        def assigned() -> list[dict[str, Any]] | None:
            listed: list[dict[str, Any]] = client.get("/api/v1/helpers/me/reviews", headers=reviewer.auth).json()
            return listed or None

        [review] = poll(assigned, what="a review assigned to the reviewer")
        path = f"/api/v1/reviews/{review['review_id']}"
        assert client.get(path, headers=reviewer.auth).status_code == 200
        assert client.get("/api/v1/helpers/me/reviews", headers=stranger.auth).json() == []
        assert client.get(path, headers=stranger.auth).status_code == 403
        assert client.get(f"{path}/document", headers=stranger.auth).status_code == 403
        assert client.post(path, json={"text": "not my review to write"}, headers=stranger.auth).status_code == 403
        assert client.get(path, headers=reviewer.auth).json()["state"] == "SENT"  # untouched
        assert client.get(f"/api/v1/reviews/{REVIEW}", headers=reviewer.auth).status_code == 404
    finally:
        db.documents().delete_one({"_id": uploaded.json()["document_id"]})


def test_a_helper_reads_what_they_pledged(client: httpx.Client) -> None:
    newcomer = person("newcomer", Role.HELPER)
    assert client.get("/api/v1/helpers/me", headers=newcomer.auth).status_code == 404  # the client offers the form
    # A coffee in a domain nobody asks for, so this helper takes no other test's request.
    helper = sign_up(client, "pledged", domains=["K24"], pledges=[{"kind": "HELP_COFFEE", "capacity": 2}])
    me = client.get("/api/v1/helpers/me", headers=helper.auth)
    assert me.status_code == 200, me.text
    assert me.json()["helper_id"] == helper.id
    assert me.json()["domains"] == ["K24"]
    assert me.json()["pledges"] == [{"kind": "HELP_COFFEE", "capacity": 2, "free": 2, "done": 0, "active": True}]
    assert client.get("/api/v1/helpers/me", headers=person("seeker").auth).status_code == 403
