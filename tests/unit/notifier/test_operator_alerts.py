"""Operators' alert emails: what happened, how to fix it, once per alert; an operator mailbox is required in prod."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import pytest

from services.notifier.config import NotifierSettings
from services.notifier.domain import operator_alerts
from shared.schemas.operator import PartnerEndpointDisabled
from shared.settings import Environment

ALERT = PartnerEndpointDisabled(partner="mission-locale-31", failures_in_a_row=100, last_error="HTTP 503",
                                disabled_at=dt.datetime(2026, 12, 2, 4, 40, 12, tzinfo=dt.UTC))


def test_the_email_says_which_partner_why_and_how_to_enable_it_again() -> None:
    note = operator_alerts.endpoint_disabled(ALERT, "event-1", "ops@bob.example.org", "https://bob.example.org/")
    assert (note.to, note.idempotency_key, note.category) == ("ops@bob.example.org", "event-1", "operator-alert")
    assert "mission-locale-31" in note.subject
    for told in ("'mission-locale-31'", "2026-12-02 04:40 UTC", "100 failed deliveries", "HTTP 503", "nothing is lost",
                 "POST https://bob.example.org/api/v1/partners/mission-locale-31/webhook/enable"):
        assert told in note.text, told


def test_an_alert_without_a_known_error_still_reads() -> None:
    note = operator_alerts.endpoint_disabled(ALERT.model_copy(update={"last_error": ""}), "e", "o@bob.example.org",
                                             "http://127.0.0.1:8000")
    assert "Last error: unknown" in note.text


def test_prod_requires_an_operator_mailbox() -> None:
    prod: dict[str, Any] = {"environment": Environment.PROD, "signing_key": "s", "auth_public_keys": {"k": "x"},
            "kafka_username": "u", "kafka_password": "p", "data_keks": {"k": base64.b64encode(b"k" * 32).decode()},
            "data_kek_id": "k", "mongo_url": "mongodb://notifier:pw@db:27017"}
    with pytest.raises(ValueError, match="operator_email must be set in prod"):
        NotifierSettings(**prod)
    assert NotifierSettings(**prod, operator_email="ops@bob.example.org").operator_email == "ops@bob.example.org"
    assert NotifierSettings(environment=Environment.DEV).operator_email is None
