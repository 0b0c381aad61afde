"""Results computed once per profile version (diagnosis, advice): storage and the read API."""

from __future__ import annotations

import datetime as dt
import zlib
from typing import Annotated, Any, Literal

import orjson
from bson import Binary
from fastapi import APIRouter, HTTPException, Query
from mongoengine import BinaryField, DateTimeField, Document, IntField, StringField  # type: ignore[import-untyped]
from pydantic import BaseModel
from pymongo.collection import Collection

from shared.auth.access import ProfileIdPath, ProfileOwner
from shared.mongo import as_utc, run_sync


class ResultDocument(Document):  # type: ignore[misc]
    """Keyed by "<profile_id>:<version>", so a redelivered event cannot store a second result."""

    meta = {"abstract": True, "indexes": [{"fields": ["profile_id", "-profile_version"]}]}

    id = StringField(primary_key=True)
    profile_id = StringField(required=True)
    profile_version = IntField(required=True)
    source_event_id = StringField(required=True)
    computed_at = DateTimeField(required=True)
    # Compressed JSON, not a nested document: results are only ever read whole, by `_id`, and FerretDB spends
    # ~6x less CPU storing one binary field than converting a nested document (benchmarks/pipeline.py).
    result_blob = BinaryField(required=True)

    @property
    def result(self) -> dict[str, Any]:
        return decode_result(self.result_blob)


def encode_result(result: BaseModel, include: set[str]) -> Binary:
    return Binary(zlib.compress(result.__pydantic_serializer__.to_json(result, include=include), 1))


def decode_result(blob: bytes) -> dict[str, Any]:
    decoded: dict[str, Any] = orjson.loads(zlib.decompress(blob))
    return decoded


def doc_id(profile_id: str, version: int) -> str:
    return f"{profile_id}:{version}"


def collection(document: type[ResultDocument]) -> Collection[dict[str, Any]]:
    coll: Collection[dict[str, Any]] = document._get_collection()
    return coll


def latest(document: type[ResultDocument], profile_id: str, version: int | None) -> ResultDocument | None:
    """That version's result, or the newest one. Only `_id` lookups, hit or miss an index search
    (deploy/ferretdb/patches): FerretDB scans the whole collection for any other filter. Versions of a person
    are processed in order (one partition), so they are consecutive."""
    if version is not None:
        found: ResultDocument | None = document.objects(id=doc_id(profile_id, version)).first()
        return found
    newest = None
    probe = 1
    while (doc := document.objects(id=doc_id(profile_id, probe)).first()) is not None:
        newest, probe = doc, probe + 1
    return newest


# A version that could not be computed (dead-lettered) leaves a gap in the versions: probing a person's results
# stops only after this many missing versions in a row.
GAP_TOLERATED = 3
# Versions beyond the newest computed that may still be on their way (submitted, not yet computed).
IN_FLIGHT = 3


def will_never_exist(document: type[ResultDocument], profile_id: str, version: int) -> bool:
    """True for a version that is not stored and cannot be coming: versions of a person are computed in order,
    so one below the newest computed was refused, and one far beyond it was never submitted (at most IN_FLIGHT
    versions are taken to be on their way; more are submitted in a burst only by a script)."""
    newest_version, probe, missing = 0, 1, 0
    results = collection(document)
    while missing < GAP_TOLERATED:  # by `_id`, over the gaps refused versions leave
        if results.find_one({"_id": doc_id(profile_id, probe)}, {"_id": True}) is None:
            missing += 1
        else:
            newest_version, missing = probe, 0
        probe += 1
    return version < newest_version or version > newest_version + IN_FLIGHT


class VersionNotFound(HTTPException):
    def __init__(self, version: int) -> None:
        super().__init__(404, f"profile version {version} has no result and never will")


def person_results(document: type[ResultDocument], profile_id: str) -> list[dict[str, Any]]:
    """Every stored result of the person, probed by `_id` (for export and erasure)."""
    results = collection(document)
    found: list[dict[str, Any]] = []
    version, missing = 1, 0
    while missing < GAP_TOLERATED:
        doc = results.find_one({"_id": doc_id(profile_id, version)})
        if doc is None:
            missing += 1
        else:
            found.append(doc)
            missing = 0
        version += 1
    return found


def exported(doc: dict[str, Any]) -> dict[str, Any]:
    """A stored result as JSON values, its blob decoded."""
    return {
        "profile_version": doc["profile_version"], "computed_at": as_utc(doc["computed_at"]).isoformat(),
        "source_event_id": doc["source_event_id"], "result": decode_result(doc["result_blob"]),
    }


def delete_results(document: type[ResultDocument], docs: list[dict[str, Any]]) -> int:
    """One delete by `_id` per version (an index search)."""
    return sum(collection(document).delete_one({"_id": d["_id"]}).deleted_count for d in docs)


def erased_people(document: type[ResultDocument]) -> Collection[dict[str, Any]]:
    """The people erased, by `_id`, beside the results (`mark_erased`)."""
    return collection(document).database["erased_people"]


def mark_erased(document: type[ResultDocument], person_id: str, now: dt.datetime) -> None:
    """Recorded before the person's results are deleted: a worker that computed one from their events before the
    erasure and stores it after finds the mark then (`drop_erased`), as the deletion could not find the result."""
    erased_people(document).update_one({"_id": person_id}, {"$setOnInsert": {"at": now}}, upsert=True)


def drop_erased(document: type[ResultDocument], stored: list[dict[str, Any]],
                *beside: Collection[dict[str, Any]]) -> int:
    """Called once results are stored: deletes those of people erased meanwhile, and the documents of the same ids
    in `beside`; returns how many results. Storing first then looking, where the erasure marks first then deletes,
    leaves no order in which both miss."""
    people = sorted({d["profile_id"] for d in stored})
    if not people:
        return 0
    erased = {d["_id"] for d in erased_people(document).find({"_id": {"$in": people}}, {"_id": 1})}
    ids = [d["_id"] for d in stored if d["profile_id"] in erased]
    if ids:
        for target in (collection(document), *beside):
            target.delete_many({"_id": {"$in": ids}})
    return len(ids)


class ResultOut(BaseModel):
    """`pending` until the result is stored, then `ready` with it."""

    status: Literal["pending", "ready"]
    profile_id: str
    profile_version: int | None = None
    computed_at: dt.datetime | None = None
    result: dict[str, Any] | None = None


def result_router(document: type[ResultDocument], name: str) -> APIRouter:
    """GET /api/v1/profiles/{id}/<name>[?version=N]: that version, or the latest computed."""
    router = APIRouter(prefix="/api/v1", tags=[name])

    @router.get(f"/profiles/{{profile_id}}/{name}", name=f"read_{name}",
                responses={404: {"description": "A version that has no result and never will"}})
    async def read_result(
        profile_id: ProfileIdPath, _: ProfileOwner, version: Annotated[int | None, Query(ge=1)] = None
    ) -> ResultOut:
        doc = await run_sync(latest, document, profile_id, version)
        if doc is None and version is not None and await run_sync(will_never_exist, document, profile_id, version):
            raise VersionNotFound(version)
        if doc is None:
            return ResultOut(status="pending", profile_id=profile_id, profile_version=version)
        return ResultOut(
            status="ready", profile_id=profile_id, profile_version=doc.profile_version,
            computed_at=as_utc(doc.computed_at), result=doc.result,
        )

    return router
