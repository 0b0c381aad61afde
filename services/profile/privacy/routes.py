"""The person's GDPR routes: ask for an export archive, read it once gathered, erase the account."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel

from services.profile.entrypoints.deps import PrivacyDep, now
from services.profile.privacy.service import Export
from shared.auth.access import SignedIn
from shared.mongo import run_sync
from shared.schemas.privacy import SERVICES

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


def _out(export: Export) -> ExportOut:
    waiting = export.waiting_for
    return ExportOut(
        export_id=export.export_id, status="gathering" if waiting else "ready", requested_at=export.requested_at,
        waiting_for=waiting, services={} if waiting else export.parts,
    )


@router.post("/exports", status_code=202)
async def request_export(principal: SignedIn, privacy: PrivacyDep) -> ExportOut:
    export_id = await privacy.request_export(principal.sub, now())
    return ExportOut(export_id=export_id, status="gathering", waiting_for=list(SERVICES))


@router.get("/exports/{export_id}")
async def read_export(export_id: ExportId, principal: SignedIn, privacy: PrivacyDep) -> ExportOut:
    return _out(await run_sync(privacy.read_export, export_id, principal.sub))


@router.delete("", status_code=202)
async def erase_account(principal: SignedIn, privacy: PrivacyDep) -> ErasureOut:
    """Every service erases what it holds; `privacy.erasure.completed` events tell when each one is done."""
    return ErasureOut(request_id=await privacy.erase(principal.sub, now()))
