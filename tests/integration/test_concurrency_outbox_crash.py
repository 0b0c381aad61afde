"""No event lost between a write and its event: a pledges worker killed (`os._exit`) just after storing a match,
before any relay ran, or just before storing it (its outbox entry staged). After the restart, the match's event
is on Kafka exactly once, however many relays and matching passes run again."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest

from services.pledges.adapters import assignments, db, helpers_repo, requests_repo
from services.pledges.config import PledgesSettings
from services.pledges.domain.files import TEXT
from services.pledges.domain.helpers import Pledge, SignUp
from services.pledges.domain.kinds import DocumentKind, PledgeKind
from services.pledges.service import matching
from shared.messaging.access import KafkaAccess
from shared.messaging.outbox import ORPHAN_AGE, Relay
from shared.topics import PLEDGES_MATCHES, REGISTRY
from tests.integration.concurrency_support import DIED, NOW, match_and_die, run_and_die
from tests.support import read_topic, scratch_db

pytestmark = [pytest.mark.integration]


@pytest.fixture
def db_name(mongo_url: str) -> Iterator[str]:
    with scratch_db(mongo_url, "bob_pledges_crash") as name:
        db.ensure_indexes()
        yield name


def _one_match() -> tuple[str, str]:
    """A helper with one CV slot and one CV to review: the pass's one match. Returns (review id, pledge id)."""
    helper, seeker, document = uuid.uuid4().hex, uuid.uuid4().hex, uuid.uuid4().hex
    helpers_repo.insert(helper, f"{helper}@example.org", SignUp(name="Sacha", pledges=(
        Pledge(PledgeKind.HELP_RESUME, 1),)), NOW)
    requests_repo.insert_document(document, seeker, f"{seeker}@example.org", DocumentKind.RESUME, "cv.txt", TEXT,
                                  b"CV\n", NOW)
    pledge = helpers_repo.pledge_id(helper, PledgeKind.HELP_RESUME.value)
    return assignments.review_id(document, pledge), pledge


def _restart(kafka: KafkaAccess, settings: PledgesSettings, now: dt.datetime) -> None:
    """What a restarted worker does: its sweep (orphan slots, matching), its relay until the outbox is empty."""
    assignments.release_orphan_slots(now, ORPHAN_AGE)
    matching.run_pass(PledgeKind.HELP_RESUME, NOW, settings)
    relay = Relay(db.OUTBOX, kafka, "pledges")
    try:
        while relay.relay_once():
            pass
    finally:
        relay.close()


def _assigned(kafka: KafkaAccess, review: str) -> int:
    events = [REGISTRY.decode(r.value) for r in read_topic(kafka, PLEDGES_MATCHES.name)]
    return sum(1 for e in events if e.type == "review.assigned" and e.data.review_id == review)


@pytest.mark.parametrize("when", ["after-state", "before-state"])
def test_a_match_stored_by_a_killed_worker_is_announced_once(
    mongo_url: str, db_name: str, kafka_bootstrap: KafkaAccess, when: str,
) -> None:
    settings = PledgesSettings(environment="test", mongo_url=mongo_url, mongo_db=db_name)
    review, pledge = _one_match()
    assert run_and_die(match_and_die, mongo_url, db_name, when) == DIED
    staged = [e for e in db.outbox().find() if e.get("requires", {}).get("id") == review]
    assert len(staged) == 1  # the entry was written first, in both cases
    assert (db.reviews().find_one({"_id": review}) is not None) == (when == "after-state")

    # Restarted twice: the second time finds nothing more to match or send. The dead process's slots are given
    # back once they are older than any store takes.
    for restart in (NOW + ORPHAN_AGE * 2, NOW + ORPHAN_AGE * 3):
        _restart(kafka_bootstrap, settings, restart)
        assert _assigned(kafka_bootstrap, review) == 1
    assert db.reviews().count_documents({"pledge_id": pledge}) == 1
    assert db.pledges().find_one({"_id": pledge}, {"_id": 0, "free": 1}) == {"free": 0}
