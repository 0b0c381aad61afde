"""Retiring a partner: its Kafka access goes first, and when the broker refuses nothing is forgotten (the operator
tries again); without the super user's password the Kafka part is left to the CLI and said so."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import pytest
from kafka.errors import KafkaTimeoutError  # type: ignore[import-untyped]

from services.partners.config import PartnersSettings
from services.partners.domain.errors import RevocationFailed, UnknownPartner
from services.partners.service import Partners, Retired, Revoke

NOW = dt.datetime(2026, 12, 2, 9, tzinfo=dt.UTC)


class Stored:
    """Stands for the store: one partner reading the Kafka feed, and what was forgotten."""

    def __init__(self) -> None:
        self.forgotten: list[str] = []

    def partner(self, name: str, retiring_too: bool = False) -> dict[str, Any] | None:
        return {"_id": name, "kafka": True} if name == "acme" and name not in self.forgotten else None

    def forget_partner(self, name: str, now: dt.datetime) -> int:
        self.forgotten.append(name)
        return 4


def partners(store: Stored, revoke: Revoke | None) -> Partners:
    return Partners(cast(Any, store), cast(Any, None), PartnersSettings(environment="test"), lambda _: [], None,
                    revoke)


def test_a_broker_that_refuses_leaves_the_partner_whole() -> None:
    def away(name: str) -> str:
        raise KafkaTimeoutError("no broker")

    store = Stored()
    with pytest.raises(RevocationFailed):
        partners(store, away).retire("acme", NOW)
    assert store.forgotten == []


def test_kafka_access_is_revoked_then_everything_forgotten() -> None:
    store, revoked = Stored(), []

    def revoke(name: str) -> str:
        assert store.forgotten == []  # Kafka first
        revoked.append(name)
        return f"partner-{name}"

    assert partners(store, revoke).retire("acme", NOW) == Retired("acme", 4, "partner-acme", kafka_left=False)
    assert (revoked, store.forgotten) == (["acme"], ["acme"])
    with pytest.raises(UnknownPartner):
        partners(store, revoke).retire("acme", NOW)


def test_without_the_super_user_the_kafka_part_is_left_to_the_cli() -> None:
    store = Stored()
    assert partners(store, None).retire("acme", NOW) == Retired("acme", 4, None, kafka_left=True)
