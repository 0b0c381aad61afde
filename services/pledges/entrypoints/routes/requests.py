"""Job seekers ask for help (a document to review, or a coffee) and read what became of it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, UploadFile

from services.pledges.domain.files import sniff
from services.pledges.domain.kinds import DocumentKind
from services.pledges.entrypoints.deps import Now, Settings, email_of, read, write
from services.pledges.entrypoints.schemas import CoffeeIn, CoffeeOut, DocumentOut, HelpRequestsOut
from services.pledges.service import requests
from shared.auth.access import JobSeeker

router = APIRouter(prefix="/api/v1", tags=["help requests"])
# What a client may claim; anything else is judged by content alone.
GENERIC_TYPES = {None, "", "application/octet-stream"}


@router.post("/documents", status_code=201)
async def upload_document(
    file: UploadFile, kind: Annotated[DocumentKind, Form()], principal: JobSeeker, settings: Settings, now: Now
) -> DocumentOut:
    email = email_of(principal)
    content = await file.read(settings.max_document_bytes + 1)
    if len(content) > settings.max_document_bytes:
        raise HTTPException(413, f"documents are limited to {settings.max_document_bytes} bytes")
    media_type = sniff(content)
    declared = (file.content_type or "").split(";")[0].strip()
    if media_type is None or (declared not in GENERIC_TYPES and declared != media_type):
        raise HTTPException(415, "only PDF, DOCX or plain text documents, whose content matches their type")
    document_id = await write(
        requests.store_document, principal.sub, email, kind, file.filename or "document", media_type, content,
        now, settings,
    )
    return DocumentOut(document_id=document_id, kind=kind.value, media_type=media_type, size=len(content))


@router.post("/help-requests/coffee")
async def choose_coffee(body: CoffeeIn, principal: JobSeeker, settings: Settings, now: Now) -> CoffeeOut:
    doc = await write(
        requests.choose_coffee, principal.sub, email_of(principal), body.opt_in, body.rome_code, body.city.place,
        body.mobility_area, now, settings,
    )
    return CoffeeOut(profile_id=principal.sub, opted_in=doc["active"], matched=doc["matched"])


@router.get("/help-requests")
async def my_help_requests(principal: JobSeeker) -> HelpRequestsOut:
    """Only the caller's own: the profile id is the token's subject, never a parameter."""
    return HelpRequestsOut.model_validate(await read(requests.help_requests, principal.sub))
