"""Enabling a partner's endpoint with a backlog: `python -m benchmarks.partner_enable [--queued 2000]`.

Starts the project's FerretDB on a free port with fresh data, registers one partner with a webhook and queues
`--queued` deliveries for it (one person each, as the feed makes them), then times:

- before: what enabling used to add, one `update_many` setting every queued delivery of the partner due
  (FerretDB 1.24 rewrites them one by one);
- after: `Partners.enable_webhook` as it is, one write on the partner document whatever the backlog."""

from __future__ import annotations

import argparse
import os
import time
import uuid

from benchmarks.webhooks import queue, scratch_ferretdb
from services.partners.config import PartnersSettings
from services.partners.domain.partner import SCOPES, Registration
from services.partners.entrypoints.deps import wire
from services.partners.service import Book

NAME = "bench"


def measure(mongo_url: str, queued: int) -> None:
    deps = wire(PartnersSettings(environment="test", mongo_url=mongo_url, mongo_db="bob_partners_enable_bench"))
    deps.partners.register(Registration(name=NAME, title="bench", contact="bench@partner.example",
                                        scopes=list(SCOPES), kafka=False, webhook_url="http://127.0.0.1:9/hooks"),
                           deps.clock())
    queue(deps, Book.load(deps.store, deps.keys), [uuid.uuid4().hex for _ in range(queued)])
    assert deps.store.queue.count_documents({"partner": NAME}) == queued

    started = time.perf_counter()
    deps.store.queue.update_many({"partner": NAME}, {"$set": {"next_at": deps.clock()}})
    before = time.perf_counter() - started
    started = time.perf_counter()
    deps.partners.enable_webhook(NAME, deps.clock())
    after = time.perf_counter() - started
    print(f"enable with {queued} queued deliveries: before {before * 1000:.0f} ms (the removed update_many alone), "
          f"after {after * 1000:.1f} ms (enable_webhook)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queued", type=int, default=2000)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    with scratch_ferretdb() as mongo_url:
        measure(mongo_url, args.queued)
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
