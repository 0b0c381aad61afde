"""Capacities hold when several pledges workers match at once: OS processes race on the real FerretDB (whose
conditional updates are not exclusive across connections) for one slot, many times over; the slots are unique
inserts, so there is exactly one winner each time, and the counters agree."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from services.pledges.adapters import assignments, db, helpers_repo, requests_repo, seekers
from services.pledges.domain.files import TEXT
from services.pledges.domain.helpers import Pledge, SignUp
from services.pledges.domain.kinds import MAX_REVIEWS_PER_DOCUMENT, DocumentKind, PledgeKind
from services.pledges.domain.matching import Place
from shared.schemas.profile import AreaType
from tests.integration.concurrency_support import NOW, race
from tests.support import scratch_db

pytestmark = [pytest.mark.integration]
RACERS = 6
TRIALS = 15


@pytest.fixture
def db_name(mongo_url: str) -> Iterator[str]:
    with scratch_db(mongo_url, "bob_pledges_race") as name:
        db.ensure_indexes()
        yield name


def _helper(kind: PledgeKind, capacity: int) -> tuple[str, str]:
    helper = uuid.uuid4().hex
    helpers_repo.insert(helper, f"{helper}@example.org", SignUp(name="Camille", pledges=(Pledge(kind, capacity),)),
                        NOW)
    return helpers_repo.pledge_id(helper, kind.value), helper


def _document() -> str:
    document, seeker = uuid.uuid4().hex, uuid.uuid4().hex
    requests_repo.insert_document(document, seeker, f"{seeker}@example.org", DocumentKind.RESUME, "cv.txt", TEXT,
                                  b"CV\n", NOW)
    return document


def test_one_slot_of_a_pledge_goes_to_exactly_one_of_several_processes(mongo_url: str, db_name: str) -> None:
    trials = []
    for _ in range(TRIALS):
        pledge, helper = _helper(PledgeKind.HELP_RESUME, 1)
        trials.append((pledge, helper, [_document() for _ in range(RACERS)]))
    outcomes = race(mongo_url, db_name, RACERS, trials, "review")
    assert [sum(trial) for trial in outcomes] == [1] * TRIALS
    for pledge, _, documents in trials:
        assert db.pledges().find_one({"_id": pledge}, {"_id": 0, "free": 1, "assigned": 1}) == {
            "free": 0, "assigned": 1}
        assert db.reviews().count_documents({"pledge_id": pledge}) == 1
        # The losers' document slots were given back: each document is open again.
        assert sum(d["taken"] for d in db.documents().find({"_id": {"$in": documents}})) == 1


def test_a_document_gets_no_more_reviews_than_its_slots(mongo_url: str, db_name: str) -> None:
    trials = [(_document(), [_helper(PledgeKind.HELP_RESUME, 1) for _ in range(RACERS)]) for _ in range(TRIALS)]
    outcomes = race(mongo_url, db_name, RACERS, trials, "document")
    assert [sum(trial) for trial in outcomes] == [MAX_REVIEWS_PER_DOCUMENT] * TRIALS
    for document, _ in trials:
        assert db.reviews().count_documents({"document_id": document}) == MAX_REVIEWS_PER_DOCUMENT
        assert db.documents().find_one({"_id": document}, {"_id": 0, "taken": 1}) == {
            "taken": MAX_REVIEWS_PER_DOCUMENT}


def test_one_coffee_slot_goes_to_exactly_one_of_several_processes(mongo_url: str, db_name: str) -> None:
    trials = []
    for _ in range(TRIALS):
        pledge, helper = _helper(PledgeKind.HELP_COFFEE, 1)
        seekers = [uuid.uuid4().hex for _ in range(RACERS)]
        for seeker in seekers:
            requests_repo.set_coffee(seeker, f"{seeker}@example.org", True, "M1607", Place("Toulouse", "31"),
                                     AreaType.COUNTRY, NOW)
        trials.append((pledge, helper, seekers))
    outcomes = race(mongo_url, db_name, RACERS, trials, "coffee")
    assert [sum(trial) for trial in outcomes] == [1] * TRIALS
    for pledge, _, seekers in trials:
        assert db.coffees().count_documents({"pledge_id": pledge}) == 1
        assert db.pledges().find_one({"_id": pledge}, {"_id": 0, "free": 1, "done": 1}) == {"free": 0, "done": 1}
        # The losers' requests are still open, for the next pledge.
        assert sum(r["matched"] for r in db.coffee_requests().find({"_id": {"$in": seekers}})) == 1
        assert assignments.fulfilled_pledge(pledge) is not None  # its one coffee done: fulfilled, once recorded


def test_diagnosis_and_advice_consumed_at_once_offer_each_kind_once(mongo_url: str, db_name: str) -> None:
    # Half the racers learn from a diagnosis (the email, a CV review), half from advice (a coffee, a CV review).
    learnt = [(None, ["HELP_COFFEE", "HELP_RESUME"]), ("seeker@example.org", ["HELP_RESUME"])]
    trials = [(mongo_url, uuid.uuid4().hex, learnt) for _ in range(TRIALS)]
    race(mongo_url, db_name, RACERS, trials, "offer")
    for _, profile_id, _ in trials:
        offers = [d["kinds"] for d in db.seeker_offers().find({"_id": {"$in": seekers.offer_ids(profile_id)}})
                  if "kinds" in d]
        kinds = [k for offer in offers for k in offer]
        assert sorted(kinds) == ["HELP_COFFEE", "HELP_RESUME"]  # each once, whoever offered it
