"""Matching: a pass reads the open requests and pledges of one kind, applies the pure rules, and stores each match
with its events and emails. Passes are idempotent: a replayed trigger finds nothing left to match.

Passes, time-outs and erasures may run at once, in threads and in several worker processes: each match takes its
slots by unique inserts (`adapters/assignments.py`), so no lock is needed and capacities hold across processes
(`tests/integration/test_concurrency_pledges.py`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from services.pledges.adapters import assignments, db
from services.pledges.adapters.helpers_repo import redacted_email
from services.pledges.config import PledgesSettings
from services.pledges.domain import emails
from services.pledges.domain.kinds import REVIEWED_KIND, DocumentKind, PledgeKind, ReviewState
from services.pledges.domain.matching import Match, match_coffees, match_documents
from services.pledges.service.events import event, notification, stage
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
    pledges = assignments.open_pledges(kind)
    if not pledges:
        return 0
    if kind == PledgeKind.HELP_COFFEE:
        found = match_coffees(assignments.open_coffee_requests(), pledges)
        return sum(_store_coffee(match, now, settings) for match in found)
    return sum(_store_review(match, now, settings) for match in match_documents(assignments.open_documents(kind),
                                                                                 pledges))


def _store_review(match: Match, now: dt.datetime, settings: PledgesSettings) -> bool:
    review = assignments.claim_review(match, now)
    if review is None:
        return False
    entry = stage(_announce_review(review, settings), db.REVIEWS, review["_id"])
    if not assignments.store_review(review, entry):
        return False
    _unless_erased(review, now, settings)
    return True


def _store_coffee(match: Match, now: dt.datetime, settings: PledgesSettings) -> bool:
    coffee = assignments.claim_coffee(match, now)
    if coffee is None:
        return False
    if not assignments.store_coffee(coffee, stage(_announce_coffee(coffee, settings), db.COFFEES, coffee["_id"])):
        return False
    seeker, helper = db.erased(coffee["profile_id"]), db.erased(coffee["helper_id"])
    if seeker or helper:  # erased meanwhile (see `_unless_erased`): their address goes
        assignments.forget_coffee_addresses(coffee["_id"], seeker=seeker, helper=redacted_email(coffee["helper_id"])
                                            if helper else None)
    fulfil(coffee["pledge_id"], now, settings)  # the introduction is the coffee's match
    return True


def fulfil(pledge_id: str, now: dt.datetime, settings: PledgesSettings) -> bool:
    """Records and announces the pledge's fulfilment once, when all its slots are done."""
    pledge = assignments.fulfilled_pledge(pledge_id)
    if pledge is None:
        return False
    entry = stage([fulfilled_event(settings, pledge)], db.SLOTS, assignments.fulfilled_id(pledge_id))
    return assignments.mark_fulfilled(pledge_id, entry, now)


def _unless_erased(review: dict[str, Any], now: dt.datetime, settings: PledgesSettings) -> None:
    """An erasure marks the person first, then looks for their reviews: a review stored after that look sees the
    mark here, and is ended with the addresses removed (the erasure removes the rest)."""
    seeker, helper = db.erased(review["profile_id"]), db.erased(review["helper_id"])
    if seeker or helper:
        time_out(review["_id"], now, settings)
        assignments.forget_addresses(review["_id"], owner=seeker, helper=redacted_email(review["helper_id"])
                                     if helper else None)


def time_out_due(now: dt.datetime, settings: PledgesSettings) -> int:
    """SENT reviews older than the time-out become TIME_OUT; their event makes the matcher reassign them."""
    due = assignments.due_reviews(now, dt.timedelta(seconds=settings.review_timeout_seconds))
    return sum(time_out(review_id, now, settings) for review_id in due)


def time_out(review_id: str, now: dt.datetime, settings: PledgesSettings) -> bool:
    review = assignments.read_review(review_id)
    if review is None:
        return False
    ended = {**review, "state": ReviewState.TIME_OUT.value}
    entry = stage([review_event(settings, "review.timed-out", ended)], db.REVIEW_ENDS, review_id) \
        if review["state"] == ReviewState.SENT.value else None
    return assignments.time_out_review(review_id, now, entry) is not None
