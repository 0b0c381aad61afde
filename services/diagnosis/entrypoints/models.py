"""Operators' read API of the model registry: versions with their status, gate checks and metrics, and each
version's model card (what the operator page shows). Releasing stays a command (services/diagnosis/models.py)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path
from pydantic import BaseModel

from services.diagnosis.adapters.registry import Doc, service_registry
from shared.auth.access import Operator
from shared.mongo import as_utc, run_sync

Version = Annotated[str, Path(pattern=r"^[a-z]+-v\d{1,6}$")]


class CheckOut(BaseModel):
    name: str
    passed: bool
    value: float | None
    threshold: float
    detail: str
    approvable: bool


class ModelOut(BaseModel):
    version: str
    status: str
    created_at: dt.datetime
    released: bool
    window: dict[str, dt.datetime | None]
    metrics: dict[str, float]
    checks: list[CheckOut]
    history: list[dict[str, Any]]
    card: str | None = None


class ModelsOut(BaseModel):
    released: str | None
    models: list[ModelOut]


def _out(doc: Doc, released: str | None, with_card: bool = False) -> ModelOut:
    return ModelOut(
        version=doc["_id"], status=doc["status"], created_at=as_utc(doc["created_at"]),
        released=doc["_id"] == released,
        window={k: as_utc(v) if v is not None else None for k, v in doc["window"].items()},
        metrics=doc["metrics"],
        # NaN is not JSON: a value that could not be computed is null.
        checks=[CheckOut(**{**c, "value": None if c["value"] != c["value"] else c["value"]}) for c in doc["checks"]],
        history=[{**h, "at": as_utc(h["at"])} for h in doc["history"]],
        card=doc.get("card") if with_card else None,
    )


def models_router() -> APIRouter:
    router = APIRouter(prefix="/api/v1/diagnosis/models", tags=["models"])

    @router.get("")
    async def list_models(_: Operator) -> ModelsOut:
        registry = service_registry()
        released = await run_sync(registry.released_version)
        docs = await run_sync(registry.versions)
        return ModelsOut(released=released, models=[_out(d, released) for d in docs])

    @router.get("/{version}")
    async def read_model(version: Version, _: Operator) -> ModelOut:
        registry = service_registry()
        doc = await run_sync(registry.get, version)
        if doc is None:
            raise HTTPException(404, "no such model version")
        return _out(doc, await run_sync(registry.released_version), with_card=True)

    return router
