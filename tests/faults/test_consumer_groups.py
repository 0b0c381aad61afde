"""Consumer groups under load: a worker hung (SIGSTOP) until its group evicts it, and rebalances while two copies
per stage join, die and leave. Another copy takes the partitions over; nothing is lost or done twice."""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator

import pytest

from shared.messaging.kafka import KafkaAccess
from tests.faults import inject
from tests.faults.bench import LONG, Bench, assert_whole
from tests.faults.load import Load
from tests.scale_support import group_members
from tests.support import wait_for

STAGES = frozenset({"diagnosis-worker", "advice-worker"})
GROUPS = ("bob-diagnosis", "bob-advice")
HUNG_AFTER_EVICTION = 30 if LONG else 5  # seconds the hung copy stays stopped once evicted


def members(kafka: KafkaAccess, group: str, count: int) -> bool:
    return group_members(kafka, group) == count


def wait_members(bench: Bench, count: int, groups: tuple[str, ...] = GROUPS) -> None:
    for group in groups:
        wait_for(f"{count} members in {group}", functools.partial(members, bench.kafka, group, count), 180)


@pytest.fixture
def two_per_stage(bench: Bench) -> Iterator[None]:
    bench.platform.scale(2, STAGES)
    try:
        wait_members(bench, 2)
        yield
    finally:
        bench.platform.scale(1, STAGES)


@pytest.mark.usefixtures("two_per_stage")
def test_a_worker_hung_until_its_group_evicts_it(bench: Bench) -> None:
    def fault(load: Load) -> str:
        began = time.monotonic()
        with inject.hung(bench.platform, "diagnosis-worker"):
            wait_members(bench, 1, ("bob-diagnosis",))
            evicted = time.monotonic() - began
            time.sleep(HUNG_AFTER_EVICTION)
        wait_members(bench, 2, ("bob-diagnosis",))
        return f"SIGSTOP; evicted after {evicted:.0f} s, the other copy took over; SIGCONT: it rejoined"

    assert_whole(bench.run("diagnosis-worker hung (1 of 2)", fault))


def test_rebalances_while_two_copies_per_stage_join_die_and_leave(bench: Bench) -> None:
    def fault(load: Load) -> str:
        try:
            bench.platform.scale(2, STAGES)
            wait_members(bench, 2)
            load.wait_for_accepted()
            for copy in ("diagnosis-worker-2", "advice-worker-2"):
                inject.kill(bench.platform, copy)
            wait_members(bench, 2)
            load.wait_for_accepted()
        finally:
            bench.platform.scale(1, STAGES)
        wait_members(bench, 1)
        return "copies joined, killed -9 (restarted), then stopped: 3 rebalances per group"

    assert_whole(bench.run("rebalances, 2 copies per stage", fault))
