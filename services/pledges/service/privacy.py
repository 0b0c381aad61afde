"""GDPR in Bob Action: everything pledges holds about a person, and its erasure. Called by the platform's privacy
consumer (`shared/messaging/privacy.py`); the person id is the account id, which is both the job seeker's profile
id and the helper's id, so one person may hold records on both sides.

Both are rare, so they read with filters other than `_id` (FerretDB scans for those): the scans find every record,
including those written before the per-person index documents existed, which matters more here than speed.

Erasure, in an order that leaves nothing behind for a concurrent matcher to pick up:
1. the person is recorded as erased: no later event (a replayed diagnosis) stores their email again (the notifier
   answers the same request itself and sends them nothing more);
2. their pledges stop and their requests (documents with the file bytes, coffee request) are deleted, so no new
   match can involve them; then their pending reviews time out (a document of theirs goes to nobody, one they were
   reviewing goes to another helper);
3. what stays for the public counters (helper, pledges, reviews, coffees) is redacted: addresses, name, cities,
   the texts of reviews written for them, their address or name inside the texts they wrote;
4. the emails in the outbox and its archive (events carry the mails' recipients and texts) lose the person's
   address and, for mails to them, their content; the mails that carried the reviews they wrote lose their name too.
Idempotent: a second run finds nothing more to change (its counts are zeros)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from pymongo.collection import Collection

from services.pledges.adapters import db, seekers
from services.pledges.adapters.helpers_repo import redacted_email
from services.pledges.config import PledgesSettings
from services.pledges.domain.kinds import ReviewState
from services.pledges.service.matching import time_out
from services.pledges.service.reviews import done_key
from shared.crypto.cipher import SealError
from shared.crypto.keystore import PersonKeys, person_keys
from shared.mongo import as_utc
from shared.schemas.notification import Notification, NotificationRequested
from shared.topics import NOTIFICATIONS

REDACTED = "[effacé]"
# Notification payloads are revalidated when retried: the address that replaces one must stay a valid one.
ERASED_ADDRESS = "erased@redacted.example.org"


# --- export -------------------------------------------------------------------------------------------------------

def _json(value: Any) -> Any:
    """JSON values only: ISO dates (UTC), no bytes, ids as strings."""
    if isinstance(value, dt.datetime):
        return as_utc(value).isoformat()
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items() if not isinstance(v, bytes | bytearray)}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value if not isinstance(v, bytes | bytearray)]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)  # ObjectId and the like


def _pick(doc: dict[str, Any] | None, *fields: str, id_as: str | None = None) -> dict[str, Any] | None:
    if doc is None:
        return None
    picked = {f: doc[f] for f in fields if f in doc}
    if id_as:
        picked = {id_as: doc["_id"], **picked}
    result: dict[str, Any] = _json(picked)
    return result


def _offers(person_id: str) -> dict[str, Any] | None:
    found = seekers.read(person_id)
    if not (found["email"] or found["wanted"] or found["offered"]):
        return None
    return _pick({k: v for k, v in found.items() if v is not None}, "email", "wanted", "offered", "created_at")


def _picked(docs: list[dict[str, Any]], *fields: str, id_as: str | None = None) -> list[dict[str, Any]]:
    return [p for p in (_pick(d, *fields, id_as=id_as) for d in docs) if p is not None]


def export_person(person_id: str) -> dict[str, Any]:
    """Everything held about the person, as a job seeker and as a helper (other people's data left out: the
    addresses of those they were matched with, the documents' file bytes)."""
    reviews = list(db.reviews().find({"$or": [{"profile_id": person_id}, {"helper_id": person_id}]}))
    coffees = list(db.coffees().find({"$or": [{"profile_id": person_id}, {"helper_id": person_id}]}))
    review_fields = ("document_id", "kind", "state", "sent_at", "done_at", "timed_out_at", "text")
    return {
        "person_id": person_id,
        "job_seeker": {
            "offers": _offers(person_id),
            "documents": _picked(
                list(db.documents().find({"profile_id": person_id}, {"data": 0})),
                "kind", "filename", "media_type", "size", "email", "created_at", id_as="document_id",
            ),
            "reviews_received": _picked(
                [r for r in reviews if r["profile_id"] == person_id], *review_fields, id_as="review_id"
            ),
            "coffee_request": _pick(
                db.coffee_requests().find_one({"_id": person_id}), "email", "active", "matched", "rome_code", "city",
                "mobility_area", "created_at", "updated_at",
            ),
            "coffees": _picked([c for c in coffees if c["profile_id"] == person_id], "proximity", "matched_at"),
        },
        "helper": {
            "helper": _pick(
                db.helpers().find_one({"_id": person_id}), "email", "name", "cities", "remote", "domains",
                "confirmed", "unsubscribed", "created_at", "confirmed_at", "unsubscribed_at", "erased_at",
            ),
            "pledges": _picked(
                list(db.pledges().find({"helper_id": person_id})), "kind", "capacity", "assigned", "done", "active",
                "fulfilled", "cities", "remote", "domains", "created_at", id_as="pledge_id",
            ),
            "reviews_written": _picked(
                [r for r in reviews if r["helper_id"] == person_id], *review_fields, id_as="review_id"
            ),
            "coffees": _picked([c for c in coffees if c["helper_id"] == person_id], "proximity", "matched_at"),
        },
        "unsubscribed": _pick(db.unsubscribed().find_one({"_id": person_id}), "at", "erased", "erased_at"),
    }


# --- erasure ------------------------------------------------------------------------------------------------------

def _address(value: Any) -> str | None:
    """A real address of the person (not one that already replaced theirs), normalised."""
    if not isinstance(value, str) or "@" not in value or value.endswith("@invalid") or value == ERASED_ADDRESS:
        return None
    return value.strip().casefold()


class _Scrubber:
    """Replaces the person's addresses (and, for texts they wrote, their name) inside free text."""

    def __init__(self, emails: set[str], name: str = "") -> None:
        self.emails = sorted(emails, key=len, reverse=True)
        self.email_pattern = re.compile("|".join(map(re.escape, self.emails)), re.IGNORECASE) if emails else None
        self.name_pattern = re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE) if name else None

    def mentions(self, text: str) -> bool:
        return any(p is not None and p.search(text) for p in (self.email_pattern, self.name_pattern))

    def text(self, text: str) -> str:
        for pattern in (self.email_pattern, self.name_pattern):
            if pattern is not None:
                text = pattern.sub(REDACTED, text)
        return text

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        return value


def _mark_erased(person_id: str, now: dt.datetime) -> int:
    if db.erased(person_id):
        return 0
    db.unsubscribed().update_one(
        {"_id": person_id}, {"$set": {"erased": True, "erased_at": now}, "$setOnInsert": {"at": now}}, upsert=True
    )
    return 1


def _opened(payload: dict[str, Any], keys: PersonKeys) -> tuple[Notification, bytes] | None:
    """A queued notification in clear, with its recipient's key; None when it cannot be opened (its recipient was
    erased: it is unreadable already)."""
    try:
        sealed = NotificationRequested.model_validate(payload)
        key = keys.get(sealed.recipient_id)
        return None if key is None else (sealed.opened(key), key)
    except (ValueError, SealError):
        return None


def _redact_mail(payload: dict[str, Any], person_id: str, scrub: _Scrubber, keys: PersonKeys) -> dict[str, Any]:
    """A notification's data: a mail to the person stays sealed with their destroyed key (unreadable); any other
    is opened, loses the person's address and name, and is sealed again with its recipient's key."""
    if payload.get("recipient_id") == person_id:
        return payload
    opened = _opened(payload, keys)
    if opened is None:
        return payload
    note, key = opened
    clear = note.model_dump()
    redacted: dict[str, Any] = scrub.value(clear)
    if scrub.mentions(note.to):
        redacted["to"] = ERASED_ADDRESS
    if redacted == clear:
        return payload
    return Notification.model_validate(redacted).sealed(key).model_dump(mode="json")


def _redact_entries(
    collection: Collection[db.Doc], wanted: Callable[[db.Doc], bool], redact: Callable[[str, db.Doc], db.Doc]
) -> int:
    """Rewrites the stored events (outbox entries) that `wanted` picks and whose data the redaction changes; returns
    how many entries changed. A scan: erasure is rare, and FerretDB scans for any filter but `_id` anyway."""
    changed = 0
    for entry in collection.find({}):
        records = entry.get("records") or []
        redacted = [_redact_record(r, redact) if wanted(r) else r for r in records]
        if redacted != records:
            changed += collection.update_one({"_id": entry["_id"]}, {"$set": {"records": redacted}}).modified_count
    return changed


def _redact_record(record: db.Doc, redact: Callable[[str, db.Doc], db.Doc]) -> db.Doc:
    envelope = json.loads(record["value"])
    data = envelope.get("data")
    if not isinstance(data, dict):
        return record
    redacted = redact(record["topic"], data)
    if redacted == data:
        return record
    return record | {"value": json.dumps(envelope | {"data": redacted}, ensure_ascii=False)}


def _outboxes() -> tuple[tuple[str, Collection[db.Doc]], ...]:
    # The outbox first, then its archive: the relay moves entries from one to the other.
    return ("outbox", db.outbox()), ("outbox_archive", db.outbox_archive())


def _scrub_written(review_ids: list[str], scrub: _Scrubber, counts: Counter[str], keys: PersonKeys) -> None:
    """The emails that brought the person's reviews to their owners lose the person's name and address, as the
    reviews themselves did."""
    review_keys = {done_key(review_id) for review_id in review_ids}

    def carries_review(record: db.Doc) -> bool:
        return record["topic"] == NOTIFICATIONS.name and any(key in record["value"] for key in review_keys)

    for name, collection in _outboxes():
        counts[name] += _redact_entries(collection, carries_review, lambda _, data: _redact_mail(data, "", scrub, keys))


def _erase_mails(person_id: str, scrub: _Scrubber, counts: Counter[str], keys: PersonKeys) -> None:
    def concerns(record: db.Doc) -> bool:
        # Sealed mails may mention the person inside: each is opened (erasure is rare).
        return bool(record["topic"] == NOTIFICATIONS.name or record["key"] == person_id
                    or scrub.mentions(record["value"]))

    def redact(topic: str, data: db.Doc) -> db.Doc:
        # Pledges events carry ids, kinds and states only; scrubbed all the same if one ever did.
        return _redact_mail(data, person_id, scrub, keys) if topic == NOTIFICATIONS.name else scrub.value(data)

    for name, collection in _outboxes():
        counts[name] += _redact_entries(collection, concerns, redact)


def _mailed_addresses(person_id: str, keys: PersonKeys) -> list[Any]:
    """The addresses of the emails queued for the person (other services' emails are the notifier's business)."""
    opened = [
        _opened(json.loads(r["value"]).get("data", {}), keys)
        for _, collection in _outboxes() for entry in collection.find({})
        for r in entry.get("records") or [] if r["topic"] == NOTIFICATIONS.name and r["key"] == person_id
    ]
    return [found[0].to for found in opened if found is not None]


def erase_person(person_id: str, now: dt.datetime, settings: PledgesSettings) -> dict[str, int]:
    """Erases the person's data (see the module's docstring); returns how many records changed per collection.
    It runs beside matching passes: a review stored after its look for the person's reviews is ended by the
    matcher (`matching._unless_erased`), which sees the mark written here first."""
    counts: Counter[str] = Counter()
    counts["unsubscribed"] += _mark_erased(person_id, now)
    keys = person_keys(settings)

    helper = db.helpers().find_one({"_id": person_id})
    pledges = list(db.pledges().find({"helper_id": person_id}))
    documents = list(db.documents().find({"profile_id": person_id}, {"data": 0}))
    coffee_request = db.coffee_requests().find_one({"_id": person_id})
    seeker = db.seekers().find_one({"_id": person_id})
    found = [
        (helper or {}).get("email"), (coffee_request or {}).get("email"), (seeker or {}).get("email"),
        *(p.get("helper_email") for p in pledges), *(d.get("email") for d in documents),
        *_mailed_addresses(person_id, keys),
    ]
    emails = {address for address in map(_address, found) if address}
    name = str((helper or {}).get("name") or "").strip()

    # No new match can involve the person.
    redacted = redacted_email(person_id)
    for pledge in pledges:
        counts["pledges"] += db.pledges().update_one({"_id": pledge["_id"]}, {"$set": {
            "active": False, "helper_email": redacted, "cities": []}}).modified_count
    for document in documents:
        counts["documents"] += db.documents().delete_one({"_id": document["_id"]}).deleted_count
    counts["seeker_documents"] += db.seeker_documents().delete_one({"_id": person_id}).deleted_count
    counts["coffee_requests"] += db.coffee_requests().delete_one({"_id": person_id}).deleted_count
    counts["seekers"] += db.seekers().delete_one({"_id": person_id}).deleted_count
    counts["seeker_offers"] += db.seeker_offers().delete_many(
        {"_id": {"$in": seekers.offer_ids(person_id)}}).deleted_count

    # Reviews (read after the requests are gone, so one assigned meanwhile is found too), then the rest.
    # Their name is looked for in the texts they wrote only: elsewhere a name like "Bob" is not theirs.
    scrub, scrub_theirs = _Scrubber(emails), _Scrubber(emails, name)
    reviews = list(db.reviews().find({"$or": [{"profile_id": person_id}, {"helper_id": person_id}]}))
    for review in reviews:
        if review["state"] == ReviewState.SENT.value:
            time_out(review["_id"], now, settings)
            review = db.reviews().find_one({"_id": review["_id"]}) or review  # ended, maybe DONE by a dead claimant
        update: dict[str, Any] = {}
        unset: dict[str, str] = {}
        if review["profile_id"] == person_id:
            update["owner_email"] = ""
            if "text" in review:
                unset["text"] = ""
        if review["helper_id"] == person_id:
            update["helper_email"] = redacted
            if isinstance(review.get("text"), str) and review["profile_id"] != person_id:
                update["text"] = scrub_theirs.text(review["text"])
        if any(review.get(k) != v for k, v in update.items()) or unset:
            counts["reviews"] += db.reviews().update_one(
                {"_id": review["_id"]}, {"$set": update, **({"$unset": unset} if unset else {})}).modified_count

    for coffee in db.coffees().find({"$or": [{"profile_id": person_id}, {"helper_id": person_id}]}):
        change = {
            **({"seeker_email": ""} if coffee["profile_id"] == person_id else {}),
            **({"helper_email": redacted} if coffee["helper_id"] == person_id else {}),
        }
        counts["coffees"] += db.coffees().update_one({"_id": coffee["_id"]}, {"$set": change}).modified_count

    if helper is not None and helper.get("erased_at") is None:
        counts["helpers"] += db.helpers().update_one({"_id": person_id}, {"$set": {
            "email": redacted, "name": "", "cities": [], "unsubscribed": True, "erased_at": now,
        }}).modified_count
    counts["helper_reviews"] += db.helper_reviews().delete_one({"_id": person_id}).deleted_count

    _erase_mails(person_id, scrub, counts, keys)
    _scrub_written([r["_id"] for r in reviews if r["helper_id"] == person_id and "text" in r], scrub_theirs, counts,
                   keys)
    return {name: counts[name] for name in db.COLLECTIONS}
