"""The model registry and the learning data, in the diagnosis service's own database (synchronous pymongo: call
through shared.mongo.run_sync). Every lookup is by `_id` (FerretDB scans for any other filter); the training job
reads its two collections whole, once per run.

models           one per version: status (candidate, released, refused, retired), the data window, metrics, gate
                 checks, the model card and the artifact's checksum; a status change is appended to `history`.
                 Never deleted: the registry is the audit trail of what was shown to people.
model_artifacts  the artifact of a version in chunks `<version>:<i>` (JSON parameters, no pickle: a database
                 write must not be a way to run code in the workers), each far below 16 MB.
model_release    `_id: "employability"`: the released version, and the versions released before it (rollback).
model_inputs     per diagnosed profile version (`<profile_id>:<version>`, like `diagnoses`): the feature row the
                 estimate was computed from, its sensitive groups (for the fairness checks only) and the estimate.
model_outcomes   per person (`_id`: profile id): the answer to the 3-month survey, back at work or not.
model_jobs       claims of the scheduled retraining (`retrain:<day>`): one run per period across workers."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from dataclasses import asdict
from typing import Any

import orjson
from bson import Binary
from pymongo import MongoClient
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from services.diagnosis.adapters.results import Diagnosis
from services.diagnosis.model.employability import EmployabilityModel
from services.diagnosis.model.gate import Check
from services.diagnosis.model.retrain import ModelInput, Outcome
from shared.mongo import as_utc, insert_ignoring_duplicates
from shared.results import GAP_TOLERATED, doc_id

Doc = dict[str, Any]
MODEL = "employability"
CHUNK_BYTES = 4 * 1024 * 1024


class Status:
    CANDIDATE = "candidate"
    RELEASED = "released"
    REFUSED = "refused"
    RETIRED = "retired"


class RegistryError(ValueError):
    """An operation the registry refuses (unknown version, a refused model released, nothing to roll back to)."""


class Registry:
    def __init__(self, db: Database[Doc]) -> None:
        self.db = db
        self.models = db["models"]
        self.artifacts = db["model_artifacts"]
        self.release_pointer = db["model_release"]
        self.inputs = db["model_inputs"]
        self.outcomes = db["model_outcomes"]
        self.jobs = db["model_jobs"]

    @classmethod
    def open(cls, url: str, db: str) -> Registry:
        client: MongoClient[Doc] = MongoClient(url, tz_aware=True, serverSelectionTimeoutMS=5_000)
        return cls(client[db])

    # Versions and artifacts
    def add(self, model: EmployabilityModel, status: str, now: dt.datetime, *, card: str, metrics: dict[str, float],
            checks: list[Check], window: dict[str, dt.datetime | None], by: str) -> Doc:
        """Store a version and its artifact (the artifact first: a version is never listed without it). Raises
        DuplicateKeyError when the version exists."""
        payload = orjson.dumps(model.params())
        chunks = [payload[i:i + CHUNK_BYTES] for i in range(0, len(payload), CHUNK_BYTES)] or [b""]
        insert_ignoring_duplicates(self.artifacts, [
            {"_id": f"{model.version}:{i}", "version": model.version, "data": Binary(chunk)}
            for i, chunk in enumerate(chunks)
        ])
        doc = {
            "_id": model.version, "model": MODEL, "status": status, "created_at": now, "window": window,
            "metrics": metrics, "checks": [asdict(c) for c in checks], "card": card,
            "artifact": {"chunks": len(chunks), "bytes": len(payload), "sha256": hashlib.sha256(payload).hexdigest()},
            "approved_shift": False, "history": [{"status": status, "at": now, "by": by}],
        }
        self.models.insert_one(doc)
        return doc

    def next_version(self) -> str:
        return f"{MODEL}-v{self.models.count_documents({}) + 1}"

    def get(self, version: str) -> Doc | None:
        found: Doc | None = self.models.find_one({"_id": version})
        return found

    def require(self, version: str) -> Doc:
        if (doc := self.get(version)) is None:
            raise RegistryError(f"no model version {version}")
        return doc

    def load(self, version: str) -> EmployabilityModel:
        """The version's model, its artifact checked against the recorded checksum."""
        meta = self.require(version)["artifact"]
        parts = [self.artifacts.find_one({"_id": f"{version}:{i}"}) for i in range(meta["chunks"])]
        if any(p is None for p in parts):
            raise RegistryError(f"{version}: artifact incomplete")
        payload = b"".join(bytes(p["data"]) for p in parts if p is not None)
        if hashlib.sha256(payload).hexdigest() != meta["sha256"]:
            raise RegistryError(f"{version}: artifact does not match its checksum")
        return EmployabilityModel.from_params(orjson.loads(payload))

    def versions(self) -> list[Doc]:
        """Every version without its card, oldest first."""
        docs = list(self.models.find({}, {"card": 0}))
        return sorted(docs, key=lambda d: as_utc(d["created_at"]))

    def export(self) -> Doc:
        """Every version with its card and parameters, and the release pointer, as JSON values."""
        models = [{**doc, "parameters": self.load(doc["_id"]).params()} for doc in self.models.find({})]
        return {"released": self.released_version(), "previous": self.released_history(),
                "models": orjson.loads(orjson.dumps(sorted(models, key=lambda d: as_utc(d["created_at"])),
                                                    default=str))}

    def set_status(self, version: str, status: str, now: dt.datetime, by: str, **fields: Any) -> None:
        self.models.update_one({"_id": version}, {"$set": {"status": status, **fields},
                                                  "$push": {"history": {"status": status, "at": now, "by": by}}})

    # The released version
    def released_version(self) -> str | None:
        pointer = self.release_pointer.find_one({"_id": MODEL})
        return None if pointer is None else str(pointer["version"])

    def released_history(self) -> list[str]:
        pointer = self.release_pointer.find_one({"_id": MODEL})
        return [] if pointer is None else list(pointer["previous"])

    def point_to(self, version: str, previous: list[str], now: dt.datetime) -> None:
        self.release_pointer.update_one({"_id": MODEL}, {"$set": {"version": version, "previous": previous,
                                                                  "released_at": now}}, upsert=True)

    def ensure_initial(self, model: EmployabilityModel, card: str, metrics: dict[str, float], now: dt.datetime) -> bool:
        """Register the packaged model as the released one when the registry is empty (first start); idempotent,
        also when two workers start at once. Returns whether it registered it."""
        if self.release_pointer.find_one({"_id": MODEL}) is not None:
            return False
        with contextlib.suppress(DuplicateKeyError):
            self.add(model, Status.RELEASED, now, card=card, metrics=metrics, checks=[], window={}, by="packaged")
        try:
            self.release_pointer.insert_one({"_id": MODEL, "version": model.version, "previous": [],
                                             "released_at": now})
        except DuplicateKeyError:
            return False
        return True

    # Learning data
    def save_inputs(self, docs: list[Doc]) -> int:
        return insert_ignoring_duplicates(self.inputs, docs)

    def save_outcome(self, doc: Doc) -> None:
        """A form's answer replaces a click's; a click never replaces a form's (replays included)."""
        with contextlib.suppress(DuplicateKeyError):  # a form is stored: keep it
            self.outcomes.update_one({"_id": doc["_id"], "step": {"$ne": "form"}}, {"$set": doc}, upsert=True)

    def all_inputs(self) -> list[ModelInput]:
        return [
            ModelInput(d["profile_id"], d["profile_version"], as_utc(d["computed_at"]), tuple(d["features"]),
                       d["groups"])
            for d in self.inputs.find({}, {"profile_id": 1, "profile_version": 1, "computed_at": 1, "features": 1,
                                           "groups": 1})
        ]

    def all_outcomes(self) -> list[Outcome]:
        return [
            Outcome(d["_id"], as_utc(d["signed_up_at"]), as_utc(d["answered_at"]), d["back_at_work"])
            for d in self.outcomes.find({})
        ]

    def claim(self, job_id: str, now: dt.datetime) -> bool:
        """True for the one caller that claims `job_id` first (a unique insert: FerretDB has no atomic update)."""
        try:
            self.jobs.insert_one({"_id": job_id, "claimed_at": now})
        except DuplicateKeyError:
            return False
        return True

    # A person's data (privacy requests)
    def person_docs(self, profile_id: str) -> dict[str, list[Doc]]:
        """The person's inputs, probed by `_id` as their diagnoses are, and their outcome."""
        inputs = [self.inputs.find_one({"_id": i}) for i in _probed_ids(self.inputs, profile_id)]
        outcome = self.outcomes.find_one({"_id": profile_id})
        return {"model_inputs": [d for d in inputs if d is not None], "model_outcomes": [outcome] if outcome else []}

    def erase_person(self, profile_id: str) -> dict[str, int]:
        return {
            "model_inputs": sum(self.inputs.delete_one({"_id": i}).deleted_count
                                for i in _probed_ids(self.inputs, profile_id)),
            "model_outcomes": self.outcomes.delete_one({"_id": profile_id}).deleted_count,
        }


def service_registry() -> Registry:
    """The registry in the service's database, through its mongoengine connection."""
    return Registry(Diagnosis._get_db())


def _probed_ids(collection: Collection[Doc], profile_id: str) -> list[str]:
    """The ids `<profile_id>:<version>` present, probing versions until GAP_TOLERATED miss in a row."""
    found, version, missing = [], 1, 0
    while missing < GAP_TOLERATED:
        candidate = doc_id(profile_id, version)
        if collection.find_one({"_id": candidate}, {"_id": 1}) is None:
            missing += 1
        else:
            found.append(candidate)
            missing = 0
        version += 1
    return found
