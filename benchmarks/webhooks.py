"""Webhook deliveries to a local receiver: `python -m benchmarks.webhooks [--people 2000] [--seconds 10]`.

Starts the project's FerretDB on a free port with fresh data, registers one partner whose endpoint is an aiohttp
receiver in this process that verifies every request with `Webhook.verify` (as a partner would), then:

1. throughput: queues one event for each of `--people` people (one lane each) and runs the real sender
   (services/partners/service.py, `webhook_concurrency` lanes at once) until the queue is empty: deliveries/s;
2. latency: queues events at half that rate for `--seconds` (a batch every 100 ms), the sender running as in the
   worker (`send_webhooks`: woken when events are queued, else looking every `webhook_scan_seconds`), and prints
   p50/p95/p99 from the moment an event is stored in the queue to the moment the receiver has verified it."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import statistics
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from aiohttp import web
from standardwebhooks.webhooks import Webhook

from deploy.local.paths import FERRETDB_BIN
from deploy.local.platform import free_port
from services.partners.config import PartnersSettings
from services.partners.domain import feed
from services.partners.domain.partner import SCOPES, Registration
from services.partners.entrypoints.deps import Deps, wire
from services.partners.entrypoints.worker import send_webhooks, store_made
from services.partners.service import Book, Feeds, Sender, View, http_client
from shared.mongo import run_sync
from shared.schemas.partner import FeedDiagnosisReady


class Receiver:
    def __init__(self) -> None:
        self.secret = ""
        self.arrived: dict[str, float] = {}
        self.pending: set[str] = set()
        self.done = asyncio.Event()

    def expect(self, ids: set[str]) -> asyncio.Event:
        """An event set once every one of these ids has arrived."""
        self.pending, self.done = ids - self.arrived.keys(), asyncio.Event()
        if not self.pending:
            self.done.set()
        return self.done

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        Webhook(self.secret).verify(body, dict(request.headers), json_parse=False)
        webhook_id = request.headers["webhook-id"]
        self.arrived.setdefault(webhook_id, time.perf_counter())
        self.pending.discard(webhook_id)
        if not self.pending:
            self.done.set()
        return web.Response(status=204)


def queue(deps: Deps, book: Book, people: list[str]) -> list[str]:
    """One diagnosis event per person; returns the webhook ids."""
    day = dt.date.today()
    items = [(feed.DIAGNOSIS, uuid.uuid4().hex, _view(person, day)) for person in people]
    made = Feeds(deps.factory).make(book, items, deps.clock())
    store_made(deps, made, deps.clock())
    return [doc["event_id"] for doc in made.queued]


def _view(person: str, day: dt.date) -> View:
    return lambda key: FeedDiagnosisReady(pseudonym=feed.pseudonym(key, person), version=1, day=day,
                                          main_challenge="bravo", score_band="60-79")


async def run(deps: Deps, receiver: Receiver, url: str, people: int, seconds: float) -> None:
    made = await run_sync(deps.partners.register, Registration(
        name="bench", title="bench", contact="bench@partner.example", scopes=list(SCOPES), kafka=False,
        webhook_url=url), deps.clock())
    assert made.webhook_secret is not None
    receiver.secret = made.webhook_secret
    book = await run_sync(Book.load, deps.store, deps.keys)
    async with http_client(deps.settings) as client:
        sender = Sender(deps.store, deps.keys, deps.settings, client)
        ids = await run_sync(queue, deps, book, [uuid.uuid4().hex for _ in range(people)])
        started = time.perf_counter()
        arrived = receiver.expect(set(ids))
        while not arrived.is_set():
            await sender.tick()
        rate = people / (time.perf_counter() - started)
        print(f"throughput: {people} deliveries in {people / rate:.2f} s = {rate:.0f} deliveries/s "
              f"({deps.settings.webhook_concurrency} lanes at once)")

        half, step = rate / 2, 0.1
        stored: dict[str, float] = {}
        queued = asyncio.Event()
        loop = asyncio.create_task(send_webhooks(sender, deps.settings.webhook_scan_seconds, queued))
        end = time.perf_counter() + seconds
        owed = 0.0
        while time.perf_counter() < end:
            tick = time.perf_counter()
            owed += half * step
            batch, owed = int(owed), owed - int(owed)
            for webhook_id in await run_sync(queue, deps, book, [uuid.uuid4().hex for _ in range(batch)]):
                stored[webhook_id] = time.perf_counter()
            queued.set()  # as the worker's consumers do after storing
            await asyncio.sleep(max(0.0, step - (time.perf_counter() - tick)))
        await receiver.expect(set(stored)).wait()
        loop.cancel()
    latencies = sorted((receiver.arrived[i] - t) * 1000 for i, t in stored.items())
    q = statistics.quantiles(latencies, n=100)
    print(f"latency at {half:.0f}/s ({len(latencies)} deliveries over {seconds:.0f} s, queued every "
          f"{step * 1000:.0f} ms): p50 {q[49]:.1f} ms, p95 {q[94]:.1f} ms, p99 {q[98]:.1f} ms")


async def serve(args: argparse.Namespace, mongo_url: str) -> None:
    receiver = Receiver()
    app = web.Application()
    app.router.add_post("/hooks", receiver.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        deps = wire(PartnersSettings(environment="test", mongo_url=mongo_url, mongo_db="bob_partners_bench"))
        await run(deps, receiver, f"http://127.0.0.1:{port}/hooks", args.people, args.seconds)
    finally:
        await runner.cleanup()


@contextmanager
def scratch_ferretdb() -> Iterator[str]:
    """A FerretDB of its own on a free port, in a temporary directory; its URL."""
    with tempfile.TemporaryDirectory() as data:
        port = free_port()
        ferret = subprocess.Popen([str(FERRETDB_BIN), "-listen", f"127.0.0.1:{port}", "-data-dir", data],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(1)
            yield f"mongodb://127.0.0.1:{port}"
        finally:
            ferret.terminate()
            ferret.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    with scratch_ferretdb() as mongo_url:
        asyncio.run(serve(args, mongo_url))
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
