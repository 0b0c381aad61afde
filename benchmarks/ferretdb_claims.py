"""How many processes win one slot on FerretDB: a conditional update against a unique insert.

N OS processes (spawned, each with its own connection) are lined up by a barrier, then all take the one slot of
a fresh document at once, T times: by `find_one_and_update({_id, free: {$gt: 0}}, {$inc: {free: -1}})` (the way
pledges took slots before issue 17), then by inserting `{id}:slot:0` (the way they take them now). Prints, per
way, how many trials had exactly one winner and how many had more. Runs its own FerretDB (the project's build, on
SQLite, a fresh data folder), so it runs beside anything else.

    .venv/bin/python -m benchmarks.ferretdb_claims --racers 8 --trials 20
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
from collections import Counter
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

import pymongo
import typer
from pymongo.errors import DuplicateKeyError

from benchmarks.ferretdb_backends import ferretdb
from deploy.local import install
from deploy.local.paths import FERRETDB_BIN

cli = typer.Typer(add_completion=False)
WAYS = ("conditional update", "unique insert")


def _racer(url: str, way: str, trials: int, barrier: Barrier, results: Queue[tuple[int, bool]]) -> None:
    client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(url)
    db = client["claims"]
    for trial in range(trials):
        barrier.wait()
        if way == "conditional update":
            won = db["pledges"].find_one_and_update({"_id": trial, "free": {"$gt": 0}}, {"$inc": {"free": -1}})
            results.put((trial, won is not None))
        else:
            try:
                db["slots"].insert_one({"_id": f"{trial}:slot:0"})
                results.put((trial, True))
            except DuplicateKeyError:
                results.put((trial, False))
    client.close()


def race(url: str, way: str, racers: int, trials: int) -> Counter[int]:
    """How many trials had each number of winners."""
    client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(url)
    client.drop_database("claims")
    client["claims"]["pledges"].insert_many([{"_id": t, "free": 1} for t in range(trials)])
    client["claims"]["slots"].insert_one({"_id": "created"})  # the collection exists before the race
    client.close()
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(racers)
    results: Queue[tuple[int, bool]] = ctx.Queue()
    processes = [ctx.Process(target=_racer, args=(url, way, trials, barrier, results)) for _ in range(racers)]
    for process in processes:
        process.start()
    winners: Counter[int] = Counter({t: 0 for t in range(trials)})
    for _ in range(racers * trials):
        trial, won = results.get(timeout=300)
        winners[trial] += won
    for process in processes:
        process.join()
    return Counter(winners.values())


@cli.command()
def main(racers: int = typer.Option(8, help="processes racing for each slot"),
         trials: int = typer.Option(20, help="slots raced for, one after the other")) -> None:
    install.ensure_ferretdb()
    root = Path(tempfile.mkdtemp(prefix="ferretdb-claims-"))
    os.chmod(root, 0o755)
    with ferretdb(FERRETDB_BIN, "sqlite", root) as (_, url):
        for way in WAYS:
            counts = race(url, way, racers, trials)
            more = sum(n for winners, n in counts.items() if winners > 1)
            spread = ", ".join(f"{n} with {winners}" for winners, n in sorted(counts.items()))
            typer.echo(f"{way:20} {racers} processes, {trials} trials: exactly one winner in {counts[1]}, "
                       f"more than one in {more} (trials by winners: {spread})")


if __name__ == "__main__":
    cli()
