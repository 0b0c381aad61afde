"""Readiness that answers fast whatever a dependency does, and dependency outages answered as 503 with Retry-After.

A check runs in the thread pool; callers share the one in flight and wait for it at most `within` seconds, so a
hung broker or database makes /readyz say "not ready" at once instead of hanging until the gateway's 504, and never
piles up threads."""

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
    """One dependency check, its answer reused for `fresh_for` seconds."""

    def __init__(self, check: Callable[[], bool], within: float = 0.8, fresh_for: float = 2.0) -> None:
        self.check, self.within, self.fresh_for = check, within, fresh_for
        self.last: tuple[float, bool] | None = None
        self.running: asyncio.Future[bool] | None = None

    async def ok(self) -> bool:
        if self.last is not None and time.monotonic() - self.last[0] < self.fresh_for:
            return self.last[1]
        if self.running is None or self.running.done():
            self.running = asyncio.ensure_future(run_sync(self._checked))
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
