"""Reviewers open a document and submit their review through the signed link; public counters."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from services.pledges.adapters import stats
from services.pledges.entrypoints.deps import Now, Settings, write
from services.pledges.reviews import open_document, open_review, submit_review
from services.pledges.schemas import ReviewIn, ReviewOut, StatsOut
from shared.mongo import run_sync

router = APIRouter(prefix="/api/v1", tags=["reviews"])
Token = Annotated[str, Path(min_length=10, max_length=2000)]


def _out(review: dict[str, str], token: str) -> ReviewOut:
    return ReviewOut(
        review_id=review["_id"], kind=review["kind"], state=review["state"],
        document_url=f"/api/v1/reviews/{token}/document",
    )


@router.get("/reviews/{token}")
async def read_review(token: Token, settings: Settings, now: Now) -> ReviewOut:
    return _out(await write(open_review, token, now, settings), token)


@router.get("/reviews/{token}/document")
async def read_document(token: Token, settings: Settings, now: Now) -> Response:
    document = await write(open_document, token, now, settings)
    return Response(
        bytes(document["data"]), media_type=document["media_type"],
        headers={"Content-Disposition": "attachment", "X-Content-Type-Options": "nosniff"},
    )


@router.post("/reviews/{token}")
async def post_review(token: Token, body: ReviewIn, settings: Settings, now: Now) -> ReviewOut:
    return _out(await write(submit_review, token, body.text, now, settings), token)


@router.get("/pledges/stats")
async def read_stats() -> StatsOut:
    return await run_sync(stats.read)
