"""Signing in through the gateway: magic link by email, single use, access and rotating refresh tokens, roles."""

from __future__ import annotations

import httpx
import pytest

from deploy.local.platform import Platform
from tests.support import bearer, magic_token, mail_text, sign_in, unique_email

pytestmark = [pytest.mark.integration, pytest.mark.e2e]


@pytest.fixture
def client(platform: Platform) -> httpx.Client:
    return httpx.Client(base_url=platform.config.gateway_url, timeout=10)


def test_a_job_seeker_signs_up_from_the_emailed_link(platform: Platform, client: httpx.Client) -> None:
    email = unique_email("seeker")
    tokens = sign_in(client, platform.config.maildir, email)
    assert tokens["token_type"] == "bearer"
    assert tokens["expires_in"] == 900
    account = tokens["account"]
    assert account["email"] == email
    assert account["roles"] == ["job_seeker"]
    me = client.get("/api/v1/accounts/me", headers=bearer(tokens["access_token"]))
    assert me.status_code == 200
    assert me.json() == account

    # Signing in again reaches the same account; asking as a helper adds the role.
    again = sign_in(client, platform.config.maildir, email.upper(), role="helper")
    assert again["account"]["account_id"] == account["account_id"]
    assert again["account"]["roles"] == ["helper", "job_seeker"]


def test_a_magic_link_works_once(platform: Platform, client: httpx.Client) -> None:
    email = unique_email("once")
    assert client.post("/api/v1/auth/magic-link", json={"email": email}).status_code == 202
    token = magic_token(mail_text(platform.config.maildir, email, "/#/sign-in?token="))
    assert client.post("/api/v1/auth/token", json={"token": token}).status_code == 200
    assert client.post("/api/v1/auth/token", json={"token": token}).status_code == 410
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert client.post("/api/v1/auth/token", json={"token": forged}).status_code == 400
    assert client.post("/api/v1/auth/token", json={"token": "x" * 40}).status_code == 400


def test_sign_in_refuses_bad_input_and_self_granted_roles(client: httpx.Client) -> None:
    for body in ({"email": "not-an-email"}, {"email": "a@example.org", "role": "operator"},
                 {"email": "a@example.org", "locale": "de"}, {"email": "a@example.org", "extra": 1}):
        response = client.post("/api/v1/auth/magic-link", json=body)
        assert response.status_code == 422, body
        assert "a@example.org" not in response.text  # errors never echo input


def test_refresh_tokens_rotate_and_a_reused_one_ends_the_session(platform: Platform, client: httpx.Client) -> None:
    first = sign_in(client, platform.config.maildir, unique_email("refresh"))
    second = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200, second.text
    assert second.json()["account"] == first["account"]
    assert client.get("/api/v1/accounts/me", headers=bearer(second.json()["access_token"])).status_code == 200

    # The first refresh token was used: presenting it again means it leaked. The whole session ends.
    replay = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert replay.status_code == 401
    latest = client.post("/api/v1/auth/refresh", json={"refresh_token": second.json()["refresh_token"]})
    assert latest.status_code == 401


def test_sign_out_ends_the_session(platform: Platform, client: httpx.Client) -> None:
    tokens = sign_in(client, platform.config.maildir, unique_email("bye"))
    assert client.post("/api/v1/auth/sign-out").status_code == 401
    assert client.post("/api/v1/auth/sign-out", headers=bearer(tokens["access_token"])).status_code == 204
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}).status_code == 401


def test_the_sign_in_answer_does_not_reveal_who_is_registered(platform: Platform, client: httpx.Client) -> None:
    known = unique_email("known")
    sign_in(client, platform.config.maildir, known)
    unknown = unique_email("unknown")
    answers = [client.post("/api/v1/auth/magic-link", json={"email": e}) for e in (known, unknown)]
    assert [(a.status_code, a.json()) for a in answers] == [(202, {"status": "sent"})] * 2
    assert mail_text(platform.config.maildir, unknown, "/#/sign-in?token=")  # the newcomer still gets the link


def test_one_profile_per_job_seeker(platform: Platform, client: httpx.Client) -> None:
    tokens = sign_in(client, platform.config.maildir, unique_email("profile"))
    seeker = bearer(tokens["access_token"])
    body = {"year_of_birth": 1990, "projects": [{"city": {"name": "Lyon", "departement_id": "69"}}]}
    created = client.post("/api/v1/profiles", json=body, headers=seeker)
    assert created.status_code == 201, created.text
    assert created.json()["profile_id"] == tokens["account"]["account_id"]
    assert client.post("/api/v1/profiles", json=body, headers=seeker).status_code == 409
    helper_only = sign_in(client, platform.config.maildir, unique_email("helper"), role="helper")
    assert client.post("/api/v1/profiles", json=body, headers=bearer(helper_only["access_token"])).status_code == 403
