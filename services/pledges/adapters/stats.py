"""Public counters of Bob Action, by kind (anonymous: counts only)."""

from __future__ import annotations

from typing import Any

from services.pledges.adapters import db
from services.pledges.domain.kinds import DOCUMENT_KIND, PledgeKind, ReviewState


def read() -> dict[str, Any]:
    """Confirmed pledges, fulfilled pledges and done reviews by kind; coffees and confirmed helpers."""
    return {
        "pledges": {k.value: db.pledges().count_documents({"kind": k.value, "confirmed": True}) for k in PledgeKind},
        "fulfilled": {k.value: db.pledges().count_documents({"kind": k.value, "fulfilled": True}) for k in PledgeKind},
        "reviews_done": {
            k.value: db.reviews().count_documents({"kind": DOCUMENT_KIND[k].value, "state": ReviewState.DONE.value})
            for k in DOCUMENT_KIND
        },
        "coffees": db.coffees().count_documents({}),
        "helpers": db.helpers().count_documents({"confirmed": True}),
    }
