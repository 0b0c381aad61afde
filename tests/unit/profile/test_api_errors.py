"""The profile API answers each refusal of its use cases with one HTTP status, mapped in one place; the use
cases are fakes here (no Mongo, no Kafka)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.profile.domain import errors
from services.profile.entrypoints.api import STATUS, app
from shared.referential.repository import ReferentialCache
from tests.support import access_token, bearer
from tests.unit.profile.support import replaced

PROFILE_ID = "0" * 32
BODY = {"year_of_birth": 1990, "projects": [{"city": {"name": "Lyon", "departement_id": "69"}}]}


class Refusing:
    """Every use case raises the error it was given."""

    def __init__(self) -> None:
        self.error: Exception = AssertionError("no error chosen")

    async def create(self, *args: object) -> Any:
        raise self.error

    async def update(self, *args: object) -> Any:
        raise self.error

    async def read(self, *args: object) -> Any:
        raise self.error

    def redeem(self, *args: object) -> Any:
        raise self.error

    def refresh(self, *args: object) -> Any:
        raise self.error

    def read_export(self, *args: object) -> Any:
        raise self.error


@pytest.fixture(scope="module")
def fake() -> Iterator[Refusing]:
    refusing = Refusing()
    with replaced(app, referential=ReferentialCache.from_seed(), profiles=refusing, accounts=refusing,
                  privacy=refusing):
        yield refusing


@pytest.fixture(scope="module")
def client(fake: Refusing) -> TestClient:
    return TestClient(app, headers=bearer(access_token(PROFILE_ID)))  # no lifespan: nothing to connect to


def answer(client: TestClient, fake: Refusing, error: Exception, method: str, url: str,
           body: Any = None) -> tuple[int, Any, str | None]:
    fake.error = error
    response = client.request(method, url, json=body)
    return response.status_code, response.json()["detail"], response.headers.get("WWW-Authenticate")


@pytest.mark.parametrize(
    ("error", "method", "url", "status"),
    [
        (errors.ProfileExists(), "POST", "/api/v1/profiles", 409),
        (errors.AccountErased(), "POST", "/api/v1/profiles", 403),
        (errors.ProfileNotFound(), "PUT", f"/api/v1/profiles/{PROFILE_ID}", 404),
        (errors.AccountErased(), "PUT", f"/api/v1/profiles/{PROFILE_ID}", 403),
        (errors.ProfileNotFound(), "GET", f"/api/v1/profiles/{PROFILE_ID}", 404),
        (errors.ExportNotFound(), "GET", f"/api/v1/accounts/me/exports/{'a' * 32}", 404),
        (errors.NotYourExport(), "GET", f"/api/v1/accounts/me/exports/{'a' * 32}", 403),
    ],
)
def test_refusals_become_statuses(
    client: TestClient, fake: Refusing, error: errors.ProfileError, method: str, url: str, status: int
) -> None:
    body = BODY if method in ("POST", "PUT") else None
    assert answer(client, fake, error, method, url, body)[:2] == (status, str(error))


def test_a_used_or_expired_link_is_gone_and_a_bad_one_refused(client: TestClient, fake: Refusing) -> None:
    url, body = "/api/v1/auth/token", {"token": "x" * 40}
    assert answer(client, fake, errors.LinkRejected("used", gone=True), "POST", url, body)[:2] == (410, "used")
    assert answer(client, fake, errors.LinkRejected("invalid link"), "POST", url, body)[:2] == (400, "invalid link")


def test_a_rejected_session_asks_for_a_bearer_token(client: TestClient, fake: Refusing) -> None:
    status, _, challenge = answer(client, fake, errors.SessionRejected("ended"), "POST", "/api/v1/auth/refresh",
                                  {"refresh_token": "x" * 40})
    assert (status, challenge) == (401, "Bearer")


def test_every_refusal_has_a_status() -> None:
    def subclasses(cls: type[errors.ProfileError]) -> set[type[errors.ProfileError]]:
        return {c for sub in cls.__subclasses__() for c in (sub, *subclasses(sub))}

    assert subclasses(errors.ProfileError) == set(STATUS)


def test_a_role_that_cannot_be_asked_is_refused_in_words(client: TestClient) -> None:
    response = client.post("/api/v1/auth/magic-link", json={"email": "a@example.org", "role": "operator"})
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["msg"] == "Input should be 'job_seeker' or 'helper'"
