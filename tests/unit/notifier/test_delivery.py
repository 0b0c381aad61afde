"""The notifier's pure rules: addresses known by key, what settled records keep, backoff, and how an erased
person's addresses leave the emails still to send."""

from __future__ import annotations

import datetime as dt

from services.notifier.domain.delivery import ERASED_ADDRESS, MAX_BACKOFF, REDACTED, address_key, backoff, kept, redact
from shared.schemas.notification import Notification


def test_an_address_is_known_by_a_key_that_ignores_case_and_spaces() -> None:
    assert address_key(" Camille@Example.org ") == address_key("camille@example.org")
    assert address_key("camille@example.org") != address_key("dominique@example.org")
    assert "camille" not in address_key("camille@example.org")


def test_a_settled_record_keeps_neither_address_nor_text() -> None:
    note = Notification(idempotency_key="k", recipient_id="p1", to="camille@example.org", subject="s",
                                 text="t", category="survey")
    assert kept(note) == {"recipient_id": "p1", "category": "survey"}


def test_backoff_grows_then_is_capped() -> None:
    waits = [backoff(tries) for tries in range(1, 20)]
    assert waits == sorted(waits)
    assert waits[0] == dt.timedelta(seconds=10)
    assert waits[-1] == MAX_BACKOFF


def test_an_erased_persons_pending_emails_keep_nothing_and_others_lose_their_address() -> None:
    erased = {address_key("dominique@example.org")}
    theirs = {"recipient_id": "p1", "to": "dominique@example.org", "subject": "s", "text": "t", "category": "c"}
    assert redact(theirs, "p1", erased) == {"recipient_id": "p1", "category": "c"}
    other = {"recipient_id": "p2", "to": "camille@example.org", "subject": "Café",
             "text": "Écrivez-lui : Dominique@Example.org ou à bob@example.org\n", "category": "coffee-matched"}
    assert redact(other, "p1", erased) == other | {"text": f"Écrivez-lui : {REDACTED} ou à bob@example.org\n"}
    to_them = other | {"recipient_id": "p3", "to": "DOMINIQUE@example.org"}
    assert redact(to_them, "p1", erased)["to"] == ERASED_ADDRESS
