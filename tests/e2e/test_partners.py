"""The partners service through the gateway, with the whole platform running: an operator registers a partner
with a webhook (a real receiver verifying every request with `Webhook.verify`); a job seeker's profile, diagnosis
and advice reach it pseudonymised, then the tombstone when the person erases their account. Roles hold: a partner
token reaches its own routes but no operator route, a job seeker's token no partner route. An operator retires a
partner: it reaches nothing more."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from deploy.local.platform import Platform
from shared.auth.tokens import Role
from tests.integration.partners_support import Receiver, receiving
from tests.support import access_token, bearer, mail_text, mails, sign_in, unique_email, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.e2e]
PROFILE = {"year_of_birth": 1984, "frustrations": ["INTERVIEW", "FOREIGN_QUALIFICATIONS"],
           "projects": [{"target_job": {"rome_code": "M1607"}, "city": {"name": "Lyon", "departement_id": "69"},
                         "job_search_started_at": "2026-01-05", "total_interview_count": 1}]}


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    with receiving() as found:
        yield found


@pytest.fixture(scope="module")
def partner(platform: Platform, receiver: Receiver) -> Iterator[dict[str, Any]]:
    name = f"e2e-{uuid.uuid4().hex[:8]}"
    contact = f"{name}@partner.example"
    body = {"name": name, "title": "Mission locale de test", "contact": contact,
            "scopes": ["partner.profile-submitted", "partner.diagnosis-ready", "partner.advice-ready"],
            "kafka": True, "webhook_url": receiver.url}
    operator = bearer(access_token(uuid.uuid4().hex, Role.OPERATOR))
    made = httpx.post(f"{platform.config.gateway_url}/api/v1/partners", json=body, headers=operator, timeout=30)
    assert made.status_code == 201, made.text
    created: dict[str, Any] = made.json()
    assert created["kafka_user"] == f"partner-{name}"
    receiver.secrets.append(created["webhook_secret"])
    yield {**created, "token": access_token(uuid.uuid4().hex, Role.PARTNER, email=contact)}
    # Its receiver goes with this module: an operator retires it, Kafka access included.
    gone = httpx.delete(f"{platform.config.gateway_url}/api/v1/partners/{name}", headers=operator, timeout=60)
    assert gone.status_code == 200, gone.text
    assert (gone.json()["kafka_user_locked"], gone.json()["next_step"]) == (f"partner-{name}", None)


def of_type(receiver: Receiver, event_type: str) -> list[dict[str, Any]]:
    return [m.data for m in receiver.firsts() if m.data["type"] == event_type]


def test_a_person_reaches_the_partner_pseudonymised_then_erased(
    platform: Platform, partner: dict[str, Any], receiver: Receiver,
) -> None:
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10) as client:
        tokens = sign_in(client, platform.config.maildir, unique_email("partnered"))
        me, person = bearer(tokens["access_token"]), tokens["account"]["account_id"]
        assert client.post("/api/v1/profiles", json=PROFILE, headers=me).status_code == 201
        for event_type in ("partner.profile-submitted", "partner.diagnosis-ready", "partner.advice-ready"):
            wait_for(event_type, functools.partial(of_type, receiver, event_type))
        [profile] = of_type(receiver, "partner.profile-submitted")
        pseudonym = profile["subject"]
        assert pseudonym != person
        assert profile["data"]["frustrations"] == ["INTERVIEW"]
        assert of_type(receiver, "partner.diagnosis-ready")[0]["subject"] == pseudonym
        assert not receiver.rejected

        log = client.get("/api/v1/partners/me/deliveries", headers=bearer(partner["token"]))
        assert log.status_code == 200
        assert {d["status"] for d in log.json()} == {"delivered"}

        assert client.delete("/api/v1/accounts/me", headers=me).status_code == 202
        [erased] = wait_for("the tombstone", lambda: of_type(receiver, "partner.person-erased"), timeout=90)
        assert erased["subject"] == pseudonym


def test_the_partner_reads_its_subscription_and_the_asyncapi_of_its_scopes(
    platform: Platform, partner: dict[str, Any],
) -> None:
    mine = bearer(partner["token"])
    with httpx.Client(base_url=platform.config.gateway_url, headers=mine, timeout=10) as client:
        me = client.get("/api/v1/partners/me")
        assert me.status_code == 200
        assert me.json()["name"] == partner["partner"]["name"]
        doc = client.get("/api/v1/partners/me/asyncapi.json").json()
        [channel] = doc["channels"].values()
        assert channel["address"] == f"partner.{partner['partner']['name']}.events"
        assert set(channel["messages"]) == {"partner.profile-submitted", "partner.diagnosis-ready",
                                            "partner.advice-ready", "partner.person-erased"}
        rotated = client.post("/api/v1/partners/me/webhook-secret")
        assert rotated.status_code == 200
        assert rotated.json()["webhook_secret"].startswith("whsec_")


def test_roles_keep_partners_and_operators_and_job_seekers_apart(
    platform: Platform, partner: dict[str, Any],
) -> None:
    seeker = bearer(access_token(uuid.uuid4().hex, Role.JOB_SEEKER))
    mine = bearer(partner["token"])
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10) as client:
        for method, path in (("GET", "/api/v1/partners"), ("POST", "/api/v1/partners"),
                             ("GET", f"/api/v1/partners/{partner['partner']['name']}"),
                             ("GET", "/api/v1/followup/kpis")):
            assert client.request(method, path, headers=mine, json={}).status_code == 403, path
        for path in ("/api/v1/partners/me", "/api/v1/partners/me/deliveries", "/api/v1/partners/me/asyncapi.json"):
            assert client.get(path, headers=seeker).status_code == 403, path
        # A partner-role token whose address is no partner's contact reaches nothing.
        stranger = bearer(access_token(uuid.uuid4().hex, Role.PARTNER, email="nobody@partner.example"))
        assert client.get("/api/v1/partners/me", headers=stranger).status_code == 403


def test_operators_are_mailed_once_when_an_endpoint_is_disabled_and_nothing_is_lost(platform: Platform) -> None:
    operator = bearer(access_token(uuid.uuid4().hex, Role.OPERATOR))
    with receiving() as down, httpx.Client(base_url=platform.config.gateway_url, timeout=10) as client:
        down.down = True
        name = f"down-{uuid.uuid4().hex[:8]}"
        made = client.post("/api/v1/partners", headers=operator, json={
            "name": name, "title": "Association en panne", "contact": f"{name}@partner.example",
            "scopes": ["partner.profile-submitted", "partner.diagnosis-ready", "partner.advice-ready"],
            "kafka": False, "webhook_url": down.url})
        assert made.status_code == 201, made.text
        down.secrets.append(made.json()["webhook_secret"])
        tokens = sign_in(client, platform.config.maildir, unique_email("unreached"))
        assert client.post("/api/v1/profiles", json=PROFILE, headers=bearer(tokens["access_token"])).status_code == 201

        to = platform.config.operator_email
        alert = mail_text(platform.config.maildir, to, f"partner '{name}'", timeout=120)
        assert f"/api/v1/partners/{name}/webhook/enable" in alert
        state = client.get(f"/api/v1/partners/{name}", headers=operator).json()["webhook"]
        assert state["enabled"] is False
        assert state["last_error"]

        down.down = False
        assert client.post(f"/api/v1/partners/{name}/webhook/enable", headers=operator).status_code == 200
        for event_type in ("partner.profile-submitted", "partner.diagnosis-ready", "partner.advice-ready"):
            wait_for(event_type, functools.partial(of_type, down, event_type), timeout=90)
        assert not down.rejected
        assert len(mails(platform.config.maildir, to, f"partner '{name}'")) == 1

        # The operator retires the partner: gone for operators, and its contact's token reaches nothing.
        contact = bearer(access_token(uuid.uuid4().hex, Role.PARTNER, email=f"{name}@partner.example"))
        assert client.get("/api/v1/partners/me", headers=contact).status_code == 200
        gone = client.delete(f"/api/v1/partners/{name}", headers=operator, timeout=60)
        assert gone.status_code == 200, gone.text
        assert (gone.json()["kafka_user_locked"], gone.json()["next_step"]) == (None, None)  # it read no Kafka feed
        assert client.get(f"/api/v1/partners/{name}", headers=operator).status_code == 404
        assert client.get("/api/v1/partners/me", headers=contact).status_code == 403
        assert client.delete(f"/api/v1/partners/{name}", headers=contact).status_code == 403
