"""Job seekers ask for help: a document to review, a coffee; and read what became of it."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from services.pledges.adapters import db, requests_repo
from services.pledges.config import PledgesSettings
from services.pledges.domain.errors import Erased
from services.pledges.domain.kinds import DocumentKind
from services.pledges.domain.matching import Place
from services.pledges.service.events import event, stage
from shared.schemas.pledges import CoffeeChoice, DocumentUploaded
from shared.schemas.profile import AreaType


def store_document(
    profile_id: str, email: str, kind: DocumentKind, filename: str, media_type: str, content: bytes,
    now: dt.datetime, settings: PledgesSettings,
) -> str:
    if db.erased(profile_id):
        raise Erased
    document_id = uuid.uuid4().hex
    data = DocumentUploaded(
        document_id=document_id, profile_id=profile_id, kind=kind.value, media_type=media_type, size=len(content)
    )
    entry = stage([event(settings, "document.uploaded", profile_id, data, document_id)], db.DOCUMENTS, document_id)
    requests_repo.insert_document(document_id, profile_id, email, kind, filename, media_type, content, now, entry)
    return document_id


def choose_coffee(
    profile_id: str, email: str, opt_in: bool, rome_code: str, city: Place, mobility: AreaType, now: dt.datetime,
    settings: PledgesSettings,
) -> dict[str, Any]:
    """Opt in or out: each change is its own event, staged before the change, which names it."""
    if db.erased(profile_id):
        raise Erased
    data = CoffeeChoice(profile_id=profile_id, rome_code=rome_code, departement_id=city.departement_id)
    type_ = "coffee.opted-in" if opt_in else "coffee.opted-out"
    change = f"{profile_id}:{uuid.uuid4().hex}"
    entry = stage([event(settings, type_, profile_id, data, change)], db.COFFEE_REQUESTS, profile_id)
    return requests_repo.set_coffee(profile_id, email, opt_in, rome_code, city, mobility, now, entry)


def help_requests(profile_id: str) -> dict[str, Any]:
    return requests_repo.help_requests(profile_id)
