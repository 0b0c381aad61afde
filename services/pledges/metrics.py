"""Bob Action's counts as Prometheus gauges, recomputed from the database by the worker every
`figures_interval_seconds` (counting scans the collections, so never at each scrape)."""

from __future__ import annotations

from prometheus_client import Gauge

from services.pledges.adapters import db
from services.pledges.domain.kinds import DocumentKind, PledgeKind, ReviewState

PLEDGES = Gauge("bob_pledges", "Pledges of help by kind and state (confirmed, fulfilled)", ["kind", "state"])
REVIEWS = Gauge("bob_reviews", "Document reviews by document kind and state (SENT, DONE, TIME_OUT)", ["kind", "state"])
COFFEES = Gauge("bob_coffees", "Coffees matched")
HELPERS = Gauge("bob_helpers", "Confirmed helpers")


def publish() -> None:
    """Count and set every gauge (synchronous)."""
    for kind in PledgeKind:
        for state in ("confirmed", "fulfilled"):
            PLEDGES.labels(kind.value, state).set(db.pledges().count_documents({"kind": kind.value, state: True}))
    for document in DocumentKind:
        for review in ReviewState:
            REVIEWS.labels(document.value, review.value).set(
                db.reviews().count_documents({"kind": document.value, "state": review.value}))
    COFFEES.set(db.coffees().count_documents({}))
    HELPERS.set(db.helpers().count_documents({"confirmed": True}))
