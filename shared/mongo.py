"""mongoengine connection handling and a thread pool so synchronous calls never block the event loop."""

from __future__ import annotations

import asyncio
import contextvars
import datetime as dt
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

import mongoengine  # type: ignore[import-untyped]
from mongoengine.connection import get_db  # type: ignore[import-untyped]
from pymongo.collection import Collection
from pymongo.errors import BulkWriteError

P = ParamSpec("P")
R = TypeVar("R")

_executor = ThreadPoolExecutor(max_workers=8, thread_name_prefix="mongo")


def connect(url: str, db: str, alias: str = "default") -> None:
    mongoengine.connect(db=db, host=url, alias=alias, serverSelectionTimeoutMS=5_000, uuidRepresentation="standard")


def disconnect(alias: str = "default") -> None:
    mongoengine.disconnect(alias=alias)


def ping(alias: str = "default") -> bool:
    try:
        get_db(alias).command("ping")
        return True
    except Exception:
        return False


async def run_sync(fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run a blocking (mongoengine) call in the shared thread pool, in a copy of the caller's context (so the
    request's trace and ids reach the events and logs made there)."""
    loop = asyncio.get_running_loop()
    context = contextvars.copy_context()
    return await loop.run_in_executor(_executor, functools.partial(context.run, fn, *args, **kwargs))


DUPLICATE_KEY = 11000


def insert_ignoring_duplicates(collection: Collection[dict[str, Any]], documents: list[dict[str, Any]]) -> int:
    """Bulk insert keyed by deterministic ids; a document already there (a replay) is kept and counted."""
    return len(insert_returning_existing(collection, documents))


def insert_returning_existing(collection: Collection[dict[str, Any]], documents: list[dict[str, Any]]) -> list[int]:
    """Bulk insert keyed by deterministic ids, keeping what is already there (a replay); returns the positions of
    the documents that were."""
    if not documents:
        return []
    try:
        collection.insert_many(documents, ordered=False)
    except BulkWriteError as exc:
        errors = exc.details["writeErrors"]
        if any(error["code"] != DUPLICATE_KEY for error in errors):
            raise
        return [error["index"] for error in errors]
    return []


# FerretDB 1.24 holds one pooled connection per matched write statement until the command ends and its pool
# has 100: a command of 100 updates or deletes never returns (measured: 99 pass, 100 hang). Stay well below.
MAX_WRITES_PER_COMMAND = 50


def as_utc(value: dt.datetime) -> dt.datetime:
    """pymongo hands back naive datetimes (UTC by storage): mark them, so that APIs answer RFC 3339 times."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
