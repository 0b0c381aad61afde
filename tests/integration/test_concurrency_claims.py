"""Exclusive decisions outside pledges, raced by OS processes on the real FerretDB: a refresh token rotates once,
and a failed or abandoned email is retried by one notifier only. Each is a unique insert."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from services.notifier.adapters import store as notifications
from services.notifier.domain.delivery import State
from services.profile.accounts import store as accounts
from tests.integration.concurrency_support import NOW, race
from tests.support import scratch_db

pytestmark = [pytest.mark.integration]
RACERS = 6
TRIALS = 15


def test_two_rotations_of_one_refresh_token_one_succeeds(mongo_url: str) -> None:
    with scratch_db(mongo_url, "bob_accounts_race") as name:
        sessions = [accounts.open_session(uuid.uuid4().hex, NOW)["_id"] for _ in range(TRIALS)]
        outcomes = race(mongo_url, name, RACERS, [(session, 0) for session in sessions], "refresh")
        assert [sum(trial) for trial in outcomes] == [1] * TRIALS
        assert [accounts.get_session(s)["generation"] for s in sessions] == [1] * TRIALS  # type: ignore[index]


@pytest.mark.parametrize(("turn", "state", "claimed_at"), [
    ("retry", State.FAILED, NOW),  # due for its next attempt
    ("take-over", State.SENDING, NOW - dt.timedelta(hours=1)),  # its notifier died while sending
])
def test_one_notifier_gets_an_email_to_send_again(mongo_url: str, turn: str, state: State,
                                                  claimed_at: dt.datetime) -> None:
    with scratch_db(mongo_url, "bob_notifier_race") as name:
        keys = [f"test:{uuid.uuid4().hex}" for _ in range(TRIALS)]
        notifications.notifications().insert_many([
            {"_id": key, "state": state.value, "attempts": 1, "claimed_at": claimed_at, "next_attempt_at": NOW,
             "category": "survey", "payload": {}, "created_at": claimed_at} for key in keys])
        outcomes = race(mongo_url, name, RACERS, keys, turn)
        assert [sum(trial) for trial in outcomes] == [1] * TRIALS
        records = notifications.notifications().find({"_id": {"$in": keys}})
        assert {(r["state"], r["round"]) for r in records} == {(State.SENDING.value, 1)}
