"""Service layer of matching: a pass reads the open requests and pledges of one kind, applies the pure rules,
stores each match atomically and queues its events and emails. Passes are idempotent: a replayed trigger finds
nothing left to match.

FerretDB 1.24 (SQLite) runs findAndModify and `$inc` as read-then-write without a lock: 8 threads taking the last
slot of one pledge at once gave 2 to 6 "winners" in 17 of 20 trials, and the stored counter showed one. So this
worker's passes and time-outs run one at a time (one lock), and the platform runs one pledges worker. On MongoDB
(docker-compose) the conditional updates are atomic on their own."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from services.pledges.adapters import assignments, outbox
from services.pledges.config import PledgesSettings
from services.pledges.domain.kinds import PledgeKind
from services.pledges.domain.matching import match_coffees, match_documents
from services.pledges.events import Outgoing, event, notification
from shared.schemas.pledges import CoffeeMatched, PledgeFulfilled, ReviewChanged
from shared.topics import PLEDGES_HELPERS, PLEDGES_MATCHES


def review_event(type_: str, review: dict[str, Any]) -> Outgoing:
    data = ReviewChanged(
        review_id=review["_id"], document_id=review["document_id"], pledge_id=review["pledge_id"],
        helper_id=review["helper_id"], kind=review["kind"], state=review["state"],
    )
    return event(PLEDGES_MATCHES, type_, review["profile_id"], data, review["_id"])


def fulfilled_event(pledge: dict[str, Any]) -> Outgoing:
    data = PledgeFulfilled(pledge_id=pledge["_id"], helper_id=pledge["helper_id"], kind=pledge["kind"])
    return event(PLEDGES_HELPERS, "pledge.fulfilled", pledge["helper_id"], data, pledge["_id"])


def review_link(review: dict[str, Any], settings: PledgesSettings) -> str:
    """The web client's page of the review: the helper opens it signed in (no secret in the email)."""
    return f"{settings.public_url}/#/reviews/{review['_id']}"


def _announce_review(review: dict[str, Any], settings: PledgesSettings) -> list[Outgoing]:
    what = "CV" if review["kind"] == "RESUME" else "lettre de motivation"
    return [
        review_event("review.assigned", review),
        notification(
            f"review-assigned:{review['_id']}", review["helper_id"], review["helper_email"],
            f"Bob Action : une {what} attend votre relecture",
            f"Bonjour,\n\nUne personne en recherche d'emploi a besoin de votre relecture ({what}).\n"
            f"Ouvrez le document et envoyez votre avis ici :\n{review_link(review, settings)}\n",
            "review-assigned",
        ),
    ]


def _announce_coffee(coffee: dict[str, Any]) -> list[Outgoing]:
    data = CoffeeMatched(
        profile_id=coffee["profile_id"], pledge_id=coffee["pledge_id"], helper_id=coffee["helper_id"],
        proximity=coffee["proximity"],
    )
    key = f"coffee-matched:{coffee['_id']}"
    return [
        event(PLEDGES_MATCHES, "coffee.matched", coffee["profile_id"], data, coffee["_id"]),
        notification(
            f"{key}:seeker", coffee["profile_id"], coffee["seeker_email"], "Bob Action : un café avec un pro",
            f"Bonne nouvelle : une personne du métier vous propose un café. Écrivez-lui : {coffee['helper_email']}\n",
            "coffee-matched",
        ),
        notification(
            f"{key}:helper", coffee["helper_id"], coffee["helper_email"], "Bob Action : votre café",
            f"Une personne en recherche d'emploi aimerait vous rencontrer : {coffee['seeker_email']}\n",
            "coffee-matched",
        ),
    ]


MATCHING = threading.Lock()


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
        for match in match_coffees(assignments.open_coffee_requests(), pledges):
            coffee = assignments.assign_coffee(match, now)
            if coffee is not None:
                stored += 1
                fulfilled = assignments.count_done(match.pledge_id)  # the introduction is the coffee's match
                outbox.add([*_announce_coffee(coffee), *([fulfilled_event(fulfilled)] if fulfilled else [])])
        return stored
    for match in match_documents(assignments.open_documents(kind), pledges):
        review = assignments.assign_review(match, now)
        if review is not None:
            stored += 1
            outbox.add(_announce_review(review, settings))
    return stored


def time_out_due(now: dt.datetime, settings: PledgesSettings) -> int:
    """SENT reviews older than the time-out become TIME_OUT; their event makes the matcher reassign them."""
    with MATCHING:
        due = assignments.due_reviews(now, dt.timedelta(seconds=settings.review_timeout_seconds))
        return sum(time_out(review_id, now) for review_id in due)


def time_out(review_id: str, now: dt.datetime) -> bool:
    review = assignments.time_out_review(review_id, now)
    if review is not None:
        outbox.add([review_event("review.timed-out", review)])
    return review is not None
