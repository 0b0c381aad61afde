"""Helpers: sign up with pledges (signed in), read their pledges and reviews, unsubscribe from an email link."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.pledges.adapters import db, helpers_repo
from services.pledges.config import PledgesSettings
from services.pledges.domain import emails
from services.pledges.domain.errors import Erased, NotFound, Over
from services.pledges.domain.helpers import UNSUBSCRIBE, SignUp
from services.pledges.service.events import event, notification, publish, stage
from shared.auth.links import LinkError, sign, verify
from shared.schemas.pledges import HelperChanged, PledgeRef


def unsubscribe_link(settings: PledgesSettings, helper_id: str, now: dt.datetime) -> str:
    token = sign(settings.key, UNSUBSCRIBE, helper_id, now, dt.timedelta(days=settings.unsubscribe_link_ttl_days))
    return f"{settings.public_url}/#/unsubscribe/helper/{token}"  # the web page asks before it unsubscribes


def register(helper_id: str, email: str, sign_up: SignUp, now: dt.datetime, settings: PledgesSettings) -> str:
    """Stores the helper (the account id is the helper id) with active pledges, and queues the welcome email."""
    if db.erased(helper_id):
        raise Erased
    email = email.casefold()
    ordered = sorted(sign_up.pledges, key=lambda p: p.kind.value)
    refs = [PledgeRef(pledge_id=helpers_repo.pledge_id(helper_id, p.kind.value), kind=p.kind.value,
                      capacity=p.capacity) for p in ordered]
    changed = HelperChanged(helper_id=helper_id, pledges=refs)
    welcome = emails.welcome(sign_up.name, (p.kind for p in sign_up.pledges), settings.public_url,
                             unsubscribe_link(settings, helper_id, now))
    entry = stage([
        event(settings, "helper.registered", helper_id, changed, helper_id),
        # Matching starts on `helper.confirmed`: sign-in verified the email, so it follows at once.
        event(settings, "helper.confirmed", helper_id, changed, helper_id),
        *notification(settings, f"helper-welcome:{helper_id}", helper_id, email, welcome, "helper-welcome"),
    ], db.HELPERS, helper_id)
    helpers_repo.insert(helper_id, email, sign_up, now, entry)
    return helper_id


def read_helper(helper_id: str) -> dict[str, Any]:
    """The helper and their pledges (NotFound when this account never pledged, Over after unsubscribing)."""
    helper = helpers_repo.read(helper_id)
    if helper is None:
        raise NotFound("this account has not pledged yet")
    if helper["unsubscribed"]:
        raise Over("this helper unsubscribed")
    return {"helper": helper, "pledges": helpers_repo.pledges_of(helper_id)}


def assigned_reviews(helper_id: str) -> list[dict[str, Any]]:
    return helpers_repo.assigned_reviews(helper_id)


def unsubscribe(token: str, now: dt.datetime, settings: PledgesSettings) -> str:
    """Redacts the helper's personal data; pledges and reviews stay as anonymous counts. Idempotent. The notifier
    learns it from `helper.unsubscribed` (queued first, and again on each use of the link, so a crash in between
    loses nothing) and sends them nothing more."""
    link = verify(settings.key, token, UNSUBSCRIBE, now)
    helper = helpers_repo.read(link.subject)
    if helper is None:
        raise LinkError("invalid link")
    refs = [PledgeRef(pledge_id=p["_id"], kind=p["kind"], capacity=p["capacity"])
            for p in helpers_repo.pledges_of(link.subject)]
    publish([event(settings, "helper.unsubscribed", link.subject,
                   HelperChanged(helper_id=link.subject, pledges=refs), link.subject)])
    if not helper["unsubscribed"]:
        helpers_repo.unsubscribe(link.subject, now)
    return link.subject
