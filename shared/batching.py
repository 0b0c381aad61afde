"""Group commit: what concurrent requests store goes to the database together.

Each caller awaits its own item's outcome, while one task hands the waiting items to a synchronous `store_many`
in one trip to the thread pool. No timer: a batch is whatever arrived while the previous one was being stored,
so a lone request waits for nothing and a busy service writes in a few commands what it used to write in one
command per request."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from shared.mongo import MAX_WRITES_PER_COMMAND, run_sync

Item = TypeVar("Item")
Result = TypeVar("Result")


class GroupCommit(Generic[Item, Result]):
    """`store_many` gives one outcome per item, in the items' order: its result, or the exception its caller gets."""

    def __init__(
        self, store_many: Callable[[list[Item]], Sequence[Result | Exception]],
        max_batch: int = MAX_WRITES_PER_COMMAND,
    ) -> None:
        self._store_many = store_many
        self.max_batch = max_batch
        self._waiting: list[tuple[Item, asyncio.Future[Result]]] = []
        self._draining: asyncio.Task[None] | None = None

    async def submit(self, item: Item) -> Result:
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._draining is None or self._draining.done():
            # A context of its own: a batch belongs to no single request's trace.
            self._draining = asyncio.create_task(self._drain(), context=contextvars.Context())
        return await future

    async def _drain(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[: self.max_batch], self._waiting[self.max_batch :]
            items = [item for item, _ in batch]
            try:
                outcomes: Sequence[Result | Exception] = await run_sync(self._store_many, items)
                if len(outcomes) != len(batch):
                    raise RuntimeError(f"store_many gave {len(outcomes)} outcomes for {len(batch)} items")
            except Exception as exc:  # the whole trip failed (the database is down): every caller hears it
                outcomes = [exc] * len(batch)
            for (_, future), outcome in zip(batch, outcomes, strict=True):
                if future.done():  # its caller went away (a cancelled request); the item is stored all the same
                    continue
                if isinstance(outcome, Exception):
                    future.set_exception(outcome)
                else:
                    future.set_result(outcome)
