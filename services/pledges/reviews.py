"""The reviewer's side of a review: open the document through the signed link, then submit the review once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.pledges.adapters import assignments, outbox, requests_repo
from services.pledges.config import PledgesSettings
from services.pledges.domain.kinds import ReviewState
from services.pledges.domain.links import LinkError, Purpose, verify
from services.pledges.events import notification
from services.pledges.matcher import fulfilled_event, review_event


def open_review(token: str, now: dt.datetime, settings: PledgesSettings) -> dict[str, Any]:
    link = verify(settings.key, token, Purpose.REVIEW, now)
    review = assignments.read_review(link.subject)
    if review is None:
        raise LinkError("invalid link")
    if review["state"] == ReviewState.TIME_OUT.value:
        raise LinkError("this review timed out and went to someone else", expired=True)
    if review["state"] == ReviewState.DONE.value:
        raise LinkError("this review was already submitted", expired=True)
    return review


def open_document(token: str, now: dt.datetime, settings: PledgesSettings) -> dict[str, Any]:
    review = open_review(token, now, settings)
    document = requests_repo.read_document(review["document_id"])
    if document is None:
        raise LinkError("the document was removed", expired=True)
    return document


def submit_review(token: str, text: str, now: dt.datetime, settings: PledgesSettings) -> dict[str, Any]:
    review = assignments.complete_review(open_review(token, now, settings)["_id"], text, now)
    if review is None:  # another submit won the race
        raise LinkError("this review was already submitted", expired=True)
    fulfilled = assignments.count_done(review["pledge_id"])
    what = "CV" if review["kind"] == "RESUME" else "lettre de motivation"
    outbox.add([
        review_event("review.done", review),
        notification(
            f"review-done:{review['_id']}", review["profile_id"], review["owner_email"],
            f"Bob Action : l'avis d'un pro sur votre {what}",
            f"Bonjour,\n\nUne personne du métier a relu votre {what}. Voici son avis :\n\n{text}\n",
            "review-done",
        ),
        *([fulfilled_event(fulfilled)] if fulfilled else []),
    ])
    return review
