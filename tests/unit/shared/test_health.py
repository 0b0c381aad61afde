"""Readiness answers at once whatever a dependency does, and a dependency outage is a 503 with Retry-After."""

from __future__ import annotations

import asyncio
import socket
import threading

import pymongo
from fastapi import APIRouter
from fastapi.testclient import TestClient
from pydantic_settings import SettingsConfigDict

from shared.health import RETRY_AFTER_SECONDS, Probe
from shared.http import create_api
from shared.mongo import run_sync
from shared.settings import ServiceSettings


def closed_port() -> int:
    """A port nothing listens on: connections to it are refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class AwaySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="AWAY_")

    service_name: str = "away"


def test_a_hung_check_is_not_ready_at_once_and_runs_once_for_every_caller() -> None:
    release, calls = threading.Event(), []

    def hung() -> bool:
        calls.append(1)
        release.wait(30)
        return True

    probe = Probe(hung, within=0.05)

    async def scenario() -> tuple[list[bool], bool]:
        waiting = await asyncio.gather(*(probe.ok() for _ in range(5)))
        release.set()
        assert probe.running is not None
        await probe.running
        return waiting, await probe.ok()

    waiting, after = asyncio.run(scenario())
    assert waiting == [False] * 5
    assert len(calls) == 1, "callers share the check in flight: a hung dependency piles up no threads"
    assert after is True  # the answer it finally gave is kept


def test_a_check_that_raises_means_not_ready() -> None:
    def broken() -> bool:
        raise ConnectionError("refused")

    assert asyncio.run(Probe(broken).ok()) is False


def test_readyz_is_503_when_kafka_and_the_database_are_away() -> None:
    settings = AwaySettings(kafka_bootstrap_servers=f"127.0.0.1:{closed_port()}")
    response = TestClient(create_api(settings, [])).get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"ready": False, "checks": {"kafka": False, "mongo": False}}


def test_a_database_outage_is_a_503_with_retry_after_never_a_500() -> None:
    away: pymongo.MongoClient[dict[str, object]] = pymongo.MongoClient(
        f"mongodb://127.0.0.1:{closed_port()}", serverSelectionTimeoutMS=100)
    router = APIRouter()

    @router.get("/things")
    async def things() -> list[str]:
        return [str(d["_id"]) for d in await run_sync(lambda: list(away["db"]["things"].find()))]

    response = TestClient(create_api(AwaySettings(), [router]), raise_server_exceptions=False).get("/things")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.json()["dependency"] == "database"


def test_a_recent_answer_is_given_while_a_slow_check_runs_then_not_ready_once_it_is_old() -> None:
    release = threading.Event()
    answers = iter([True])

    def slow_after_first() -> bool:
        first = next(answers, None)
        if first is None:
            release.wait(30)
        return first is not False

    probe = Probe(slow_after_first, within=2.0, fresh_for=0.0, stale_for=60.0)

    async def scenario() -> tuple[bool, bool, bool]:
        first = await probe.ok()
        recent = await probe.ok()  # the second check hangs: the recent answer stands
        assert probe.last is not None
        probe.last = (probe.last[0] - 120, probe.last[1])  # as if the last answer were two minutes old
        old = await probe.ok()
        release.set()
        return first, recent, old

    assert asyncio.run(scenario()) == (True, True, False)
