"""Public counters of Bob Action, by kind (anonymous: counts only)."""

from __future__ import annotations

from services.pledges.adapters import db
from services.pledges.domain.kinds import DOCUMENT_KIND, PledgeKind, ReviewState
from services.pledges.schemas import KindCounts, StatsOut


def _by_kind(count: dict[str, int]) -> KindCounts:
    return KindCounts(total=sum(count.values()), by_kind=count)


def read() -> StatsOut:
    pledges = {k.value: db.pledges().count_documents({"kind": k.value, "confirmed": True}) for k in PledgeKind}
    fulfilled = {k.value: db.pledges().count_documents({"kind": k.value, "fulfilled": True}) for k in PledgeKind}
    done = {
        k.value: db.reviews().count_documents({"kind": DOCUMENT_KIND[k].value, "state": ReviewState.DONE.value})
        for k in DOCUMENT_KIND
    }
    return StatsOut(
        pledges=_by_kind(pledges), fulfilled=_by_kind(fulfilled), reviews_done=_by_kind(done),
        coffees=db.coffees().count_documents({}), helpers=db.helpers().count_documents({"confirmed": True}),
    )
