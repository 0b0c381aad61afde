"""Offering help to job seekers whose blockers or advice call for it: an event and an email, once per kind.

Diagnosis and advice arrive on different topics in any order: both record what they learn on the seeker's
document, and whichever sees both the email and wanted kinds not yet offered emits the offer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError
from tenacity import retry, retry_if_exception_type, stop_after_attempt

from services.pledges.adapters import db, outbox
from services.pledges.config import PledgesSettings
from services.pledges.domain.kinds import PledgeKind
from services.pledges.events import event, notification
from shared.schemas.pledges import HelpOffered
from shared.topics import PLEDGES_REQUESTS

_WHAT = {
    PledgeKind.HELP_RESUME: "une relecture de votre CV par une personne du métier",
    PledgeKind.HELP_COVER_LETTER: "une relecture de votre lettre de motivation",
    PledgeKind.HELP_COFFEE: "un café avec une personne du métier pour préparer vos entretiens",
}


@retry(retry=retry_if_exception_type(DuplicateKeyError), stop=stop_after_attempt(3), reraise=True)
def _upsert_seeker(profile_id: str, update: dict[str, Any]) -> dict[str, Any]:
    """Diagnosis and advice of one person are consumed concurrently: two upserts of a new seeker race, and the
    loser gets a duplicate key error; retried, it updates the document the winner inserted."""
    seeker: dict[str, Any] | None = db.seekers().find_one_and_update(
        {"_id": profile_id}, update, upsert=True, return_document=ReturnDocument.AFTER
    )
    assert seeker is not None  # upserted
    return seeker


def record_and_offer(
    profile_id: str, email: str | None, kinds: list[PledgeKind], now: dt.datetime, settings: PledgesSettings
) -> list[PledgeKind]:
    """Returns the kinds newly offered; nothing is stored again about a person who asked for erasure (a late or
    replayed diagnosis must not bring their email back)."""
    if db.erased(profile_id):
        return []
    update: dict[str, Any] = {"$setOnInsert": {"created_at": now}}
    if email:
        update["$set"] = {"email": email.casefold()}
    if kinds:
        update["$addToSet"] = {"wanted": {"$each": [k.value for k in kinds]}}
    seeker = _upsert_seeker(profile_id, update)
    offered = set(seeker.get("offered", []))
    new = [PledgeKind(k) for k in seeker.get("wanted", []) if k not in offered]
    if not new or not seeker.get("email"):
        return []
    new.sort(key=list(PledgeKind).index)
    lines = "\n".join(f"- {_WHAT[k]}" for k in new)
    outbox.add([
        *(event(PLEDGES_REQUESTS, "help.offered", profile_id, HelpOffered(profile_id=profile_id, kinds=[k.value]),
                f"{profile_id}:{k.value}") for k in new),
        notification(
            f"help-offered:{profile_id}:{'+'.join(k.value for k in new)}", profile_id, seeker["email"],
            "Bob Action : des pros vous proposent leur aide",
            f"Bonjour,\n\nDes personnes en poste proposent bénévolement :\n{lines}\n\n"
            f"Déposez votre document ou acceptez un café sur {settings.public_url}/#/help\n",
            "help-offered",
        ),
    ])
    db.seekers().update_one({"_id": profile_id}, {"$addToSet": {"offered": {"$each": [k.value for k in new]}}})
    return new
