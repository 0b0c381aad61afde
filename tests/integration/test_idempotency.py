"""`Idempotency-Key` against the real database (FerretDB): a retried POST gets the original answer and causes
nothing more; another body, another caller, a 5xx or a retry while the first still runs are told apart; and a
stored record reads as nothing without the client's key."""

from __future__ import annotations

import asyncio
import json
import socket
import uuid
from collections.abc import Iterator

import httpx
import pytest
from fastapi import APIRouter, HTTPException
from mongoengine.connection import get_db  # type: ignore[import-untyped]
from pydantic import BaseModel
from pydantic_settings import SettingsConfigDict

from shared.http import create_api
from shared.idempotency import COLLECTION
from shared.mongo import connect, disconnect
from shared.settings import ServiceSettings
from tests.support import access_token, bearer, scratch_db


class KeySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KEYS_")

    service_name: str = "keys"


class Note(BaseModel):
    text: str


class Calls:
    def __init__(self) -> None:
        self.made: list[str] = []
        self.gate: asyncio.Event | None = None
        self.entered = asyncio.Event()  # the route runs: its request holds the key


@pytest.fixture
def calls(mongo_url: str) -> Iterator[Calls]:
    with scratch_db(mongo_url, "idempotency"):
        yield Calls()


def app_for(calls: Calls) -> httpx.AsyncClient:
    router = APIRouter()

    @router.post("/notes", status_code=201)
    async def add(note: Note) -> dict[str, str]:
        calls.entered.set()
        if calls.gate is not None:
            await calls.gate.wait()
        if note.text == "crash":
            raise HTTPException(503, "try again")
        calls.made.append(note.text)
        return {"id": uuid.uuid4().hex, "text": note.text}

    transport = httpx.ASGITransport(app=create_api(KeySettings(), [router]))
    return httpx.AsyncClient(transport=transport, base_url="http://test")


def post(client: httpx.AsyncClient, text: str, key: str, token: str | None = None) -> asyncio.Future[httpx.Response]:
    headers = {"Idempotency-Key": key, **(bearer(token) if token else {})}
    return asyncio.ensure_future(client.post("/notes", json={"text": text}, headers=headers))


def test_a_retry_gets_the_original_answer_and_causes_nothing_more(calls: Calls) -> None:
    me, key = access_token(), uuid.uuid4().hex

    async def scenario() -> list[httpx.Response]:
        async with app_for(calls) as client:
            return [await post(client, "hello", key, me) for _ in range(3)]

    first, *retries = asyncio.run(scenario())
    assert first.status_code == 201
    assert "idempotent-replayed" not in first.headers
    for retry in retries:
        assert (retry.status_code, retry.json()) == (201, first.json())
        assert retry.headers["idempotent-replayed"] == "true"
        assert retry.headers["content-type"] == "application/json"
    assert calls.made == ["hello"]


def test_another_body_another_caller_and_no_key_are_told_apart(calls: Calls) -> None:
    me, key = access_token(), uuid.uuid4().hex

    async def scenario() -> tuple[httpx.Response, httpx.Response, httpx.Response, httpx.Response]:
        async with app_for(calls) as client:
            await post(client, "hello", key, me)
            other_body = await post(client, "bye", key, me)
            other_caller = await post(client, "hello", key, access_token())
            no_key = await client.post("/notes", json={"text": "hello"}, headers=bearer(me))
            bad_key = await client.post("/notes", json={"text": "x"}, headers={"Idempotency-Key": "k" * 256})
            return other_body, other_caller, no_key, bad_key

    other_body, other_caller, no_key, bad_key = asyncio.run(scenario())
    assert other_body.status_code == 422
    assert "another request" in other_body.json()["detail"]
    assert other_caller.status_code == 201  # keys are per caller
    assert no_key.status_code == 201
    assert bad_key.status_code == 400
    assert calls.made == ["hello", "hello", "hello"]


def test_a_retry_while_the_first_runs_is_409_and_a_5xx_is_not_kept(calls: Calls) -> None:
    key, crash_key = uuid.uuid4().hex, uuid.uuid4().hex

    async def scenario() -> tuple[httpx.Response, httpx.Response, httpx.Response, httpx.Response]:
        calls.gate = asyncio.Event()
        async with app_for(calls) as client:
            first = post(client, "slow", key)
            await calls.entered.wait()
            during = await post(client, "slow", key)
            calls.gate.set()
            crashed = await post(client, "crash", crash_key)
            again = await post(client, "crash", crash_key)
            return await first, during, crashed, again

    first, during, crashed, again = asyncio.run(scenario())
    assert first.status_code == 201
    assert (during.status_code, during.headers["retry-after"]) == (409, "1")
    assert crashed.status_code == again.status_code == 503
    assert "idempotent-replayed" not in again.headers  # ran again, not replayed
    assert calls.made == ["slow"]


def test_a_stored_record_says_nothing_without_the_key(calls: Calls) -> None:
    marker, key = f"camille-{uuid.uuid4().hex}", uuid.uuid4().hex
    me = access_token()

    async def scenario() -> None:
        async with app_for(calls) as client:
            await post(client, marker, key, me)

    asyncio.run(scenario())
    [record] = list(get_db()[COLLECTION].find())
    raw = json.dumps(record, default=str)
    for readable in (marker, key, "notes"):
        assert readable not in raw
    assert record["state"] == "done"


def test_with_the_database_away_a_keyed_write_is_503_with_retry_after() -> None:
    """The key cannot be claimed (nothing listens where the database should be): the client is told to retry, the
    route does not run, and nothing answers 500."""
    calls = Calls()
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    connect(f"mongodb://127.0.0.1:{port}/?serverSelectionTimeoutMS=300", "idempotency_away")
    try:
        async def scenario() -> httpx.Response:
            async with app_for(calls) as client:
                return await post(client, "hello", uuid.uuid4().hex, access_token())

        answer = asyncio.run(scenario())
    finally:
        disconnect()
    assert answer.status_code == 503
    assert answer.headers["retry-after"]
    assert answer.json()["dependency"] == "database"
    assert calls.made == []
