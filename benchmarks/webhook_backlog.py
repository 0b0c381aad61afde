"""A disabled endpoint's backlog and the sender's passes: `python -m benchmarks.webhook_backlog [--queued 1000 10000]`.

Starts the project's FerretDB on a free port with fresh data, registers two partners, `live` (enabled, 10
deliveries queued) and `down` (disabled, `--queued` deliveries waiting for an operator), then times, for each
backlog size, the sender's read of the queue at each pass (median of 5):

- before: the whole queue, as the sender read it until now;
- after: the enabled endpoints' deliveries only (`Store.queued(["live"])`, one `_id` prefix range per partner);
- a whole `Sender.tick()` as it is, once `live`'s deliveries wait their backoff (its endpoint refuses): a pass
  with nothing due, the usual one.

The backlog is read again for the disabled endpoint's gauges only every `disabled_backlog_seconds` (60 s)."""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
import uuid
from collections.abc import Callable

from benchmarks.webhooks import queue, scratch_ferretdb
from services.partners.config import PartnersSettings
from services.partners.domain.partner import SCOPES, Registration
from services.partners.entrypoints.deps import Deps, wire
from services.partners.service import Book, Sender, http_client

ROUNDS = 5


def median_ms(run: Callable[[], object]) -> float:
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


async def tick_ms(deps: Deps) -> float:
    async with http_client(deps.settings) as client:
        sender = Sender(deps.store, deps.keys, deps.settings, client, deps.clock)
        await sender.tick()  # reads the disabled endpoint's backlog once, for its gauges
        times = []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            await sender.tick()
            times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def measure(mongo_url: str, sizes: list[int]) -> None:
    deps = wire(PartnersSettings(environment="test", mongo_url=mongo_url, mongo_db="bob_partners_backlog_bench",
                                 disable_after_failures=10_000))
    for name in ("live", "down"):
        deps.partners.register(Registration(name=name, title=name, contact=f"{name}@partner.example",
                                            scopes=list(SCOPES), kafka=False, webhook_url="http://127.0.0.1:9/hooks"),
                               deps.clock())
    deps.store.update_partner("down", {"webhook.enabled": False})
    book = Book.load(deps.store, deps.keys)
    queue(deps, book, [uuid.uuid4().hex for _ in range(10)])  # to both
    queued = 10
    print("| down's backlog | whole queue (before) | enabled endpoints' part (after) | ratio | a sender pass |")
    print("|---|---|---|---|---|")
    for size in sizes:
        down_only = Book([(p, k) for p, k in book.partners if p.name == "down"])
        queue(deps, down_only, [uuid.uuid4().hex for _ in range(size - queued)])
        queued = size
        before = median_ms(deps.store.queued)
        after = median_ms(lambda: deps.store.queued(["live"]))
        whole = asyncio.run(tick_ms(deps))
        print(f"| {size:,} | {before:.0f} ms | {after:.1f} ms | {before / after:.0f}x | {whole:.1f} ms |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queued", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    with scratch_ferretdb() as mongo_url:
        measure(mongo_url, sorted(args.queued))
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
