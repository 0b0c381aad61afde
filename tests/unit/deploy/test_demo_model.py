"""The demo learning data of `make run` (deploy/local/demo_model.py), without a database."""

from __future__ import annotations

import datetime as dt

from deploy.local import demo_model
from shared.results import doc_id

NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


def test_every_demo_person_was_diagnosed_at_sign_up_and_answered_by_now_the_same_each_time() -> None:
    inputs, outcomes = demo_model.documents(NOW)
    assert len(inputs) == len(outcomes) == demo_model.PEOPLE
    by_person = {o["_id"]: o for o in outcomes}
    for row in inputs:
        outcome = by_person[row["profile_id"]]
        assert row["_id"] == doc_id(row["profile_id"], 1)
        assert row["profile_id"].startswith("demo-model-")
        assert row["computed_at"] == outcome["signed_up_at"] < outcome["answered_at"] <= NOW
        assert set(row["groups"]) == {"age_band", "sex", "handicap"}
    assert 0.2 < sum(o["back_at_work"] for o in outcomes) / len(outcomes) < 0.6
    assert demo_model.documents(NOW) == (inputs, outcomes)
