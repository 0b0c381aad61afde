"""The model registry against the real database: the packaged model registered once, a candidate released and
rolled back through the use cases, the artifact checked, and the operators' read API (operators only)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import httpx
import pytest

from services.diagnosis.adapters.registry import Registry, RegistryError, Status, service_registry
from services.diagnosis.config import DiagnosisSettings
from services.diagnosis.entrypoints.models import models_router
from services.diagnosis.learning import Learning
from services.diagnosis.model.employability import EmployabilityModel
from services.diagnosis.service import LiveModel
from shared.auth.tokens import Role
from shared.http import create_api
from tests.support import access_token, bearer, scratch_db

pytestmark = [pytest.mark.integration]

NOW = dt.datetime(2025, 6, 1, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def registry(mongo_url: str) -> Iterator[Registry]:
    with scratch_db(mongo_url, "test_model_registry"):
        yield service_registry()


def candidate(registry: Registry, version: str) -> EmployabilityModel:
    """The packaged model's parameters under another version, registered as a candidate that passed."""
    params = {**EmployabilityModel.load().params(), "version": version}
    params["intercept"] += 0.1
    model = EmployabilityModel.from_params(params)
    registry.add(model, Status.CANDIDATE, NOW, card=f"# {version}", metrics={"auc": 0.8}, checks=[], window={},
                 by="test")
    return model


def test_release_and_rollback_move_the_pointer_and_the_workers_follow(registry: Registry) -> None:
    packaged = EmployabilityModel.load()
    assert registry.ensure_initial(packaged, "# v1", {}, NOW)
    assert not registry.ensure_initial(packaged, "# v1", {}, NOW)  # a second worker's start changes nothing
    live = LiveModel(packaged)
    learning = Learning(registry)
    v2 = candidate(registry, "employability-v2")

    released = learning.release("employability-v2", NOW, "operator")
    assert (released.version, released.previous_version, released.reason) == (
        "employability-v2", "employability-v1", "release")
    assert live.refresh(registry)
    assert live.current.version == "employability-v2"
    assert live.current.params() == v2.params()  # the artifact read back from its chunks, checksum checked
    assert {d["_id"]: d["status"] for d in registry.versions()} == {
        "employability-v1": "retired", "employability-v2": "released"}
    with pytest.raises(RegistryError, match="only a candidate"):
        learning.release("employability-v1", NOW, "operator")

    back = learning.rollback(NOW, "operator")
    assert (back.version, back.previous_version, back.reason) == ("employability-v1", "employability-v2", "rollback")
    assert live.refresh(registry)
    assert live.current.version == "employability-v1"
    with pytest.raises(RegistryError, match="nothing to roll back"):
        learning.rollback(NOW, "operator")
    assert [h["status"] for h in registry.require("employability-v2")["history"]] == [
        "candidate", "released", "retired"]


def test_a_tampered_artifact_is_refused(registry: Registry) -> None:
    candidate(registry, "employability-v2")
    registry.artifacts.update_one({"_id": "employability-v2:0"}, {"$set": {"data": b"{}"}})
    with pytest.raises(RegistryError, match="checksum"):
        registry.load("employability-v2")


async def test_operators_read_versions_and_cards_and_nobody_else(registry: Registry) -> None:
    registry.ensure_initial(EmployabilityModel.load(), "# card of v1", {}, NOW)
    app = create_api(DiagnosisSettings(), [models_router()])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://diagnosis") as client:
        operator = bearer(access_token(None, Role.OPERATOR))
        listed = (await client.get("/api/v1/diagnosis/models", headers=operator)).json()
        assert listed["released"] == "employability-v1"
        assert [(m["version"], m["status"], m["card"]) for m in listed["models"]] == [
            ("employability-v1", "released", None)]
        one = await client.get("/api/v1/diagnosis/models/employability-v1", headers=operator)
        assert one.json()["card"] == "# card of v1"
        assert (await client.get("/api/v1/diagnosis/models/employability-v9", headers=operator)).status_code == 404
        seeker = bearer(access_token())
        assert (await client.get("/api/v1/diagnosis/models", headers=seeker)).status_code == 403
        assert (await client.get("/api/v1/diagnosis/models")).status_code == 401
