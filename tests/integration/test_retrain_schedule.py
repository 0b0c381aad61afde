"""The scheduled retraining against the real database: the timers of two diagnosis workers (each with its own
connection) fire together, twice a day over three simulated weeks (an injected clock); exactly one run per period
retrains and writes a candidate, whichever worker claims the period first."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator

import pytest

from deploy.local import demo_model
from services.diagnosis.adapters.registry import Registry
from services.diagnosis.learning import scheduled_retraining
from services.diagnosis.model import gate
from services.diagnosis.model.employability import EmployabilityModel
from shared.mongo import run_sync
from tests.support import scratch_db

pytestmark = [pytest.mark.integration]

START = dt.datetime(2026, 3, 1, 6, 0, tzinfo=dt.UTC)  # a Sunday: a period starts (retrain_job_id: ordinal // 7)
INTERVAL_DAYS = 7
RULES = gate.GateRules(bootstrap_resamples=50)  # fewer resamples: the test is about the schedule


@pytest.fixture
def workers(mongo_url: str) -> Iterator[tuple[Registry, Registry]]:
    with scratch_db(mongo_url, "test_retrain_schedule") as name:
        first, second = Registry.open(mongo_url, name), Registry.open(mongo_url, name)
        yield first, second
        for registry in (first, second):
            registry.db.client.close()


async def test_two_workers_retrain_once_per_period(workers: tuple[Registry, Registry]) -> None:
    first, second = workers
    first.ensure_initial(EmployabilityModel.load(), "# v1", {}, START)
    inputs, outcomes = demo_model.documents(START)  # people who answered the survey before START
    first.inputs.insert_many(inputs[:300])
    first.outcomes.insert_many(outcomes[:300])

    runs: list[tuple[dt.datetime, str | None]] = []
    for tick in range(3 * 14):  # each worker's timer, every 12 hours
        now = START + tick * dt.timedelta(hours=12)
        done = await asyncio.gather(*(run_sync(scheduled_retraining, registry, now, INTERVAL_DAYS, RULES)
                                      for registry in (first, second)))
        runs += [(now, trained.version) for trained in done if trained is not None]

    periods = {now.date().toordinal() // INTERVAL_DAYS for now, _ in runs}
    assert len(runs) == len(periods) == 3  # the first tick of each of the three periods, by one worker
    assert [version for _, version in runs] == ["employability-v2", "employability-v3", "employability-v4"]
    trained = [doc for doc in first.versions() if doc["_id"] != "employability-v1"]
    assert [doc["history"][0]["by"] for doc in trained] == ["schedule"] * 3
    assert {doc["status"] for doc in trained} <= {"candidate", "refused"}  # graded by the gate, never released
    assert first.released_version() == "employability-v1"
