"""kill -9 of workers mid-batch and of APIs between accepting a write and relaying its event: the supervisor
starts them again, and every accepted profile gets its one advice, every promised email goes out once."""

from __future__ import annotations

import pytest

from deploy.local.services import PROCESSES
from tests.faults import inject
from tests.faults.bench import LONG, Bench, assert_whole
from tests.faults.load import Load

WORKERS = [p.name for p in PROCESSES if p.role == "worker"]
APIS = [p.name for p in PROCESSES if p.role == "api"]
# The short variant kills the workers on the job seeker's path and the API their advice is read from (the others
# in `make faults`).
KILLED_WORKERS = WORKERS if LONG else ["diagnosis-worker", "advice-worker", "notifier-worker"]
KILLED_APIS = APIS if LONG else ["advice-api"]
STALE_CLAIM_SECONDS = 45  # NOTIFIER_STALE_CLAIM_SECONDS of the test platform (deploy/local/platform.py)


def test_baseline_without_a_fault(bench: Bench) -> None:
    assert_whole(bench.run("no fault (baseline)", lambda load: None))


@pytest.mark.parametrize("worker", KILLED_WORKERS)
def test_a_worker_killed_mid_batch(bench: Bench, worker: str) -> None:
    def fault(load: Load) -> str:
        inject.kill(bench.platform, worker)
        return "restarted by the supervisor"

    # A notifier killed mid-send leaves claims its successor sends once they are stale: wait for them, to count
    # any email the dead one had sent before it could record it (sent again with the same Message-ID).
    settle = STALE_CLAIM_SECONDS + 10 if worker == "notifier-worker" else 0
    assert_whole(bench.run(f"kill -9 {worker}", fault, settle=settle))


def test_the_profile_api_killed_between_accepting_and_relaying(bench: Bench) -> None:
    """With the broker down, what the API accepts waits in its outbox; killed then, the API started again relays
    it once the broker is back."""

    def fault(load: Load) -> str:
        with inject.held_down(bench.platform, "kafka"):
            for _ in range(3):
                load.wait_for_accepted()
            dead = inject.kill_now(bench.platform, "profile-api")  # the paused supervisor starts it after
        inject.wait_back(bench.platform, "profile-api", dead)
        return "3+ profiles in the outbox at the kill"

    assert_whole(bench.run("kill -9 profile-api before its relay", fault))


@pytest.mark.parametrize("api", KILLED_APIS)
def test_an_api_killed_under_load(bench: Bench, api: str) -> None:
    def fault(load: Load) -> str:
        inject.kill(bench.platform, api)
        return "restarted by the supervisor"

    assert_whole(bench.run(f"kill -9 {api}", fault))
