"""Races between real OS processes on the real FerretDB: each racer is a spawned process with its own connections,
started once and run through many trials; a barrier lines the racers up before each trial's decisive call."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections.abc import Callable, Sequence
from multiprocessing.context import SpawnContext
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from typing import Any

from pymongo import MongoClient

from shared.mongo import connect

NOW = dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)
RACE_TIMEOUT = 300.0  # a racer that never reports fails the test instead of hanging it
# A racer's turn: (trial number, racer index, what the trial gives) -> whether this racer won.
Turn = Callable[[int, int, Any], bool]


def _racer(mongo_url: str, db_name: str, index: int, trials: Sequence[Any], turn: str, barrier: Barrier,
           results: Queue[tuple[int, int, bool | str]]) -> None:
    connect(mongo_url, db_name)
    play: Turn = TURNS[turn]
    for number, trial in enumerate(trials):
        barrier.wait()
        try:
            results.put((number, index, play(number, index, trial)))
        except Exception as exc:  # reported, so the test shows it
            results.put((number, index, f"{type(exc).__name__}: {exc}"))


def race(mongo_url: str, db_name: str, racers: int, trials: Sequence[Any], turn: str) -> list[list[bool]]:
    """Runs `turn` in `racers` processes at once for each trial; returns, per trial, each racer's outcome."""
    ctx: SpawnContext = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(racers, timeout=RACE_TIMEOUT)
    results: Queue[tuple[int, int, bool | str]] = ctx.Queue()
    processes = [ctx.Process(target=_racer, args=(mongo_url, db_name, i, trials, turn, barrier, results))
                 for i in range(racers)]
    for process in processes:
        process.start()
    outcomes: list[list[bool | str]] = [[False] * racers for _ in trials]
    try:
        for _ in range(racers * len(trials)):
            number, index, outcome = results.get(timeout=RACE_TIMEOUT)
            outcomes[number][index] = outcome
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
    errors = [o for trial in outcomes for o in trial if isinstance(o, str)]
    assert not errors, errors
    return [[o is True for o in trial] for trial in outcomes]


def database(mongo_url: str, db_name: str) -> Any:
    return MongoClient(mongo_url, tz_aware=True)[db_name]


# --- the turns (looked up by name: a spawned process imports this module afresh) ---------------------------------

def _review(number: int, index: int, trial: Any) -> bool:
    from services.pledges.adapters import assignments
    from services.pledges.domain.matching import Match, Proximity

    pledge_id, helper_id, document_ids = trial
    match = Match(request_id=document_ids[index], pledge_id=pledge_id, helper_id=helper_id,
                  proximity=Proximity.REMOTE)
    review = assignments.claim_review(match, NOW)
    return review is not None and assignments.store_review(review, None)


def _document(number: int, index: int, trial: Any) -> bool:
    from services.pledges.adapters import assignments
    from services.pledges.domain.matching import Match, Proximity

    document_id, pledges = trial
    pledge_id, helper_id = pledges[index]
    match = Match(request_id=document_id, pledge_id=pledge_id, helper_id=helper_id, proximity=Proximity.REMOTE)
    review = assignments.claim_review(match, NOW)
    return review is not None and assignments.store_review(review, None)


def _coffee(number: int, index: int, trial: Any) -> bool:
    from services.pledges.adapters import assignments
    from services.pledges.domain.matching import Match, Proximity

    pledge_id, helper_id, profile_ids = trial
    match = Match(request_id=profile_ids[index], pledge_id=pledge_id, helper_id=helper_id,
                  proximity=Proximity.REMOTE)
    coffee = assignments.claim_coffee(match, NOW)
    return coffee is not None and assignments.store_coffee(coffee, None)


def _refresh(number: int, index: int, trial: Any) -> bool:
    from services.profile.accounts import store

    session_id, generation = trial
    return store.advance_session(session_id, generation, NOW)


def _retry(number: int, index: int, trial: Any) -> bool:
    from services.notifier.adapters import store

    return store.claim_retry(trial, NOW, NOW) is not None


def _take_over(number: int, index: int, trial: Any) -> bool:
    from services.notifier.adapters import store

    return store.take_over(trial, NOW, NOW)


_SENDER: list[Any] = []  # built by the warm-up trial, so the race itself starts from the barrier at once


def _webhooks(number: int, index: int, trial: Any) -> bool:
    import asyncio

    from services.partners.service import Sender, http_client
    from tests.integration.partners_support import Clock, partners_deps

    mongo_url, db_name = trial
    if not _SENDER:
        _SENDER.append(partners_deps(mongo_url, db_name, Clock()))
        return False
    deps = _SENDER[0]

    async def tick() -> int:
        async with http_client(deps.settings) as client:
            return await Sender(deps.store, deps.keys, deps.settings, client, deps.clock).tick()
    return asyncio.run(tick()) > 0


def _disable(number: int, index: int, trial: Any) -> bool:
    """A sender's pass on an endpoint that refuses everything: whether it failed enough deliveries to go and
    disable it (the claim decides which one does)."""
    import asyncio

    from services.partners import metrics
    from services.partners.service import Sender, http_client
    from tests.integration.partners_support import Clock, partners_deps

    mongo_url, db_name, failures = trial
    if not _SENDER:
        _SENDER.append(partners_deps(mongo_url, db_name, Clock(), disable_after_failures=failures))
        return False
    deps = _SENDER[0]

    async def tick() -> int:
        async with http_client(deps.settings) as client:
            return await Sender(deps.store, deps.keys, deps.settings, client, deps.clock).tick()
    asyncio.run(tick())
    return bool(metrics.DELIVERIES.labels("acme", "failed")._value.get() >= failures)


def _schedule(number: int, index: int, trial: Any) -> bool:
    from services.followup.config import FollowupSettings
    from services.followup.entrypoints.deps import wire
    from services.followup.service.scheduler import Scheduler

    settings, now = trial
    deps = wire(FollowupSettings(**settings))
    try:
        return bool(Scheduler(deps.store, deps.outbox, deps.factory, deps.settings).tick(now))
    finally:
        deps.relay.close()


def _offer(number: int, index: int, trial: Any) -> bool:
    from services.pledges.config import PledgesSettings
    from services.pledges.domain.kinds import PledgeKind
    from services.pledges.service import offers

    mongo_url, profile_id, learnt = trial
    email, kinds = learnt[index % len(learnt)]  # what the diagnosis, or the advice, tells
    settings = PledgesSettings(environment="test", mongo_url=mongo_url)
    return bool(offers.record_and_offer(profile_id, email, [PledgeKind(k) for k in kinds], NOW, settings))


TURNS: dict[str, Turn] = {
    "offer": _offer, "review": _review, "document": _document, "coffee": _coffee, "refresh": _refresh, "retry": _retry,
    "take-over": _take_over, "webhooks": _webhooks, "disable": _disable,
    "schedule": _schedule,
}


# --- a pledges worker killed between two writes --------------------------------------------------------------------

DIED = 3  # the exit code of a process that died where the test wanted


def match_and_die(mongo_url: str, db_name: str, when: str) -> None:
    """A pledges worker's matching pass that dies (`os._exit`, no cleanup, no relay) just before or just after
    storing its first match: `when` is "before-state" or "after-state"."""
    import os

    from services.pledges.adapters import assignments
    from services.pledges.config import PledgesSettings
    from services.pledges.domain.kinds import PledgeKind
    from services.pledges.service import matching

    connect(mongo_url, db_name)
    store = assignments.store_review

    def dying(review: dict[str, Any], outbox_entry: str | None) -> bool:
        if when == "after-state":
            store(review, outbox_entry)
        os._exit(DIED)

    assignments.store_review = dying  # this process only
    matching.run_pass(PledgeKind.HELP_RESUME, NOW, PledgesSettings(environment="test", mongo_url=mongo_url,
                                                                   mongo_db=db_name))


def run_and_die(target: Callable[..., None], *args: Any) -> int | None:
    """Runs `target` in a fresh process; returns its exit code."""
    process = multiprocessing.get_context("spawn").Process(target=target, args=args)
    process.start()
    process.join(timeout=RACE_TIMEOUT)
    return process.exitcode
