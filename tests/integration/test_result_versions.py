"""A result version that never will exist is a 404, one that may still be on its way is `pending`, against the real
database (FerretDB or MongoDB) through the diagnosis read API."""

from __future__ import annotations

import datetime as dt
import uuid
import zlib
from collections.abc import Iterator

import orjson
import pytest
from bson import Binary
from fastapi.testclient import TestClient

from services.diagnosis.adapters.results import Diagnosis
from services.diagnosis.entrypoints.api import app
from shared.results import collection
from tests.support import access_token, bearer, scratch_db

pytestmark = [pytest.mark.integration]


@pytest.fixture
def diagnosis_db(mongo_url: str) -> Iterator[None]:
    with scratch_db(mongo_url, "test_result_versions"):
        yield


def store(person_id: str, *versions: int) -> None:
    collection(Diagnosis).insert_many([
        {"_id": f"{person_id}:{v}", "profile_id": person_id, "profile_version": v, "source_event_id": f"event-{v}",
         "computed_at": dt.datetime(2026, 5, 1, tzinfo=dt.UTC),
         "result_blob": Binary(zlib.compress(orjson.dumps({"diagnosis": {"v": v}})))}
        for v in versions
    ])


def test_versions_that_cannot_come_are_not_found(diagnosis_db: None) -> None:
    person = uuid.uuid4().hex
    store(person, 1, 3)  # 2 was refused (dead-lettered): versions are computed in order
    client = TestClient(app, headers=bearer(access_token(person)))  # no lifespan: scratch_db connected

    def status(version: int) -> tuple[int, str | None]:
        response = client.get(f"/api/v1/profiles/{person}/diagnosis", params={"version": version})
        return response.status_code, response.json().get("status")

    assert status(3) == (200, "ready")
    assert status(4) == (200, "pending")
    assert status(6) == (200, "pending")
    assert status(7)[0] == 404
    assert status(999)[0] == 404
    assert status(2)[0] == 404
    missing = client.get(f"/api/v1/profiles/{person}/diagnosis", params={"version": 999})
    assert missing.json() == {"detail": "profile version 999 has no result and never will"}


def test_a_first_version_is_pending_until_computed(diagnosis_db: None) -> None:
    person = uuid.uuid4().hex
    client = TestClient(app, headers=bearer(access_token(person)))
    assert client.get(f"/api/v1/profiles/{person}/diagnosis", params={"version": 1}).json()["status"] == "pending"
    assert client.get(f"/api/v1/profiles/{person}/diagnosis", params={"version": 999}).status_code == 404
