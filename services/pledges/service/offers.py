"""Offering help to job seekers whose blockers or advice call for it: an event and an email, once per kind.

Diagnosis and advice arrive on different topics in any order: both record what they learn on the seeker's
document, and whichever sees both the email and wanted kinds not yet offered emits the offer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.pledges.adapters import db, seekers
from services.pledges.config import PledgesSettings
from services.pledges.domain import emails
from services.pledges.domain.kinds import PledgeKind
from services.pledges.domain.offers import kinds_for_advice, kinds_for_frustrations
from services.pledges.service.events import event, notification, stage
from shared.crypto.keystore import person_keys
from shared.messaging.envelope import Envelope
from shared.schemas.advice import SealedAdviceGenerated
from shared.schemas.diagnosis import SealedDiagnosisCompleted
from shared.schemas.pledges import HelpOffered
from shared.schemas.sealed import open_contact


def record_and_offer(
    profile_id: str, email: str | None, kinds: list[PledgeKind], now: dt.datetime, settings: PledgesSettings,
    cause: Envelope[Any] | None = None,
) -> list[PledgeKind]:
    """Returns the kinds newly offered; nothing is stored again about a person who asked for erasure (a late or
    replayed diagnosis must not bring their email back)."""
    if db.erased(profile_id):
        return []
    seekers.record(profile_id, email, kinds, now)
    for _ in PledgeKind:  # a race lost means another consumer made an offer: at most one per kind
        seeker = seekers.read(profile_id)
        new = [k for k in PledgeKind if k.value in seeker["wanted"] and k.value not in seeker["offered"]]
        if not new or not seeker["email"]:
            return []
        events = [
            *(event(settings, "help.offered", profile_id, HelpOffered(profile_id=profile_id, kinds=[k.value]),
                    f"{profile_id}:{k.value}", cause) for k in new),
            *notification(settings, f"help-offered:{profile_id}:{'+'.join(k.value for k in new)}", profile_id,
                         seeker["email"], emails.help_offered(new, settings.public_url), "help-offered", cause),
        ]
        number = seeker["offers"]
        entry = stage(events, db.SEEKER_OFFERS, seekers.offer_id(profile_id, number))
        if seekers.decide_offer(profile_id, number, new, entry, now):
            return new
    return []


def offer_after_diagnosis(events: list[Envelope[SealedDiagnosisCompleted]], now: dt.datetime,
                          settings: PledgesSettings) -> None:
    keys = person_keys(settings).many(e.data.profile_id for e in events)
    for e in events:
        if (key := keys.get(e.data.profile_id)) is None:  # erased: nothing to offer, nothing to record
            continue
        kinds = kinds_for_frustrations(e.data.opened(key).profile.frustrations)
        email = open_contact(key, e.data.contact, e.data.profile_id)
        record_and_offer(e.data.profile_id, email, kinds, now, settings, e)


def offer_after_advice(events: list[Envelope[SealedAdviceGenerated]], now: dt.datetime,
                       settings: PledgesSettings) -> None:
    keys = person_keys(settings).many(e.data.profile_id for e in events)
    for e in events:
        if (key := keys.get(e.data.profile_id)) is None:
            continue
        kinds = kinds_for_advice(item.module_id for item in e.data.opened(key).advice)
        if kinds:
            record_and_offer(e.data.profile_id, None, kinds, now, settings, e)
