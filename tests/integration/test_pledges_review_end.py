"""A review ends once: submission (API process) and time-out (worker) race on FerretDB, whose conditional updates
are not exclusive across connections, so the end is claimed by a unique insert."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest

from services.pledges.adapters import assignments, db, helpers_repo
from services.pledges.config import PledgesSettings
from services.pledges.domain.files import TEXT
from services.pledges.domain.helpers import Pledge, SignUp
from services.pledges.domain.kinds import DocumentKind, PledgeKind, ReviewState
from services.pledges.service import helpers, matching, requests
from shared.mongo import as_utc
from tests.support import scratch_db

pytestmark = [pytest.mark.integration]
SETTINGS = PledgesSettings(environment="test")  # pointed at the test's database server by `review_id`
NOW = dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)


@pytest.fixture
def review_id(mongo_url: str) -> Iterator[str]:
    global SETTINGS
    SETTINGS = PledgesSettings(environment="test", mongo_url=mongo_url)  # its key store too
    with scratch_db(mongo_url, "bob_pledges_end"):
        yield _one_review()


def _one_review() -> str:
    db.ensure_indexes()
    helper, seeker = uuid.uuid4().hex, uuid.uuid4().hex
    helpers.register(helper, f"{helper}@example.org", SignUp(
        name="Dominique", remote=True, pledges=(Pledge(PledgeKind.HELP_RESUME, 1),),
    ), NOW, SETTINGS)
    requests.store_document(seeker, f"{seeker}@example.org", DocumentKind.RESUME, "cv.txt", TEXT, b"CV\n", NOW,
                            SETTINGS)
    assert matching.run_pass(PledgeKind.HELP_RESUME, NOW, SETTINGS) == 1
    (review,) = db.reviews().find({"helper_id": helper}, {"_id": 1})
    return str(review["_id"])


def test_a_time_out_that_claimed_first_wins_over_a_late_submission(review_id: str) -> None:
    # The worker claimed the time-out and has not written the new state yet: the review still reads SENT.
    db.review_ends().insert_one({"_id": review_id, "outcome": ReviewState.TIME_OUT.value, "at": NOW})
    assert db.reviews().find_one({"_id": review_id}, {"state": 1}) == {"_id": review_id, "state": "SENT"}
    assert assignments.complete_review(review_id, "Trop tard, mais voici mon avis.", NOW) is None
    # The late submission finished what the claim decided (the worker may have died), and kept no text.
    assert db.reviews().find_one({"_id": review_id}, {"state": 1, "text": 1}) == {
        "_id": review_id, "state": "TIME_OUT"}


def test_a_submission_whose_process_died_after_claiming_is_finished_by_the_sweep(review_id: str) -> None:
    # The API claimed the end with the text (its events named by the claim) and died before writing the review.
    text = "Mettez vos projets en premier."
    db.review_ends().insert_one({"_id": review_id, "outcome": ReviewState.DONE.value, "at": NOW, "text": text})
    late = NOW + dt.timedelta(seconds=SETTINGS.review_timeout_seconds + 1)
    assert matching.time_out_due(late, SETTINGS) == 0  # not timed out: done, as the claim decided
    review = db.reviews().find_one({"_id": review_id})
    assert review is not None
    assert (review["state"], review["text"], as_utc(review["done_at"])) == ("DONE", text, NOW)
    assert "text" not in db.review_ends().find_one({"_id": review_id})  # type: ignore[operator]
    assert db.pledges().find_one({"_id": review["pledge_id"]}, {"_id": 0, "free": 1, "done": 1}) == {
        "free": 0, "done": 1}


def test_a_submitted_review_cannot_time_out_afterwards(review_id: str) -> None:
    done = assignments.complete_review(review_id, "Mettez vos projets en premier.", NOW)
    assert done is not None
    assert assignments.time_out_review(review_id, NOW + dt.timedelta(days=30)) is None
    assert db.reviews().find_one({"_id": review_id}, {"state": 1}) == {"_id": review_id, "state": "DONE"}
    pledge = helpers_repo.pledge_id(done["helper_id"], "HELP_RESUME")
    assert db.pledges().find_one({"_id": pledge}, {"_id": 0, "free": 1}) == {"free": 0}  # no slot given back
