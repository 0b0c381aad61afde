"""Helpers open the reviews assigned to them, their documents, and submit them; public counters."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from services.pledges.adapters import stats
from services.pledges.entrypoints.deps import Now, Settings, read, write
from services.pledges.entrypoints.schemas import KindCounts, ReviewIn, ReviewOut, StatsOut
from services.pledges.service import reviews
from shared.auth.access import Helper, Public

router = APIRouter(prefix="/api/v1", tags=["reviews"])
ReviewId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


@router.get("/reviews/{review_id}")
async def read_review(review_id: ReviewId, principal: Helper) -> ReviewOut:
    return ReviewOut.of(await read(reviews.read_review, review_id, principal.sub))


@router.get("/reviews/{review_id}/document")
async def read_document(review_id: ReviewId, principal: Helper) -> Response:
    document = await read(reviews.open_document, review_id, principal.sub)
    return Response(
        bytes(document["data"]), media_type=document["media_type"],
        headers={"Content-Disposition": "attachment", "X-Content-Type-Options": "nosniff"},
    )


@router.post("/reviews/{review_id}")
async def post_review(
    review_id: ReviewId, body: ReviewIn, principal: Helper, settings: Settings, now: Now
) -> ReviewOut:
    return ReviewOut.of(await write(reviews.submit_review, review_id, principal.sub, body.text, now, settings))


@router.get("/pledges/stats", dependencies=[Public])
async def read_stats() -> StatsOut:
    counts = await read(stats.read)
    by_kind = {name: KindCounts(total=sum(counts[name].values()), by_kind=counts[name])
               for name in ("pledges", "fulfilled", "reviews_done")}
    return StatsOut(**by_kind, coffees=counts["coffees"], helpers=counts["helpers"])
