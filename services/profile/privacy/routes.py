"""The person's GDPR requests: an export archive gathered from every service, and erasure of the account."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path
from pydantic import BaseModel

from services.profile.accounts import store as accounts
from services.profile.accounts.routes import PublisherDep
from services.profile.adapters.publisher import Publisher, PublishFailed
from services.profile.privacy import store
from shared.auth.access import SignedIn
from shared.events import Envelope
from shared.mongo import run_sync
from shared.schemas.privacy import SERVICES, PrivacyRequested
from shared.topics import PRIVACY_REQUESTS

router = APIRouter(prefix="/api/v1/accounts/me", tags=["privacy"])
ExportId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]


class ExportOut(BaseModel):
    export_id: str
    status: Literal["gathering", "ready"]
    requested_at: dt.datetime | None = None
    waiting_for: list[str] = []
    services: dict[str, Any] = {}


class ErasureOut(BaseModel):
    status: Literal["erasing"] = "erasing"
    request_id: str


async def _request(publisher: Publisher, request_id: str, person_id: str, kind: Literal["export", "erasure"]) -> None:
    now = dt.datetime.now(dt.UTC)
    await run_sync(store.record_request, request_id, person_id, kind, now)
    event = Envelope.wrap(
        type=f"privacy.{kind}.requested", source="/services/profile", subject=person_id, time=now,
        data=PrivacyRequested(request_id=request_id, person_id=person_id, kind=kind),
        id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"privacy-request:{request_id}")),
    )
    try:
        await run_sync(publisher.publish, PRIVACY_REQUESTS.name, event)
    except PublishFailed:
        raise HTTPException(503, "the request could not be queued; try again shortly") from None


@router.post("/exports", status_code=202)
async def request_export(principal: SignedIn, publisher: PublisherDep) -> ExportOut:
    export_id = uuid.uuid4().hex
    await _request(publisher, export_id, principal.sub, "export")
    return ExportOut(export_id=export_id, status="gathering", waiting_for=list(SERVICES))


@router.get("/exports/{export_id}")
async def read_export(export_id: ExportId, principal: SignedIn) -> ExportOut:
    request = await run_sync(store.get_request, export_id)
    if request is None or request["kind"] != "export":
        raise HTTPException(404, "no such export")
    if request["person_id"] != principal.sub:
        raise HTTPException(403, "this export belongs to someone else")
    parts = await run_sync(store.gathered, export_id)
    waiting = [s for s in SERVICES if s not in parts]
    return ExportOut(
        export_id=export_id, status="gathering" if waiting else "ready", requested_at=request["requested_at"],
        waiting_for=waiting, services={} if waiting else parts,
    )


def _mark_erased(person_id: str, now: dt.datetime) -> None:
    # Before any service erases: refresh tokens stop working at once.
    accounts.accounts().update_one({"_id": person_id, "erased_at": None}, {"$set": {"erased_at": now}})


@router.delete("", status_code=202)
async def erase_account(principal: SignedIn, publisher: PublisherDep) -> ErasureOut:
    """Every service erases what it holds; `privacy.erasure.completed` events tell when each one is done."""
    await run_sync(_mark_erased, principal.sub, dt.datetime.now(dt.UTC))
    request_id = store.erasure_id(principal.sub)
    await _request(publisher, request_id, principal.sub, "erasure")
    return ErasureOut(request_id=request_id)
