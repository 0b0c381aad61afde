"""GDPR in pledges against a real FerretDB (its own database): a job seeker and a helper go through the whole flow
with the service's own functions (sign-up, upload, coffee, matching, review, the relay moving events to the
archive), then export returns their data as JSON and erasure leaves no trace of their email or name in any
collection, stores nothing more about them, and changes nothing more when replayed. (The emails themselves are the
notifier's: tests/integration/test_notifier.py.)"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from mongoengine.connection import get_db  # type: ignore[import-untyped]

from services.pledges.adapters import db
from services.pledges.adapters.assignments import coffee_id
from services.pledges.config import PledgesSettings
from services.pledges.domain.files import TEXT
from services.pledges.domain.helpers import Pledge, SignUp
from services.pledges.domain.kinds import DocumentKind, PledgeKind
from services.pledges.domain.matching import Place
from services.pledges.service import helpers, matching, offers, privacy, requests, reviews
from shared.crypto import keystore
from shared.crypto.keystore import KekRing, KeyStore
from shared.messaging.envelope import any_event
from shared.schemas.notification import NotificationRequested
from shared.schemas.profile import AreaType
from shared.topics import NOTIFICATIONS
from tests.support import scratch_db

pytestmark = [pytest.mark.integration]
SETTINGS = PledgesSettings(environment="test")  # pointed at the test's database server by `pledges_db`
NOW = dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)
TOULOUSE = Place("Toulouse", "31")
REVIEW_TEXT = "Mettez vos projets en premier et chiffrez vos résultats."


@pytest.fixture
def pledges_db(mongo_url: str) -> Iterator[None]:
    global SETTINGS
    SETTINGS = PledgesSettings(environment="test", mongo_url=mongo_url)
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


def relay() -> None:
    """What the relay does once Kafka acknowledged: every queued entry moves to the archive."""
    db.OUTBOX.done(list(db.outbox().find({})), NOW)


def keys() -> KeyStore:
    return KeyStore(keystore.collection(SETTINGS), KekRing.from_settings(SETTINGS))


def mail(key: str) -> dict[str, Any] | None:
    """The queued or relayed email with this idempotency key, opened with its recipient's data key; None when that
    key is gone (the person was erased: crypto-shredded)."""
    for collection in (db.outbox(), db.outbox_archive()):
        for entry in collection.find({}):
            for record in entry["records"]:
                data: dict[str, Any] = any_event(record["value"]).data
                if record["topic"] == NOTIFICATIONS.name and data["idempotency_key"] == key:
                    note = NotificationRequested.model_validate(data)
                    data_key = keys().get(note.recipient_id)
                    return None if data_key is None else note.opened(data_key).model_dump()
    raise AssertionError(f"no email {key}")


def unique(who: str) -> str:
    return f"{who}-{uuid.uuid4().hex[:8]}@Example.org"


@pytest.fixture
def world(pledges_db: None) -> World:
    seeker, helper, other = uuid.uuid4().hex, uuid.uuid4().hex, uuid.uuid4().hex
    for signed_in in (seeker, helper, other):  # as the profile service does when they sign in
        keys().ensure(signed_in)
    seeker_email, helper_email, helper_name = unique("camille"), unique("dominique"), "Dominique Zyxwvu"
    helpers.register(helper, helper_email, SignUp(
        name=helper_name, cities=(TOULOUSE,), remote=True, domains=("M16",),
        pledges=(Pledge(PledgeKind.HELP_RESUME, 2), Pledge(PledgeKind.HELP_COFFEE, 1)),
    ), NOW, SETTINGS)
    offers.record_and_offer(seeker, seeker_email, [PledgeKind.HELP_RESUME], NOW, SETTINGS)
    cv = f"Camille Martin\n{seeker_email}\nDeveloppeuse web\n".encode()
    document_id = requests.store_document(seeker, seeker_email, DocumentKind.RESUME, "cv.txt", TEXT, cv, NOW,
                                          SETTINGS)
    requests.choose_coffee(seeker, seeker_email, True, "M1607", TOULOUSE, AreaType.CITY, NOW, SETTINGS)
    assert matching.run_pass(PledgeKind.HELP_RESUME, NOW, SETTINGS) == 1
    assert matching.run_pass(PledgeKind.HELP_COFFEE, NOW, SETTINGS) == 1
    [review_id] = db.helper_reviews().find_one({"_id": helper})["review_ids"]  # type: ignore[index]
    reviews.submit_review(review_id, helper, f"{REVIEW_TEXT}\nDominique zyxwvu, {helper_email}", NOW, SETTINGS)
    relay()

    # Still queued when the erasure comes: a second CV, reviewed by the same helper, not yet relayed.
    other_email = unique("other")
    other_document = requests.store_document(other, other_email, DocumentKind.RESUME, "cv.txt", TEXT, b"CV\n", NOW,
                                             SETTINGS)
    assert matching.run_pass(PledgeKind.HELP_RESUME, NOW, SETTINGS) == 1
    [pending] = [r for r in db.reviews().find({"document_id": other_document})]
    return World(seeker, seeker_email.casefold(), helper, helper_email.casefold(), helper_name, other, document_id,
                 review_id, pending["_id"])


def introduction(world: World) -> str:
    """The key of the email that introduces the helper to the seeker for their coffee."""
    return f"coffee-matched:{coffee_id(world.seeker)}:seeker"


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
    assert export["job_seeker"]["documents"] == []
    assert not mentions(export, world.seeker_email)


def test_erasing_a_job_seeker_leaves_no_trace_and_stops_every_email(world: World) -> None:
    assert holding(world.seeker_email)  # the CV bytes, the requests, the reviews, the emails and their events
    assert (mail(introduction(world)) or {})["to"] == world.seeker_email
    counts = privacy.erase_person(world.seeker, NOW, SETTINGS)
    keys().destroy(world.seeker)  # the profile service's part of the erasure
    assert counts["documents"] == 1
    assert counts["coffee_requests"] == counts["seekers"] == counts["seeker_documents"] == 1
    assert counts["reviews"] == 1
    assert counts["coffees"] == 1
    assert counts["outbox_archive"] >= 1  # what names them outside their own emails (those stay sealed with their key)
    assert holding(world.seeker_email) == []

    review = db.reviews().find_one({"_id": world.review_id})
    assert review is not None
    assert "text" not in review
    assert review["state"] == "DONE"  # still counted, no longer readable
    assert mail(introduction(world)) is None  # sealed with a key that is gone
    assert requests.help_requests(world.seeker) == {"documents": [], "coffee": None}
    # No late event stores them again.
    assert offers.record_and_offer(world.seeker, world.seeker_email, [PledgeKind.HELP_COFFEE], NOW, SETTINGS) == []
    assert holding(world.seeker_email) == []
    # The helper keeps their own records.
    assert db.helpers().find_one({"_id": world.helper})["email"] == world.helper_email  # type: ignore[index]


def test_erasing_a_helper_leaves_no_trace_and_hands_their_pending_review_to_others(world: World) -> None:
    assert holding(world.helper_email)
    assert holding(world.helper_name)
    counts = privacy.erase_person(world.helper, NOW, SETTINGS)
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
    assert requests.help_requests(world.seeker)["documents"][0]["reviews"][0]["text"] == done["text"]
    assert db.reviews().find_one({"_id": world.pending_review_id})["state"] == "TIME_OUT"  # type: ignore[index]
    queued = [r for e in db.outbox().find({}) for r in e["records"] if r["key"] == world.other_seeker]
    assert any(any_event(r["value"]).type == "review.timed-out" for r in queued)
    # The seeker keeps theirs: their introduction still names them, without the helper's address.
    assert db.coffee_requests().find_one({"_id": world.seeker}) is not None
    introduced = mail(introduction(world))
    assert introduced is not None
    assert introduced["to"] == world.seeker_email
    assert "[effacé]" in introduced["text"]


def test_erasure_is_idempotent(world: World) -> None:
    privacy.erase_person(world.helper, NOW, SETTINGS)
    privacy.erase_person(world.seeker, NOW, SETTINGS)
    before = snapshot()
    assert set(privacy.erase_person(world.seeker, NOW + dt.timedelta(hours=1), SETTINGS).values()) == {0}
    assert set(privacy.erase_person(world.helper, NOW + dt.timedelta(hours=1), SETTINGS).values()) == {0}
    assert snapshot() == before


@pytest.mark.usefixtures(pledges_db.__name__)
def test_erasing_someone_pledges_never_knew_only_records_them() -> None:
    stranger = uuid.uuid4().hex
    counts = privacy.erase_person(stranger, NOW, SETTINGS)
    assert counts == {name: 1 if name == "unsubscribed" else 0 for name in db.COLLECTIONS}
    assert db.erased(stranger)
    assert privacy.export_person(stranger)["unsubscribed"]["erased"] is True
