"""GDPR in Bob Action: everything pledges holds about a person, and its erasure. Called by the shared privacy agent
(`shared/privacy_agent.py`); the person id is the account id, which is both the job seeker's profile id and the
helper's id, so one person may hold records on both sides.

Both are rare, so they read with filters other than `_id` (FerretDB scans for those): the scans find every record,
including those written before the per-person index documents existed, which matters more here than speed.

Erasure, in an order that leaves nothing behind for a concurrent matcher to pick up:
1. the person (then each of their addresses, by hash) is recorded as unsubscribed and erased: the notifier sends
   them nothing more, and no later event (a replayed diagnosis) stores their email again;
2. their pledges stop and their requests (documents with the file bytes, coffee request) are deleted, so no new
   match can involve them; then their pending reviews time out (a document of theirs goes to nobody, one they were
   reviewing goes to another helper);
3. what stays for the public counters (helper, pledges, reviews, coffees) is redacted: addresses, name, cities,
   the texts of reviews written for them, their address or name inside the texts they wrote;
4. the emails kept by the notifier (its records hold each mail's payload) and in the outbox and its archive (events
   carry the mails' recipients and texts) lose the person's address and, for mails to them, their content; the
   mails that carried the reviews they wrote lose their name too.
Idempotent: a second run finds nothing more to change (its counts are zeros)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from pymongo.collection import Collection

from services.pledges import matcher
from services.pledges.adapters import db
from services.pledges.adapters.helpers_repo import email_hash, redacted_email
from services.pledges.domain.kinds import ReviewState
from services.pledges.events import stable_id
from services.pledges.reviews import done_key
from shared.mongo import as_utc
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
            "offers": _pick(db.seekers().find_one({"_id": person_id}), "email", "wanted", "offered", "created_at"),
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
        # The notifier keeps an email's address and text only until it is sent: what is left of each.
        "emails": [
            _json({"key": n["_id"], "category": n.get("category"), "state": n.get("state"),
                   "created_at": n.get("created_at"), "sent_at": n.get("sent_at"),
                   **{k: v for k, v in n["payload"].items() if k in ("to", "subject")}})
            for n in db.notifications().find({"payload.recipient_id": person_id})
        ],
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

    def query(self, *fields: str) -> list[dict[str, Any]]:
        """Filters matching an address in any of the fields (case-insensitive)."""
        if self.email_pattern is None:
            return []
        regex = {"$regex": self.email_pattern.pattern, "$options": "i"}
        return [{field: regex} for field in fields]


def _mark_unsubscribed(key: str, now: dt.datetime, erased: bool) -> int:
    marker = db.unsubscribed().find_one({"_id": key})
    if marker is not None and (marker.get("erased") or not erased):
        return 0
    update: dict[str, Any] = {"$setOnInsert": {"at": now}}
    if erased:
        update["$set"] = {"erased": True, "erased_at": now}
    db.unsubscribed().update_one({"_id": key}, update, upsert=True)
    return 1


def _redact_mail(payload: dict[str, Any], person_id: str, scrub: _Scrubber) -> dict[str, Any]:
    """A notification's data: a mail to the person loses its address and text, any other their address."""
    if payload.get("recipient_id") == person_id:
        return {k: ERASED_ADDRESS if k == "to" else REDACTED if k == "text" else v for k, v in payload.items()}
    redacted: dict[str, Any] = scrub.value(payload)
    if isinstance(payload.get("to"), str) and scrub.mentions(payload["to"]):
        redacted["to"] = ERASED_ADDRESS
    return redacted


def _scrub_envelope(collection: Collection[db.Doc], doc: db.Doc, redact: Callable[[db.Doc], db.Doc]) -> int:
    """Rewrites a stored event whose data the redaction changes; 1 when it did."""
    envelope = json.loads(doc["value"])
    data = envelope.get("data")
    if not isinstance(data, dict):
        return 0
    redacted = redact(data)
    if redacted == data:
        return 0
    value = json.dumps(envelope | {"data": redacted}, ensure_ascii=False)
    return int(collection.update_one({"_id": doc["_id"]}, {"$set": {"value": value}}).modified_count)


def _scrub_written(review_ids: list[str], scrub: _Scrubber, counts: Counter[str]) -> None:
    """The emails that brought the person's reviews to their owners (found by `_id`: their keys are known) lose
    the person's name and address, as the reviews themselves did."""
    for review_id in review_ids:
        key = done_key(review_id)
        record = db.notifications().find_one({"_id": key})
        payload = (record or {}).get("payload")
        if isinstance(payload, dict) and scrub.value(payload) != payload:
            counts["notifications"] += db.notifications().update_one(
                {"_id": key}, {"$set": {"payload": scrub.value(payload)}}).modified_count
        for name, collection in (("outbox", db.outbox()), ("outbox_archive", db.outbox_archive())):
            doc = collection.find_one({"_id": stable_id("notification", key)})
            if doc is not None:
                counts[name] += _scrub_envelope(collection, doc, scrub.value)


def _erase_mails(person_id: str, scrub: _Scrubber, counts: Counter[str]) -> None:
    query = {"$or": [{"payload.recipient_id": person_id}, *scrub.query("payload.to", "payload.text")]}
    for record in db.notifications().find(query):
        payload = record.get("payload") or {}
        redacted = _redact_mail(payload, person_id, scrub)
        update: dict[str, Any] = {"payload": redacted}
        if payload.get("recipient_id") == person_id and record.get("state") in ("FAILED", "SENDING"):
            update["state"] = "SKIPPED"  # never to be sent now
        if redacted != payload or "state" in update:
            counts["notifications"] += db.notifications().update_one(
                {"_id": record["_id"]}, {"$set": update}).modified_count

    # The outbox first, then its archive: the relay moves events from one to the other.
    for name, collection in (("outbox", db.outbox()), ("outbox_archive", db.outbox_archive())):
        for doc in collection.find({"$or": [{"key": person_id}, *scrub.query("value")]}):
            if doc["topic"] == NOTIFICATIONS.name:
                counts[name] += _scrub_envelope(collection, doc, lambda data: _redact_mail(data, person_id, scrub))
            else:  # pledges events carry ids, kinds and states only; scrubbed all the same if one ever did
                counts[name] += _scrub_envelope(collection, doc, scrub.value)


def erase_person(person_id: str, now: dt.datetime) -> dict[str, int]:
    """Erases the person's data (see the module's docstring); returns how many records changed per collection."""
    counts: Counter[str] = Counter()
    counts["unsubscribed"] += _mark_unsubscribed(person_id, now, erased=True)

    helper = db.helpers().find_one({"_id": person_id})
    pledges = list(db.pledges().find({"helper_id": person_id}))
    documents = list(db.documents().find({"profile_id": person_id}, {"data": 0}))
    coffee_request = db.coffee_requests().find_one({"_id": person_id})
    seeker = db.seekers().find_one({"_id": person_id})
    # Emails still to be sent to them (other services' too: the notifier is the platform's) hold their address.
    mails = db.notifications().find({"payload.recipient_id": person_id}, {"payload": 1})
    found = [
        (helper or {}).get("email"), (coffee_request or {}).get("email"), (seeker or {}).get("email"),
        *(p.get("helper_email") for p in pledges), *(d.get("email") for d in documents),
        *(m["payload"].get("to") for m in mails),
    ]
    emails = {address for address in map(_address, found) if address}
    name = str((helper or {}).get("name") or "").strip()
    for address in sorted(emails):
        counts["unsubscribed"] += _mark_unsubscribed(email_hash(address), now, erased=False)

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

    # Reviews (read after the requests are gone, so one assigned meanwhile is found too), then the rest.
    # Their name is looked for in the texts they wrote only: elsewhere a name like "Bob" is not theirs.
    scrub, scrub_theirs = _Scrubber(emails), _Scrubber(emails, name)
    reviews = list(db.reviews().find({"$or": [{"profile_id": person_id}, {"helper_id": person_id}]}))
    for review in reviews:
        if review["state"] == ReviewState.SENT.value:
            matcher.time_out(review["_id"], now)
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

    _erase_mails(person_id, scrub, counts)
    _scrub_written([r["_id"] for r in reviews if r["helper_id"] == person_id and "text" in r], scrub_theirs, counts)
    return {name: counts[name] for name in db.COLLECTIONS}
