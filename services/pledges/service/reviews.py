"""The reviewer's side of a review: the helper it is assigned to opens it and the document, then submits the
review once. Refusals: unknown, another helper's, or over (timed out or done)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.pledges.adapters import assignments, db, requests_repo
from services.pledges.config import PledgesSettings
from services.pledges.domain import emails
from services.pledges.domain.errors import NotAllowed, NotFound, Over
from services.pledges.domain.kinds import ReviewState
from services.pledges.service.events import notification, stage
from services.pledges.service.matching import fulfil, review_event


def done_key(review_id: str) -> str:
    """The idempotency key of the email that brings a review's text to the document's owner."""
    return f"review-done:{review_id}"


def read_review(review_id: str, helper_id: str) -> dict[str, Any]:
    """The review in any state (the helper sees what became of it)."""
    review = assignments.read_review(review_id)
    if review is None:
        raise NotFound("no such review")
    if review["helper_id"] != helper_id:
        raise NotAllowed("this review is assigned to another helper")
    return review


def _pending(review_id: str, helper_id: str) -> dict[str, Any]:
    review = read_review(review_id, helper_id)
    if review["state"] == ReviewState.TIME_OUT.value:
        raise Over("this review timed out and went to someone else")
    if review["state"] == ReviewState.DONE.value:
        raise Over("this review was already submitted")
    return review


def open_document(review_id: str, helper_id: str) -> dict[str, Any]:
    """The document while its review is pending: a finished assignment gives no more access to it."""
    review = _pending(review_id, helper_id)
    document = requests_repo.read_document(review["document_id"])
    if document is None:
        raise Over("the document was removed")
    return document


def submit_review(
    review_id: str, helper_id: str, text: str, now: dt.datetime, settings: PledgesSettings
) -> dict[str, Any]:
    review = {**_pending(review_id, helper_id), "state": ReviewState.DONE.value, "text": text}
    # The owner also reads it on their help requests; an erased owner has no address left to write to.
    mail = notification(
        settings, done_key(review["_id"]), review["profile_id"], review["owner_email"],
        emails.review_done(review["kind"], text), "review-done",
    ) if review.get("owner_email") else []
    # Staged with the end's claim: they leave only if this submission won it.
    entry = stage([review_event(settings, "review.done", review), *mail], db.REVIEW_ENDS, review["_id"])
    done = assignments.complete_review(review["_id"], text, now, entry)
    if done is None:  # another submit (or the time-out) won the race
        raise Over("this review is not pending any more")
    fulfil(done["pledge_id"], now, settings)
    return done
