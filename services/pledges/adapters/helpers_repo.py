"""Helpers and their pledges: sign-up, confirmation through a single-use link, unsubscribe with redaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

from pymongo.errors import DuplicateKeyError

from services.pledges.adapters import db, outbox
from services.pledges.config import PledgesSettings
from services.pledges.domain.links import LinkError, Purpose, sign, verify
from services.pledges.events import event, notification
from services.pledges.schemas import HelperIn
from shared.schemas.pledges import HelperChanged, PledgeRef
from shared.topics_pledges import PLEDGES_HELPERS


class AlreadyRegistered(Exception):
    pass


def email_hash(email: str) -> str:
    return "email:" + hashlib.sha256(email.strip().casefold().encode()).hexdigest()


def _refs(helper_id: str) -> list[PledgeRef]:
    return [
        PledgeRef(pledge_id=p["_id"], kind=p["kind"], capacity=p["capacity"])
        for p in db.pledges().find({"helper_id": helper_id}).sort("kind", 1)
    ]


def _link(settings: PledgesSettings, path: str, token: str) -> str:
    return f"{settings.public_url}/api/v1/helpers/{path}?token={token}"


def register(body: HelperIn, now: dt.datetime, settings: PledgesSettings) -> str:
    """Stores the helper (unconfirmed, pledges inactive) and queues the confirmation email."""
    helper_id = uuid.uuid4().hex
    email = body.email.casefold()
    cities = [c.model_dump() for c in body.cities]
    try:
        db.helpers().insert_one({
            "_id": helper_id, "email": email, "name": body.name, "cities": cities, "remote": body.remote,
            "domains": body.domains, "confirmed": False, "unsubscribed": False, "created_at": now,
        })
    except DuplicateKeyError:
        raise AlreadyRegistered from None
    db.pledges().insert_many([
        {"_id": uuid.uuid4().hex, "helper_id": helper_id, "helper_email": email, "kind": p.kind.value,
         "capacity": p.capacity, "free": p.capacity, "assigned": 0, "done": 0, "active": False,
         "confirmed": False, "fulfilled": False, "created_at": now, "cities": cities, "remote": body.remote,
         "domains": body.domains}
        for p in body.pledges
    ])
    token = sign(settings.key, Purpose.CONFIRM, helper_id, now + dt.timedelta(hours=settings.confirm_link_ttl_hours))
    kinds = ", ".join(p.kind.value for p in body.pledges)
    outbox.add([
        event(PLEDGES_HELPERS, "helper.registered", helper_id, HelperChanged(helper_id=helper_id, pledges=_refs(
            helper_id)), helper_id),
        notification(
            f"helper-confirmation:{helper_id}", helper_id, email, "Bob Action : confirmez votre engagement",
            f"Bonjour {body.name},\n\nMerci pour votre engagement ({kinds}).\n"
            f"Confirmez-le en ouvrant ce lien :\n{_link(settings, 'confirm', token)}\n",
            "helper-confirmation",
        ),
    ])
    return helper_id


def confirm(token: str, now: dt.datetime, settings: PledgesSettings) -> str:
    link = verify(settings.key, token, Purpose.CONFIRM, now)
    helper = db.helpers().find_one({"_id": link.subject})
    if helper is None or helper["unsubscribed"]:
        raise LinkError("this helper is no longer registered", expired=True)
    try:
        db.used_links().insert_one({"_id": link.jti, "purpose": link.purpose.value, "used_at": now})
    except DuplicateKeyError:
        raise LinkError("link already used", expired=True) from None
    db.helpers().update_one({"_id": link.subject}, {"$set": {"confirmed": True, "confirmed_at": now}})
    db.pledges().update_many({"helper_id": link.subject}, {"$set": {"active": True, "confirmed": True}})
    unsubscribe = sign(
        settings.key, Purpose.UNSUBSCRIBE, link.subject, now + dt.timedelta(days=settings.unsubscribe_link_ttl_days)
    )
    outbox.add([
        event(PLEDGES_HELPERS, "helper.confirmed", link.subject,
              HelperChanged(helper_id=link.subject, pledges=_refs(link.subject)), link.subject),
        notification(
            f"helper-welcome:{link.subject}", link.subject, helper["email"], "Bob Action : engagement confirmé",
            "Merci ! Nous vous écrirons dès qu'une personne a besoin de vous.\n\n"
            f"Pour vous désinscrire : {_link(settings, 'unsubscribe', unsubscribe)}\n",
            "helper-welcome",
        ),
    ])
    return link.subject


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
    redacted = f"redacted-{link.subject}@invalid"
    db.helpers().update_one({"_id": link.subject}, {"$set": {
        "email": redacted, "name": "", "cities": [], "unsubscribed": True, "unsubscribed_at": now}})
    db.pledges().update_many(
        {"helper_id": link.subject}, {"$set": {"active": False, "helper_email": redacted, "cities": []}}
    )
    outbox.add([event(PLEDGES_HELPERS, "helper.unsubscribed", link.subject,
                      HelperChanged(helper_id=link.subject, pledges=_refs(link.subject)), link.subject)])
    return link.subject
