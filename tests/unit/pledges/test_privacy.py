"""GDPR in pledges against a real FerretDB (its own database): a job seeker and a helper go through the whole flow
with the service's own functions (sign-up, upload, coffee, matching, review, emails through the notifier, the relay
moving events to the archive), then export returns their data as JSON and erasure leaves no trace of their email or
name in any collection, stops every email to them, and changes nothing more when replayed."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from mongoengine.connection import get_db  # type: ignore[import-untyped]

from services.pledges import matcher, notifier, offers, privacy, reviews
from services.pledges.adapters import db, helpers_repo, requests_repo
from services.pledges.config import PledgesSettings
from services.pledges.domain.files import TEXT
from services.pledges.domain.kinds import DocumentKind, PledgeKind
from services.pledges.events import stable_id
from services.pledges.schemas import CityIn, CoffeeIn, HelperIn, PledgeIn
from shared.events import Envelope
from shared.schemas.notification import NotificationRequested
from shared.schemas.profile import AreaType
from shared.topics import NOTIFICATIONS
from tests.support import scratch_db

pytestmark = [pytest.mark.integration]
SETTINGS = PledgesSettings(environment="test")
NOW = dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)
TOULOUSE = CityIn(name="Toulouse", departement_id="31")
REVIEW_TEXT = "Mettez vos projets en premier et chiffrez vos résultats."


@pytest.fixture
def pledges_db(mongo_url: str) -> Iterator[None]:
    with scratch_db(mongo_url, "bob_pledges_privacy"):
        db.ensure_indexes()
        yield


@dataclass(frozen=True)
class World:
    seeker: str
    seeker_email: str
    helper: str
    helper_email: str
    helper_name: str
    other_seeker: str
    document_id: str
    review_id: str  # the helper's review of the seeker's CV (done)
    pending_review_id: str  # the helper's review of the other seeker's CV (still pending)


def send(note: NotificationRequested) -> None:
    """The SMTP server refuses the coffee introduction to the seeker: the notifier keeps it (whole) to retry."""
    if note.idempotency_key.startswith("coffee-matched:") and note.idempotency_key.endswith(":seeker"):
        raise ConnectionRefusedError


def deliver_and_relay() -> None:
    """What the notifier and the relay do, without Kafka: every queued email goes through the notifier and every
    queued event moves to the archive."""
    for doc in list(db.outbox().find({})):
        if doc["topic"] == NOTIFICATIONS.name:
            note = Envelope.from_json(doc["value"].encode()).payload(NotificationRequested)
            notifier.deliver(note, send, NOW, SETTINGS.model_copy(update={"notifier_send_attempts": 1}))
        db.outbox_archive().insert_one(doc | {"relayed": True})
        db.outbox().delete_one({"_id": doc["_id"]})


def unique(who: str) -> str:
    return f"{who}-{uuid.uuid4().hex[:8]}@Example.org"


@pytest.fixture
def world(pledges_db: None) -> World:
    seeker, helper, other = uuid.uuid4().hex, uuid.uuid4().hex, uuid.uuid4().hex
    seeker_email, helper_email, helper_name = unique("camille"), unique("dominique"), "Dominique Zyxwvu"
    helpers_repo.register(helper, helper_email, HelperIn(
        name=helper_name, cities=[TOULOUSE], remote=True, domains=["M16"],
        pledges=[PledgeIn(kind=PledgeKind.HELP_RESUME, capacity=2), PledgeIn(kind=PledgeKind.HELP_COFFEE)],
    ), NOW, SETTINGS)
    offers.record_and_offer(seeker, seeker_email, [PledgeKind.HELP_RESUME], NOW, SETTINGS)
    cv = f"Camille Martin\n{seeker_email}\nDeveloppeuse web\n".encode()
    document_id = requests_repo.store_document(seeker, seeker_email, DocumentKind.RESUME, "cv.txt", TEXT, cv, NOW)
    requests_repo.choose_coffee(seeker, seeker_email, CoffeeIn(
        opt_in=True, rome_code="M1607", city=TOULOUSE, mobility_area=AreaType.CITY), NOW)
    assert matcher.run_pass(PledgeKind.HELP_RESUME, NOW, SETTINGS) == 1
    assert matcher.run_pass(PledgeKind.HELP_COFFEE, NOW, SETTINGS) == 1
    [review_id] = db.helper_reviews().find_one({"_id": helper})["review_ids"]  # type: ignore[index]
    reviews.submit_review(review_id, helper, f"{REVIEW_TEXT}\nDominique zyxwvu, {helper_email}", NOW)
    deliver_and_relay()

    # Still queued when the erasure comes: a second CV, reviewed by the same helper, not yet relayed.
    other_email = unique("other")
    other_document = requests_repo.store_document(other, other_email, DocumentKind.RESUME, "cv.txt", TEXT, b"CV\n",
                                                  NOW)
    assert matcher.run_pass(PledgeKind.HELP_RESUME, NOW, SETTINGS) == 1
    [pending] = [r for r in db.reviews().find({"document_id": other_document})]
    return World(seeker, seeker_email.casefold(), helper, helper_email.casefold(), helper_name, other, document_id,
                 review_id, pending["_id"])


def coffee_id(world: World) -> str:
    return stable_id("coffee", world.seeker)


def test_sent_emails_keep_neither_address_nor_text(world: World) -> None:
    sent = db.notifications().find_one({"_id": f"helper-welcome:{world.helper}"})
    assert sent is not None
    assert sent["state"] == "SENT"
    assert sent["payload"] == {"recipient_id": world.helper, "category": "helper-welcome"}


def mentions(value: Any, needle: str) -> bool:
    if isinstance(value, str):
        return needle.casefold() in value.casefold()
    if isinstance(value, bytes):
        return needle.casefold().encode() in value.lower()
    if isinstance(value, dict):
        return any(mentions(k, needle) or mentions(v, needle) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(mentions(v, needle) for v in value)
    return False


def holding(needle: str) -> list[tuple[str, Any]]:
    """Every stored document, in any collection, that mentions the needle (file bytes included)."""
    return [(name, doc["_id"]) for name in get_db().list_collection_names()
            for doc in get_db()[name].find({}) if mentions(doc, needle)]


def snapshot() -> dict[str, list[Any]]:
    return {name: sorted(map(repr, get_db()[name].find({}))) for name in get_db().list_collection_names()}


def test_the_export_of_a_job_seeker_holds_their_requests_and_the_reviews_they_received(world: World) -> None:
    export = privacy.export_person(world.seeker)
    assert json.loads(json.dumps(export)) == export  # JSON values only
    seeker = export["job_seeker"]
    [document] = seeker["documents"]
    assert document["document_id"] == world.document_id
    assert (document["kind"], document["media_type"], document["email"]) == ("RESUME", TEXT, world.seeker_email)
    assert "data" not in document
    assert dt.datetime.fromisoformat(document["created_at"]) == NOW
    [received] = seeker["reviews_received"]
    assert (received["review_id"], received["state"]) == (world.review_id, "DONE")
    assert REVIEW_TEXT in received["text"]
    assert seeker["coffee_request"]["matched"] is True
    assert seeker["coffee_request"]["city"] == {"name": "Toulouse", "departement_id": "31"}
    assert [c["proximity"] for c in seeker["coffees"]] == ["SAME_CITY"]
    assert seeker["offers"]["wanted"] == ["HELP_RESUME"]
    assert export["helper"] == {"helper": None, "pledges": [], "reviews_written": [], "coffees": []}
    assert {e["category"] for e in export["emails"]} >= {"help-offered", "review-done", "coffee-matched"}
    assert not mentions(seeker["coffees"], world.helper_email)  # whom they met is the helper's data


def test_the_export_of_a_helper_holds_their_pledges_and_the_reviews_they_wrote(world: World) -> None:
    export = privacy.export_person(world.helper)
    assert json.loads(json.dumps(export)) == export
    helper = export["helper"]
    assert (helper["helper"]["email"], helper["helper"]["name"]) == (world.helper_email, world.helper_name)
    assert sorted(p["kind"] for p in helper["pledges"]) == ["HELP_COFFEE", "HELP_RESUME"]
    written = {r["review_id"]: r for r in helper["reviews_written"]}
    assert written.keys() == {world.review_id, world.pending_review_id}
    assert REVIEW_TEXT in written[world.review_id]["text"]
    assert written[world.pending_review_id]["state"] == "SENT"
    assert [c["proximity"] for c in helper["coffees"]] == ["SAME_CITY"]
    assert "helper-welcome" in {e["category"] for e in export["emails"]}
    assert export["job_seeker"]["documents"] == []
    assert not mentions(export, world.seeker_email)


def test_erasing_a_job_seeker_leaves_no_trace_and_stops_every_email(world: World) -> None:
    assert holding(world.seeker_email)  # the CV bytes, the requests, the reviews, the emails and their events
    failed = db.notifications().find_one({"_id": f"coffee-matched:{coffee_id(world)}:seeker"})
    assert failed is not None
    assert failed["state"] == "FAILED"
    assert failed["payload"]["to"] == world.seeker_email
    counts = privacy.erase_person(world.seeker, NOW)
    assert counts["documents"] == 1
    assert counts["coffee_requests"] == counts["seekers"] == counts["seeker_documents"] == 1
    assert counts["reviews"] == 1
    assert counts["coffees"] == 1
    assert counts["notifications"] == 1  # the failed mail to them (the sent ones kept no address)
    assert counts["outbox_archive"] >= 3
    assert holding(world.seeker_email) == []

    review = db.reviews().find_one({"_id": world.review_id})
    assert review is not None
    assert "text" not in review
    assert review["state"] == "DONE"  # still counted, no longer readable
    failed = db.notifications().find_one({"_id": failed["_id"]})
    assert failed is not None
    assert failed["state"] == "SKIPPED"  # never to be retried
    assert requests_repo.help_requests(world.seeker).model_dump() == {"documents": [], "coffee": None}
    # Nothing more is sent to them, by id or by address, and no late event stores them again.
    assert notifier.deliver(NotificationRequested(
        idempotency_key=uuid.uuid4().hex, recipient_id=world.seeker, to="new@example.org", subject="s", text="t",
        category="test"), lambda _: pytest.fail("sent"), NOW, SETTINGS) == "skipped"
    assert notifier.deliver(NotificationRequested(
        idempotency_key=uuid.uuid4().hex, recipient_id="someone", to=world.seeker_email.upper(), subject="s",
        text="t", category="test"), lambda _: pytest.fail("sent"), NOW, SETTINGS) == "skipped"
    assert offers.record_and_offer(world.seeker, world.seeker_email, [PledgeKind.HELP_COFFEE], NOW, SETTINGS) == []
    assert holding(world.seeker_email) == []
    # The helper keeps their own records.
    assert db.helpers().find_one({"_id": world.helper})["email"] == world.helper_email  # type: ignore[index]


def test_erasing_a_helper_leaves_no_trace_and_hands_their_pending_review_to_others(world: World) -> None:
    assert holding(world.helper_email)
    assert holding(world.helper_name)
    counts = privacy.erase_person(world.helper, NOW)
    assert counts["helpers"] == 1
    assert counts["pledges"] == 2
    assert counts["helper_reviews"] == 1
    assert holding(world.helper_email) == []
    assert holding(world.helper_name) == []

    helper = db.helpers().find_one({"_id": world.helper})
    assert helper is not None
    assert helper["unsubscribed"]
    assert helper["name"] == ""
    assert not any(p["active"] for p in db.pledges().find({"helper_id": world.helper}))
    # The review they wrote stays for its owner, without their name or address; the pending one goes to others.
    done = db.reviews().find_one({"_id": world.review_id})
    assert done is not None
    assert REVIEW_TEXT in done["text"]
    assert requests_repo.help_requests(world.seeker).documents[0].reviews[0].text == done["text"]
    assert db.reviews().find_one({"_id": world.pending_review_id})["state"] == "TIME_OUT"  # type: ignore[index]
    assert db.outbox().find_one({"key": world.other_seeker, "value": {"$regex": "review.timed-out"}}) is not None
    assert notifier.deliver(NotificationRequested(
        idempotency_key=uuid.uuid4().hex, recipient_id=world.helper, to="new@example.org", subject="s", text="t",
        category="test"), lambda _: pytest.fail("sent"), NOW, SETTINGS) == "skipped"
    # The seeker keeps theirs: the introduction that failed will still go, without the helper's address.
    assert db.coffee_requests().find_one({"_id": world.seeker}) is not None
    failed = db.notifications().find_one({"_id": f"coffee-matched:{coffee_id(world)}:seeker"})
    assert failed is not None
    assert failed["state"] == "FAILED"
    assert failed["payload"]["to"] == world.seeker_email
    assert "[effacé]" in failed["payload"]["text"]


def test_erasure_is_idempotent(world: World) -> None:
    privacy.erase_person(world.helper, NOW)
    privacy.erase_person(world.seeker, NOW)
    before = snapshot()
    assert set(privacy.erase_person(world.seeker, NOW + dt.timedelta(hours=1)).values()) == {0}
    assert set(privacy.erase_person(world.helper, NOW + dt.timedelta(hours=1)).values()) == {0}
    assert snapshot() == before


@pytest.mark.usefixtures(pledges_db.__name__)
def test_erasing_someone_pledges_never_knew_only_records_them() -> None:
    stranger = uuid.uuid4().hex
    counts = privacy.erase_person(stranger, NOW)
    assert counts == {name: 1 if name == "unsubscribed" else 0 for name in db.COLLECTIONS}
    assert db.erased(stranger)
    assert privacy.export_person(stranger)["unsubscribed"]["erased"] is True
