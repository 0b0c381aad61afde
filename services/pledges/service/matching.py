"""Matching: a pass reads the open requests and pledges of one kind, applies the pure rules, stores each match
atomically and queues its events and emails. Passes are idempotent: a replayed trigger finds nothing left to match.

FerretDB 1.24 (SQLite) runs findAndModify and `$inc` as read-then-write without a lock: 8 threads taking the last
slot of one pledge at once gave 2 to 6 "winners" in 17 of 20 trials, and the stored counter showed one. So this
worker's passes and time-outs run one at a time (one lock, `MATCHING`), and the platform runs one pledges worker. On
MongoDB (docker-compose) the conditional updates are atomic on their own."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable
from typing import Any

from services.pledges.adapters import assignments
from services.pledges.config import PledgesSettings
from services.pledges.domain import emails
from services.pledges.domain.kinds import REVIEWED_KIND, DocumentKind, PledgeKind
from services.pledges.domain.matching import match_coffees, match_documents
from services.pledges.service.events import event, notification, publish
from shared.messaging.envelope import Envelope
from shared.messaging.factory import Outgoing
from shared.schemas.pledges import (
    CoffeeChoice,
    CoffeeMatched,
    DocumentUploaded,
    HelperChanged,
    PledgeFulfilled,
    ReviewChanged,
)

MATCHING = threading.Lock()


def review_event(settings: PledgesSettings, type_: str, review: dict[str, Any]) -> Outgoing:
    data = ReviewChanged(
        review_id=review["_id"], document_id=review["document_id"], pledge_id=review["pledge_id"],
        helper_id=review["helper_id"], kind=review["kind"], state=review["state"],
    )
    return event(settings, type_, review["profile_id"], data, review["_id"])


def fulfilled_event(settings: PledgesSettings, pledge: dict[str, Any]) -> Outgoing:
    data = PledgeFulfilled(pledge_id=pledge["_id"], helper_id=pledge["helper_id"], kind=pledge["kind"])
    return event(settings, "pledge.fulfilled", pledge["helper_id"], data, pledge["_id"])


def _announce_review(review: dict[str, Any], settings: PledgesSettings) -> list[Outgoing]:
    # The web client's page of the review: the helper opens it signed in (no secret in the email).
    link = f"{settings.public_url}/#/reviews/{review['_id']}"
    return [
        review_event(settings, "review.assigned", review),
        *notification(settings, f"review-assigned:{review['_id']}", review["helper_id"], review["helper_email"],
                     emails.review_assigned(review["kind"], link), "review-assigned"),
    ]


def _announce_coffee(coffee: dict[str, Any], settings: PledgesSettings) -> list[Outgoing]:
    data = CoffeeMatched(
        profile_id=coffee["profile_id"], pledge_id=coffee["pledge_id"], helper_id=coffee["helper_id"],
        proximity=coffee["proximity"],
    )
    key = f"coffee-matched:{coffee['_id']}"
    return [
        event(settings, "coffee.matched", coffee["profile_id"], data, coffee["_id"]),
        *notification(settings, f"{key}:seeker", coffee["profile_id"], coffee["seeker_email"],
                     emails.coffee_for_seeker(coffee["helper_email"]), "coffee-matched"),
        *notification(settings, f"{key}:helper", coffee["helper_id"], coffee["helper_email"],
                     emails.coffee_for_helper(coffee["seeker_email"]), "coffee-matched"),
    ]


def kinds_to_match(events: Iterable[Envelope[Any]]) -> set[PledgeKind]:
    """Which kinds a batch of pledges events may have made matchable."""
    kinds: set[PledgeKind] = set()
    for e in events:
        if e.type == "helper.confirmed" and isinstance(e.data, HelperChanged):
            kinds.update(PledgeKind(p.kind) for p in e.data.pledges)
        elif e.type in ("document.uploaded", "review.timed-out") and isinstance(
                e.data, DocumentUploaded | ReviewChanged):
            kinds.add(REVIEWED_KIND[DocumentKind(e.data.kind)])
        elif e.type == "coffee.opted-in" and isinstance(e.data, CoffeeChoice):
            kinds.add(PledgeKind.HELP_COFFEE)
    return kinds


def match(events: list[Envelope[Any]], now: dt.datetime, settings: PledgesSettings) -> int:
    return sum(run_pass(kind, now, settings) for kind in sorted(kinds_to_match(events)))


def run_pass(kind: PledgeKind, now: dt.datetime, settings: PledgesSettings) -> int:
    """One matching pass for one kind; returns how many matches were stored."""
    with MATCHING:
        return _run_pass(kind, now, settings)


def _run_pass(kind: PledgeKind, now: dt.datetime, settings: PledgesSettings) -> int:
    pledges = assignments.open_pledges(kind)
    if not pledges:
        return 0
    stored = 0
    if kind == PledgeKind.HELP_COFFEE:
        for found in match_coffees(assignments.open_coffee_requests(), pledges):
            coffee = assignments.assign_coffee(found, now)
            if coffee is not None:
                stored += 1
                fulfilled = assignments.count_done(found.pledge_id)  # the introduction is the coffee's match
                publish([*_announce_coffee(coffee, settings),
                         *([fulfilled_event(settings, fulfilled)] if fulfilled else [])])
        return stored
    for found in match_documents(assignments.open_documents(kind), pledges):
        review = assignments.assign_review(found, now)
        if review is not None:
            stored += 1
            publish(_announce_review(review, settings))
    return stored


def time_out_due(now: dt.datetime, settings: PledgesSettings) -> int:
    """SENT reviews older than the time-out become TIME_OUT; their event makes the matcher reassign them."""
    with MATCHING:
        due = assignments.due_reviews(now, dt.timedelta(seconds=settings.review_timeout_seconds))
        return sum(time_out(review_id, now, settings) for review_id in due)


def time_out(review_id: str, now: dt.datetime, settings: PledgesSettings) -> bool:
    review = assignments.time_out_review(review_id, now)
    if review is not None:
        publish([review_event(settings, "review.timed-out", review)])
    return review is not None
