"""Stored records as API answers."""

from __future__ import annotations

from typing import Any

from services.pledges.schemas import ReviewOut


def review_out(review: dict[str, Any]) -> ReviewOut:
    return ReviewOut(
        review_id=review["_id"], kind=review["kind"], state=review["state"],
        document_url=f"/api/v1/reviews/{review['_id']}/document",
    )
