"""Helpers and their pledges: sign-up (active at once: the email was verified by signing in), the reviews
assigned to a helper, unsubscribe with redaction."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from pymongo.errors import DuplicateKeyError

from services.pledges.adapters import db, outbox
from services.pledges.config import PledgesSettings
from services.pledges.domain.links import LinkError, Purpose, sign, verify
from services.pledges.errors import Refused
from services.pledges.events import event, notification, stable_id
from services.pledges.schemas import HelperIn
from shared.mongo import as_utc, insert_ignoring_duplicates
from shared.schemas.pledges import HelperChanged, PledgeRef
from shared.topics import PLEDGES_HELPERS


def email_hash(email: str) -> str:
    return "email:" + hashlib.sha256(email.strip().casefold().encode()).hexdigest()


def redacted_email(person_id: str) -> str:
    """What replaces a helper's address: unique (the helpers' email index is unique) and never deliverable."""
    return f"redacted-{person_id}@invalid"


def pledge_id(helper_id: str, kind: str) -> str:
    return stable_id("pledge", helper_id, kind)


def _refs(helper_id: str) -> list[PledgeRef]:
    return [
        PledgeRef(pledge_id=p["_id"], kind=p["kind"], capacity=p["capacity"])
        for p in db.pledges().find({"helper_id": helper_id}).sort("kind", 1)
    ]


def unsubscribe_link(settings: PledgesSettings, helper_id: str, now: dt.datetime) -> str:
    expires = now + dt.timedelta(days=settings.unsubscribe_link_ttl_days)
    token = sign(settings.key, Purpose.UNSUBSCRIBE, helper_id, expires)
    return f"{settings.public_url}/#/unsubscribe/helper/{token}"  # the web page asks before it unsubscribes


def register(helper_id: str, email: str, body: HelperIn, now: dt.datetime, settings: PledgesSettings) -> str:
    """Stores the helper (the account id is the helper id) with active pledges, and queues the welcome email."""
    if db.erased(helper_id):
        raise Refused(403, "this account was erased")
    email = email.casefold()
    cities = [c.model_dump() for c in body.cities]
    try:
        db.helpers().insert_one({
            "_id": helper_id, "email": email, "name": body.name, "cities": cities, "remote": body.remote,
            "domains": body.domains, "confirmed": True, "confirmed_at": now, "unsubscribed": False,
            "created_at": now,
        })
    except DuplicateKeyError:
        raise Refused(409, "this person is already registered as a helper") from None
    insert_ignoring_duplicates(db.pledges(), [
        {"_id": pledge_id(helper_id, p.kind.value), "helper_id": helper_id, "helper_email": email,
         "kind": p.kind.value, "capacity": p.capacity, "free": p.capacity, "assigned": 0, "done": 0,
         "active": True, "confirmed": True, "fulfilled": False, "created_at": now, "cities": cities,
         "remote": body.remote, "domains": body.domains}
        for p in body.pledges
    ])
    kinds = ", ".join(p.kind.value for p in body.pledges)
    refs = [PledgeRef(pledge_id=pledge_id(helper_id, p.kind.value), kind=p.kind.value, capacity=p.capacity)
            for p in sorted(body.pledges, key=lambda p: p.kind.value)]
    changed = HelperChanged(helper_id=helper_id, pledges=refs)
    outbox.add([
        event(PLEDGES_HELPERS, "helper.registered", helper_id, changed, helper_id),
        # Matching starts on `helper.confirmed`: sign-in verified the email, so it follows at once.
        event(PLEDGES_HELPERS, "helper.confirmed", helper_id, changed, helper_id),
        notification(
            f"helper-welcome:{helper_id}", helper_id, email, "Bob Action : merci pour votre engagement",
            f"Bonjour {body.name},\n\nMerci pour votre engagement ({kinds}). Nous vous écrirons dès qu'une "
            f"personne a besoin de vous ; vos relectures vous attendent sur {settings.public_url}/#/reviews\n\n"
            f"Pour vous désinscrire : {unsubscribe_link(settings, helper_id, now)}\n",
            "helper-welcome",
        ),
    ])
    return helper_id


def assigned_reviews(helper_id: str) -> list[dict[str, Any]]:
    """The helper's reviews, oldest first, read by `_id` through the helper's index document."""
    index = db.helper_reviews().find_one({"_id": helper_id})
    reviews = [db.reviews().find_one({"_id": review_id}) for review_id in (index or {}).get("review_ids", [])]
    return sorted((r for r in reviews if r is not None), key=lambda r: as_utc(r["sent_at"]))


def unsubscribe(token: str, now: dt.datetime, settings: PledgesSettings) -> str:
    """Redacts the helper's personal data; pledges and reviews stay as anonymous counts. Idempotent."""
    link = verify(settings.key, token, Purpose.UNSUBSCRIBE, now)
    helper = db.helpers().find_one({"_id": link.subject})
    if helper is None:
        raise LinkError("invalid link")
    if helper["unsubscribed"]:
        return link.subject
    # Recorded first: from now on the notifier sends nothing to this person.
    for key in (link.subject, email_hash(helper["email"])):
        db.unsubscribed().update_one({"_id": key}, {"$set": {"at": now}}, upsert=True)
    redacted = redacted_email(link.subject)
    db.helpers().update_one({"_id": link.subject}, {"$set": {
        "email": redacted, "name": "", "cities": [], "unsubscribed": True, "unsubscribed_at": now}})
    db.pledges().update_many(
        {"helper_id": link.subject}, {"$set": {"active": False, "helper_email": redacted, "cities": []}}
    )
    outbox.add([event(PLEDGES_HELPERS, "helper.unsubscribed", link.subject,
                      HelperChanged(helper_id=link.subject, pledges=_refs(link.subject)), link.subject)])
    return link.subject


def read_helper(helper_id: str) -> dict[str, Any]:
    """The helper and their pledges (404 when this account never pledged, 410 after unsubscribing)."""
    helper = db.helpers().find_one({"_id": helper_id})
    if helper is None:
        raise Refused(404, "this account has not pledged yet")
    if helper["unsubscribed"]:
        raise Refused(410, "this helper unsubscribed")
    pledges = list(db.pledges().find({"helper_id": helper_id}).sort("kind", 1))
    return {"helper": helper, "pledges": pledges}
