"""Readiness that answers fast whatever a dependency does, and dependency outages answered as 503 with Retry-After.

A check runs in the thread pool and callers share the one in flight, so a hung dependency never piles up threads.
A caller gets the last answer while it is recent (a slow check on a busy machine is no outage); without a recent
answer it waits at most `within` seconds, so a hung broker or database reads "not ready" instead of hanging until
the gateway's 504. A refused connection fails the check at once, and that answer is given at once too."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from fastapi import Request
from fastapi.responses import JSONResponse
from kafka.errors import KafkaConnectionError, KafkaTimeoutError  # type: ignore[import-untyped]
from prometheus_client import Counter
from pymongo.errors import ConnectionFailure

from shared.mongo import run_sync

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5
UNAVAILABLE = Counter("bob_dependency_unavailable_total", "Requests answered 503 because a dependency was down",
                      ["dependency"])
for _dependency in ("database", "kafka"):
    UNAVAILABLE.labels(_dependency)
# The exceptions that mean "the dependency is away", not "this request is wrong".
OUTAGES: dict[type[Exception], str] = {ConnectionFailure: "database", KafkaTimeoutError: "kafka",
                                       KafkaConnectionError: "kafka"}


class Probe:
    """One dependency check: its answer reused for `fresh_for` seconds, then given while a new check runs for up to
    `stale_for` seconds after it was made."""

    def __init__(self, check: Callable[[], bool], within: float = 0.8, fresh_for: float = 2.0,
                 stale_for: float = 10.0) -> None:
        self.check, self.within, self.fresh_for, self.stale_for = check, within, fresh_for, stale_for
        self.last: tuple[float, bool] | None = None
        self.running: asyncio.Future[bool] | None = None

    async def ok(self) -> bool:
        age = None if self.last is None else time.monotonic() - self.last[0]
        if self.last is not None and age is not None and age < self.fresh_for:
            return self.last[1]
        if self.running is None or self.running.done():
            self.running = asyncio.ensure_future(run_sync(self._checked))
        if self.last is not None and age is not None and age < self.stale_for:
            return self.last[1]  # the check running refreshes it
        try:
            return await asyncio.wait_for(asyncio.shield(self.running), self.within)
        except TimeoutError:
            return False  # still running: its answer is kept when it comes

    def _checked(self) -> bool:
        try:
            ok = self.check()
        except Exception:
            ok = False
        self.last = (time.monotonic(), ok)
        return ok


async def outage(_: Request, exc: Exception) -> JSONResponse:
    """A dependency away: 503 with Retry-After (the request may be retried as is), never a 500."""
    dependency = next((name for kind, name in OUTAGES.items() if isinstance(exc, kind)), "dependency")
    UNAVAILABLE.labels(dependency).inc()
    log.warning("dependency unavailable", extra={"dependency": dependency, "error": type(exc).__name__})
    return JSONResponse({"detail": f"The {dependency} is unavailable for a moment; try again shortly.",
                         "dependency": dependency}, status_code=503,
                        headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
