"""The bare intake of benchmarks/gateway_load.py: what POST /api/v1/profiles costs with no domain work. Behind the
same nginx, under the profile API's uvicorn settings, with the profile service's environment and Kafka principal,
it does one JSON parse, one insert into FerretDB and one Kafka produce (kafka-python's producer as the profile
API's outbox relay builds it), and nothing else: no token check, no validation, no outbox. The profile id comes
from the X-Profile-Id header the load driver sets (the profile API takes it from the token)."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pymongo
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from benchmarks.stored import BARE_COLLECTION
from services.profile.config import ProfileSettings
from shared.messaging.access import KafkaAccess
from shared.messaging.kafka import make_producer
from shared.mongo import run_sync
from shared.topics import PROFILE_SUBMITTED

env = os.environ
kafka = KafkaAccess(
    env["PROFILE_KAFKA_BOOTSTRAP_SERVERS"], env.get("PROFILE_KAFKA_USERNAME"), env.get("PROFILE_KAFKA_PASSWORD")
)
client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(env["PROFILE_MONGO_URL"])
# In the profile service's own database: its user may write nowhere else (shared/database_access.py).
profiles = client[ProfileSettings().mongo_db][BARE_COLLECTION]
producer = make_producer(kafka)


def store_and_produce(profile_id: str, profile: dict[str, Any], raw: bytes) -> None:
    # In the thread pool, as the profile API's stores: pymongo and kafka-python's send may block.
    profiles.insert_one({"_id": profile_id, "profile": profile, "submitted_at": dt.datetime.now(dt.UTC)})
    producer.send(PROFILE_SUBMITTED.name, key=profile_id.encode(), value=raw)


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    yield
    producer.close(timeout=5)


app = FastAPI(lifespan=lifespan)


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/api/v1/profiles")
async def intake(request: Request) -> JSONResponse:
    raw = await request.body()
    profile_id = request.headers["x-profile-id"]
    await run_sync(store_and_produce, profile_id, json.loads(raw), raw)
    return JSONResponse({"profile_id": profile_id}, status_code=201)


if __name__ == "__main__":
    host = env.get("PROFILE_HTTP_HOST", "127.0.0.1")
    uvicorn.run(app, host=host, port=int(env["PROFILE_HTTP_PORT"]), access_log=False, log_config=None)
