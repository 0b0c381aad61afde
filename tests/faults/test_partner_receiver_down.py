"""A partner's webhook receiver down under the load: its endpoint is disabled after a few failures and operators are
mailed once; once it is up and an operator enables the endpoint, every profile accepted meanwhile reaches the partner
as one advice, each webhook acknowledged once."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from services.partners.config import PartnersSettings
from services.partners.domain.feed import ADVICE, pseudonym
from services.partners.entrypoints.deps import Deps, wire
from shared.auth.tokens import Role
from tests.faults.bench import LONG, Bench, assert_whole
from tests.faults.load import RETRIED, Load
from tests.integration.partners_support import Receiver, receiving
from tests.support import access_token, bearer, mail_text, mails, wait_for

DOWN_SECONDS = 120 if LONG else 20
SCOPES = ["partner.profile-submitted", "partner.diagnosis-ready", "partner.advice-ready"]


@pytest.fixture
def partners(bench: Bench) -> Deps:
    return wire(PartnersSettings(mongo_url=bench.platform.config.mongo_url))


@pytest.fixture
def partner(bench: Bench, partners: Deps) -> Iterator[tuple[str, Receiver]]:
    """A partner registered for this scenario alone (it hears only of what comes after), its receiver up."""
    name = f"fault-{uuid.uuid4().hex[:8]}"
    with receiving() as receiver:
        made = httpx.post(f"{bench.platform.config.gateway_url}/api/v1/partners", headers=operator(), timeout=30, json={
            "name": name, "title": "Association en panne", "contact": f"{name}@partner.example", "scopes": SCOPES,
            "kafka": False, "webhook_url": receiver.url})
        assert made.status_code == 201, made.text
        receiver.secrets.append(made.json()["webhook_secret"])
        yield name, receiver
    # Its receiver is gone: an operator retires the partner, so the next scenarios feed no dead end.
    gone = httpx.delete(f"{bench.platform.config.gateway_url}/api/v1/partners/{name}", headers=operator(), timeout=60)
    assert gone.status_code == 200, gone.text


def operator() -> dict[str, str]:
    return bearer(access_token(uuid.uuid4().hex, Role.OPERATOR))


def answered(call: Callable[[], httpx.Response]) -> httpx.Response:
    """A 200, asked again while the platform is busy (a 5xx, 409 or 429 from the gateway)."""
    deadline = time.monotonic() + 180
    while (response := call()).status_code in RETRIED and time.monotonic() < deadline:
        time.sleep(2)
    assert response.status_code == 200, response.text
    return response


def advice_subjects(receiver: Receiver) -> dict[str, str]:
    """{webhook-id: pseudonym} of the advice the partner acknowledged."""
    return {m.webhook_id: m.data["subject"] for m in receiver.firsts() if m.data["type"] == ADVICE}


def test_a_partner_webhook_receiver_down(bench: Bench, partners: Deps, partner: tuple[str, Receiver]) -> None:
    name, receiver = partner
    config = bench.platform.config
    alert = f"partner '{name}'"
    loads: list[Load] = []

    def fault(load: Load) -> str:
        loads.append(load)
        with httpx.Client(base_url=config.gateway_url, headers=operator(), timeout=30) as client:
            receiver.down = True
            began = time.monotonic()
            mail_text(config.maildir, config.operator_email, alert, timeout=240)
            state: dict[str, Any] = answered(lambda: client.get(f"/api/v1/partners/{name}")).json()["webhook"]
            assert state["enabled"] is False, state
            time.sleep(max(0.0, DOWN_SECONDS - (time.monotonic() - began)))
            receiver.down = False
            asked = time.monotonic()
            enabled = client.post(f"/api/v1/partners/{name}/webhook/enable")
            took = time.monotonic() - asked
            # Enabling dates the endpoint's `enabled_at` and writes nothing to the queue (the sender takes the
            # backoffs decided before that date as due): it answers at once, whatever minutes of backlog wait.
            assert enabled.status_code == 200, enabled.text
            wait_for("the endpoint enabled", lambda: answered(
                lambda: client.get(f"/api/v1/partners/{name}")).json()["webhook"]["enabled"], timeout=180, every=2)
        return f"disabled, operator mailed, enabled again (enable: {enabled.status_code} after {took:.0f}s)"

    row = bench.run(f"partner webhook receiver down {DOWN_SECONDS}s", fault)
    assert_whole(row)

    # Partner events are pseudonymised with the partner's key: the load's profiles, as the partner knows them.
    doc = partners.store.partner(name)
    assert doc is not None
    key = partners.keys.open(doc["key"])
    wanted = {pseudonym(key, profile_id) for profile_id in loads[0].accepted.profiles}
    wait_for("every accepted profile's advice at the partner",
             lambda: wanted <= set(advice_subjects(receiver).values()), timeout=300, every=1)
    ours = [subject for subject in advice_subjects(receiver).values() if subject in wanted]
    twice = len(receiver.received) - len(receiver.firsts())
    emails = len(mails(config.maildir, config.operator_email, alert))

    assert len(ours) == len(wanted), "an accepted profile reached the partner as more than one advice"
    assert not receiver.rejected, receiver.rejected[:3]
    assert twice == 0, "a webhook acknowledged twice"
    assert emails == 1, f"{emails} operator emails for one disabling"
    row.note = (f"webhooks: {len(wanted)} in, {len(ours)} out, {twice} twice; {emails} operator email; "
                f"{row.note}")
