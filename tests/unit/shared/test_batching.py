"""Group commit: concurrent callers share a trip to the store, each gets its own outcome."""

from __future__ import annotations

import asyncio
import threading

import pytest

from shared.batching import GroupCommit


class Refused(Exception):
    pass


class Store:
    """Doubles odd numbers, refuses even ones; holds the first trip until released so that others queue."""

    def __init__(self) -> None:
        self.trips: list[list[int]] = []
        self.release = threading.Event()

    def __call__(self, items: list[int]) -> list[int | Exception]:
        if not self.trips:
            self.release.wait(5)
        self.trips.append(items)
        return [item * 2 if item % 2 else Refused(item) for item in items]


async def test_a_lone_caller_is_stored_at_once() -> None:
    store = Store()
    store.release.set()
    assert await GroupCommit(store).submit(3) == 6
    assert store.trips == [[3]]


async def test_callers_arriving_during_a_trip_share_the_next_one_and_get_their_own_outcome() -> None:
    store = Store()
    commit: GroupCommit[int, int] = GroupCommit(store, max_batch=4)
    first = asyncio.create_task(commit.submit(1))
    await asyncio.sleep(0.05)  # the first trip is under way, held by the store
    others = [asyncio.create_task(commit.submit(n)) for n in range(3, 14, 2)] + [asyncio.create_task(commit.submit(8))]
    await asyncio.sleep(0.05)
    store.release.set()
    assert await first == 2
    outcomes = await asyncio.gather(*others, return_exceptions=True)
    assert outcomes[:-1] == [6, 10, 14, 18, 22, 26]
    assert isinstance(outcomes[-1], Refused)
    assert store.trips == [[1], [3, 5, 7, 9], [11, 13, 8]]  # in arrival order, at most max_batch per trip


async def test_a_failed_trip_reaches_every_caller_of_that_batch_and_the_next_batch_goes_on() -> None:
    calls: list[list[int]] = []

    def flaky(items: list[int]) -> list[int | Exception]:
        calls.append(items)
        if len(calls) == 1:
            raise ConnectionError("database down")
        return list(items)

    commit: GroupCommit[int, int] = GroupCommit(flaky)
    with pytest.raises(ConnectionError):
        await commit.submit(1)
    assert await commit.submit(2) == 2


async def test_a_store_that_forgets_an_item_fails_the_batch_rather_than_leaving_a_caller_waiting() -> None:
    commit: GroupCommit[int, int] = GroupCommit(lambda items: items[:-1])
    with pytest.raises(RuntimeError, match="1 items"):
        await asyncio.wait_for(commit.submit(1), 5)
