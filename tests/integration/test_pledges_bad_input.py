"""Bad input gets a clear 4xx and stores nothing: emails, kinds, capacities, files, links."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from deploy.local.platform import Platform
from services.pledges.adapters import db
from services.pledges.config import PledgesSettings
from services.pledges.domain.links import Purpose, sign
from tests.integration.pledges_support import pledges_db, unique_email, upload

pytestmark = [pytest.mark.integration, pytest.mark.e2e]
__all__ = ["pledges_db"]


def helper(**overrides: object) -> dict[str, object]:
    return {"email": unique_email("bad"), "name": "Alex", "pledges": [{"kind": "HELP_RESUME"}]} | overrides


@pytest.mark.parametrize(("overrides", "field"), [
    ({"email": "not-an-email"}, "email"),
    ({"pledges": [{"kind": "HELP_GARDENING"}]}, "kind"),
    ({"pledges": [{"kind": "HELP_RESUME", "capacity": 4}]}, "pledges"),
    ({"domains": ["M16X"]}, "domains"),
    ({"pledges": []}, "pledges"),
])
def test_invalid_helpers_are_refused_with_the_field(
    platform: Platform, overrides: dict[str, object], field: str
) -> None:
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10) as client:
        response = client.post("/api/v1/helpers", json=helper(**overrides))
    assert response.status_code == 422
    assert any(field in map(str, error["loc"]) for error in response.json()["detail"]), response.json()


def test_an_email_registers_once(platform: Platform) -> None:
    body = helper()
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10) as client:
        assert client.post("/api/v1/helpers", json=body).status_code == 202
        assert client.post("/api/v1/helpers", json=body).status_code == 409


@pytest.mark.usefixtures(pledges_db.__name__)
def test_files_are_checked_by_size_and_content(platform: Platform) -> None:
    email = unique_email("uploader")
    with httpx.Client(base_url=platform.config.gateway_url, timeout=30) as client:
        assert upload(client, email, content=b"MZ\x90\x00binary", media_type="application/octet-stream"
                      ).status_code == 415
        assert upload(client, email, content=b"plain text", media_type="application/pdf").status_code == 415
        assert upload(client, email, kind="PHOTO").status_code == 422
        assert upload(client, email, content=b"a" * 5_000_001).status_code == 413
        accepted = upload(client, email, content=b"%PDF-1.4\n" + b"0" * 4_000_000, media_type="application/pdf")
        assert accepted.status_code == 201
    # Not a real request: the other tests' helpers must not get it.
    db.documents().delete_one({"_id": accepted.json()["document_id"]})


def test_forged_expired_and_used_links_are_refused(platform: Platform) -> None:
    settings = PledgesSettings(environment="test")  # the same dev-and-test key as the service
    now = dt.datetime.now(dt.UTC)
    forged = sign("not-the-key" * 4, Purpose.CONFIRM, "someone", now + dt.timedelta(hours=1))
    expired = sign(settings.key, Purpose.CONFIRM, "someone", now - dt.timedelta(seconds=1))
    review_as_confirm = sign(settings.key, Purpose.REVIEW, "someone", now + dt.timedelta(hours=1))
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10) as client:
        assert client.get("/api/v1/helpers/confirm", params={"token": forged}).status_code == 400
        assert client.get("/api/v1/helpers/confirm", params={"token": expired}).status_code == 410
        assert client.get("/api/v1/helpers/confirm", params={"token": review_as_confirm}).status_code == 400
        assert client.get(f"/api/v1/reviews/{forged}").status_code == 400
        assert client.post(f"/api/v1/reviews/{forged}", json={"text": "a long enough text"}).status_code == 400
