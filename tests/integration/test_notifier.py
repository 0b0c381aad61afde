"""The notifier against FerretDB (its own scratch database): once per key, never to an unsubscribed or erased
person (by id or by address), failures kept and retried with backoff, settled records without address or text,
and its answers to GDPR requests."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from mongoengine.connection import get_db  # type: ignore[import-untyped]

from services.notifier import service
from services.notifier.adapters import store
from services.notifier.domain.delivery import address_key
from services.notifier.service import Notifier
from shared.crypto.cipher import new_key
from shared.mongo import as_utc
from shared.schemas.notification import Notification
from tests.support import scratch_db

pytestmark = [pytest.mark.integration]
NOW = dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def notifier_db(mongo_url: str) -> Iterator[None]:
    with scratch_db(mongo_url, "bob_notifier_test"):
        store.ensure_indexes()
        yield


def note(to: str | None = None, recipient: str | None = None, text: str = "t") -> Notification:
    return Notification(idempotency_key=uuid.uuid4().hex, recipient_id=recipient or uuid.uuid4().hex,
                                 to=to or f"n-{uuid.uuid4().hex[:8]}@example.org", subject="s", text=text,
                                 category="test")


def refuse(_: Notification) -> None:
    raise ConnectionRefusedError


def never(_: Notification) -> None:
    pytest.fail("sent")


def test_a_sealed_email_is_opened_with_its_recipients_key_and_skipped_without_it() -> None:
    sent: list[str] = []
    notifier = Notifier(lambda n: sent.append(n.text), attempts=1, pause_seconds=0)
    key = new_key()
    one, two = note(text="one"), note(text="two")
    assert notifier.deliver_sealed(one.sealed(key), key, NOW) == "sent"
    assert notifier.deliver_sealed(two.sealed(key), None, NOW) == "unreadable"  # the recipient was erased
    assert notifier.deliver_sealed(two.sealed(key), new_key(), NOW) == "unreadable"
    assert sent == ["one"]
    record = store.notifications().find_one({"_id": two.idempotency_key})
    assert record is not None
    assert (record["state"], record["payload"]) == ("SKIPPED", {"recipient_id": two.recipient_id, "category": "test"})


def test_each_key_is_sent_once_and_the_record_keeps_neither_address_nor_text() -> None:
    sent: list[str] = []
    notifier = Notifier(lambda n: sent.append(n.to), attempts=2, pause_seconds=0)
    one = note()
    assert notifier.deliver(one, NOW) == "sent"
    assert notifier.deliver(one, NOW) == "duplicate"
    assert sent == [one.to]
    record = store.notifications().find_one({"_id": one.idempotency_key})
    assert record is not None
    assert (record["state"], record["payload"]) == ("SENT", {"recipient_id": one.recipient_id, "category": "test"})


def test_an_unsubscribed_address_gets_nothing() -> None:
    one = note()
    store.block(address_key(one.to.upper()), NOW, erased=False)
    assert Notifier(never).deliver(one, NOW) == "skipped"


def test_a_failed_send_is_kept_and_retried_with_backoff() -> None:
    one = note()
    assert Notifier(refuse, attempts=2, pause_seconds=0).deliver(one, NOW) == "failed"
    record = store.notifications().find_one({"_id": one.idempotency_key})
    assert record is not None
    assert (record["state"], record["attempts"], record["payload"]["to"]) == ("FAILED", 2, one.to)
    sent: list[str] = []
    retrying = Notifier(lambda n: sent.append(n.idempotency_key))
    assert retrying.retry_failed(NOW) == 0  # not due yet
    later = as_utc(record["next_attempt_at"]) + dt.timedelta(seconds=1)
    assert retrying.retry_failed(later) == 1
    assert sent == [one.idempotency_key]
    assert store.notifications().find_one({"_id": one.idempotency_key})["state"] == "SENT"  # type: ignore[index]


def test_an_email_whose_notifier_died_mid_send_goes_out_once_its_claim_is_stale() -> None:
    """A notifier killed between its claim and the SMTP answer: the record is SENDING, and the Kafka record, sent
    again to the next notifier, stops at the claim. The retry scan sends it once the claim is stale."""
    one = note()
    assert store.claim(one.idempotency_key, one.category, one.model_dump(mode="json"), NOW)
    sent: list[str] = []
    survivor = Notifier(lambda n: sent.append(n.idempotency_key), stale_claim=dt.timedelta(seconds=30))
    assert survivor.deliver(one, NOW + dt.timedelta(seconds=5)) == "duplicate"
    assert survivor.retry_failed(NOW + dt.timedelta(seconds=20)) == 0  # its notifier may still be sending
    assert survivor.retry_failed(NOW + dt.timedelta(seconds=31)) == 1
    assert survivor.retry_failed(NOW + dt.timedelta(minutes=10)) == 0
    assert sent == [one.idempotency_key]
    assert store.notifications().find_one({"_id": one.idempotency_key})["state"] == "SENT"  # type: ignore[index]


def test_an_unsubscribed_helper_gets_nothing_by_id_nor_at_the_addresses_they_were_mailed_at() -> None:
    helper = uuid.uuid4().hex
    welcome = note(recipient=helper)
    assert Notifier(lambda _: None).deliver(welcome, NOW) == "sent"
    pending = note(recipient=helper)
    assert Notifier(refuse, attempts=1).deliver(pending, NOW) == "failed"
    assert service.unsubscribe(helper, NOW) == 3  # their id and the two addresses they were mailed at
    assert service.unsubscribe(helper, NOW) == 0  # a replayed event changes nothing
    assert Notifier(never).deliver(note(recipient=helper), NOW) == "skipped"
    assert Notifier(never).deliver(note(to=welcome.to.upper()), NOW) == "skipped"  # a sign-in link, say
    assert Notifier(never).retry_failed(NOW + dt.timedelta(days=1)) == 0
    assert store.notifications().find_one({"_id": pending.idempotency_key})["state"] == "SKIPPED"  # type: ignore[index]


def test_a_new_address_of_an_unsubscribed_person_is_recorded_as_unsubscribed_too() -> None:
    person = uuid.uuid4().hex
    service.unsubscribe(person, NOW)
    first = note(recipient=person)
    assert Notifier(never).deliver(first, NOW) == "skipped"
    assert Notifier(never).deliver(note(to=first.to), NOW) == "skipped"


def mentions(value: Any, needle: str) -> bool:
    return needle.casefold() in json.dumps(value, default=str, ensure_ascii=False).casefold()


def holding(needle: str) -> list[str]:
    return [name for name in get_db().list_collection_names() for doc in get_db()[name].find({})
            if mentions(doc, needle)]


def test_erasure_stops_every_email_and_leaves_no_address_and_the_export_says_what_is_left() -> None:
    person, other = uuid.uuid4().hex, uuid.uuid4().hex
    address = f"zoe-{uuid.uuid4().hex[:8]}@example.org"
    assert Notifier(lambda _: None).deliver(note(to=address, recipient=person), NOW) == "sent"
    failed_to_them = note(to=address, recipient=person, text="Votre CV")
    failed_about_them = note(recipient=other, text=f"Écrivez-lui : {address.upper()}\n")
    assert Notifier(refuse, attempts=1).deliver(failed_to_them, NOW) == "failed"
    assert Notifier(refuse, attempts=1).deliver(failed_about_them, NOW) == "failed"
    export = service.export_person(person)
    assert json.loads(json.dumps(export)) == export
    assert sorted(e["state"] for e in export["emails"]) == ["FAILED", "SENT"]
    assert any(e.get("to") == address for e in export["emails"])
    assert holding(address)

    counts = service.erase_person(person, NOW)
    assert counts == {"unsubscribed": 2, "notifications": 2, "recipients": 1}
    assert holding(address) == []
    record = store.notifications().find_one({"_id": failed_to_them.idempotency_key})
    assert record is not None
    assert (record["state"], record["payload"]) == ("SKIPPED", {"recipient_id": person, "category": "test"})
    theirs = store.notifications().find_one({"_id": failed_about_them.idempotency_key})
    assert theirs is not None
    assert theirs["state"] == "FAILED"
    assert "[effacé]" in theirs["payload"]["text"]
    # Nothing more is sent to them, by id or by address; and a second erasure changes nothing.
    assert Notifier(never).deliver(note(recipient=person), NOW) == "skipped"
    assert Notifier(never).deliver(note(to=address), NOW) == "skipped"
    assert set(service.erase_person(person, NOW + dt.timedelta(hours=1)).values()) == {0}
    assert service.export_person(person)["unsubscribed"]["erased"] is True
