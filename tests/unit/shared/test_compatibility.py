"""The compatibility gate: an event's schema changes compatibly under its version, or the version is bumped (with an
upcaster, the old version's schema staying published). Also the platform's one real bump: `deadletter` v1 -> v2."""

from __future__ import annotations

import base64
import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path
from typing import Annotated, Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field

from shared.messaging import catalogue
from shared.messaging.compatibility import breaking_changes
from shared.messaging.contracts import EventContract, UnreadableEvent
from shared.schemas.deadletter import DeadLetter
from shared.topics import ALL_TOPICS, REGISTRY

ROOT = Path(__file__).resolve().parents[3]


def _contracts() -> list[EventContract]:
    return [c for topic in ALL_TOPICS for c in topic.events]


def _published(event_type: str, version: int) -> dict[str, Any]:
    path = catalogue.PUBLISHED / catalogue.SCHEMAS / catalogue.schema_file(event_type, version)
    return dict(json.loads(path.read_text(encoding="utf-8")))


# The comparison itself, on schemas pydantic generates.

class Place(BaseModel):
    city: str
    zip: str | None = None


class Base(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    count: int
    score: Annotated[float, Field(ge=0, le=10)]
    state: Literal["NEW", "DONE"]
    tags: list[str] = []
    place: Place
    note: str | None = None


class AddsAnOptionalField(Base):
    comment: str | None = Field(None, description="New and optional")


class WidensTypesValuesAndBounds(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(description="Only a description was added")
    count: float
    score: Annotated[float, Field(ge=0, le=100)]
    state: Literal["NEW", "DONE", "LATE"]
    tags: list[str] = []
    place: Place
    note: str | int | None = None


class PlaceWithoutZip(BaseModel):
    city: str


class PlaceNeedsZip(BaseModel):
    city: str
    zip: str


class Broken(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: int
    count: int
    score: Annotated[float, Field(gt=0, le=10)]
    state: Literal["NEW"]
    tags: Annotated[list[str], Field(max_length=3)] = []
    place: PlaceNeedsZip
    note: str
    extra: str


def _schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema()


@pytest.mark.parametrize("model", [Base, AddsAnOptionalField, WidensTypesValuesAndBounds])
def test_compatible_changes_pass(model: type[BaseModel]) -> None:
    assert breaking_changes(_schema(Base), _schema(model)) == []


def test_incompatible_changes_are_each_named() -> None:
    assert breaking_changes(_schema(Base), _schema(Broken)) == [
        "data.id: type changed from string to integer",
        "data.score: lower bound raised to > 0",
        "data.state: value(s) 'DONE' removed",
        "data.tags: maxItems lowered to 3",
        "data.place.zip: null is no longer accepted",
        "data.place.zip: made required",
        "data.note: null is no longer accepted",
        "data.note: made required",
        "data.extra: new required field",
    ]


def test_a_removed_field_a_narrowed_number_and_a_closed_object_break() -> None:
    class Narrow(BaseModel):
        model_config = ConfigDict(extra="forbid")
        count: int

    class Wide(BaseModel):
        count: float
        gone: str = ""

    assert breaking_changes(_schema(Wide), _schema(Narrow)) == [
        "data.count: type changed from number to integer",
        "data.gone: field removed",
        "data: other fields are no longer accepted",
    ]
    assert breaking_changes(_schema(Narrow), _schema(Wide)) == []


def test_nested_models_are_compared_through_their_definitions() -> None:
    class Holder(BaseModel):
        places: list[Place]

    class Shrunk(BaseModel):
        places: list[PlaceWithoutZip]

    assert breaking_changes(_schema(Holder), _schema(Shrunk)) == ["data.places[].zip: field removed"]


def test_recursive_models_terminate() -> None:
    class Tree(BaseModel):
        name: str
        children: list[Tree] = []

    assert breaking_changes(_schema(Tree), _schema(Tree)) == []


# The gate on the registry.

@pytest.mark.parametrize("contract", _contracts(), ids=lambda c: f"{c.type}.v{c.version}")
def test_each_event_changed_compatibly_under_its_version(contract: EventContract) -> None:
    name = catalogue.schema_file(contract.type, contract.version)
    if not (catalogue.PUBLISHED / catalogue.SCHEMAS / name).exists():
        pytest.fail(f"{name} is not published yet: regenerate with {catalogue.REGENERATE}")
    changes = breaking_changes(_published(contract.type, contract.version), catalogue.contract_schema(contract))
    assert not changes, (
        f"{contract.type} changed incompatibly under v{contract.version}:\n  " + "\n  ".join(changes)
        + f"\nKeep the change compatible, or register v{contract.version + 1} with an upcaster from "
        f"v{contract.version} in shared/topics.py (the v{contract.version} schema stays published), then "
        f"regenerate with {catalogue.REGENERATE}"
    )


def test_every_bumped_event_keeps_its_older_schemas_and_has_its_upcasters() -> None:
    bumped = [c for c in _contracts() if c.version > 1]
    assert bumped, "deadletter is v2"
    for contract in bumped:
        for version in range(1, contract.version):
            assert version in contract.upcasters
            assert _published(contract.type, version)["$id"].endswith(f"/{contract.type}.v{version}.json")


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def test_published_schemas_only_ever_changed_compatibly_in_the_history() -> None:
    """Regenerating after an incompatible change would rewrite the snapshot: the history keeps the gate honest."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    folder = (catalogue.PUBLISHED / catalogue.SCHEMAS).relative_to(ROOT)
    for path in sorted((ROOT / folder).glob("*.json")):
        relative = path.relative_to(ROOT).as_posix()
        commits = _git("log", "--format=%H", "--", relative).split()
        versions = [json.loads(_git("show", f"{commit}:{relative}")) for commit in reversed(commits)]
        versions.append(json.loads(path.read_text(encoding="utf-8")))
        for before, after in zip(versions, versions[1:], strict=False):
            assert breaking_changes(before, after) == [], f"{relative} changed incompatibly in the history"


# The real bump: deadletter v2 keeps the exact bytes, v1 only their text.

# A dead letter as the v1 code (shared/consumer.py) wrote it: a record that was not valid UTF-8.
V1_RECORD = (
    b'{"specversion":"1.0","id":"0b8a2a4e-5f5c-4d43-9a0e-3f1d2c9b7e61","source":"/services/diagnosis",'
    b'"type":"deadletter","time":"2026-03-02T08:15:00.123456Z","subject":"profile.submitted",'
    b'"dataschema":"urn:bob:schema:deadletter:v1","schemaversion":1,"datacontenttype":"application/json",'
    b'"data":{"source_topic":"profile.submitted","consumer":"diagnosis",'
    b'"error":"1 validation error for Envelope","raw_value":"{\\"broken\\": \\"caf\xef\xbf\xbd\\"",'
    b'"failed_at":"2026-03-02T08:15:00.120000Z"}}'
)


def test_a_v1_dead_letter_decodes_into_the_v2_model_with_its_exact_data() -> None:
    event = REGISTRY.decode(V1_RECORD)
    text = '{"broken": "caf\ufffd"'
    assert event.data == DeadLetter(
        source_topic="profile.submitted", consumer="diagnosis", error="1 validation error for Envelope",
        raw_base64=base64.b64encode(text.encode()).decode(), raw_text=text,
        failed_at=dt.datetime(2026, 3, 2, 8, 15, 0, 120000, tzinfo=dt.UTC),
    )
    assert event.data.raw == text.encode()
    assert (event.schemaversion, event.id, event.subject) == (2, "0b8a2a4e-5f5c-4d43-9a0e-3f1d2c9b7e61",
                                                              "profile.submitted")
    assert REGISTRY.decode(V1_RECORD, REGISTRY.contract("deadletter")) == event


def test_the_v1_dead_letter_schema_describes_the_v1_records_and_v2_needed_the_bump() -> None:
    v1, v2 = _published("deadletter", 1), _published("deadletter", 2)
    data = json.loads(V1_RECORD)["data"]
    assert set(data) == set(v1["properties"]) == set(v1["required"])
    assert breaking_changes(v1, v2) == [
        "data.raw_value: field removed", "data.raw_base64: new required field", "data.raw_text: new required field",
        "data: other fields are no longer accepted",
    ]


def test_a_dead_letter_newer_than_the_code_knows_is_refused() -> None:
    record = json.loads(V1_RECORD)
    record.update(schemaversion=3, dataschema="https://bob.example/api/v1/events/schemas/deadletter.v3.json")
    with pytest.raises(UnreadableEvent, match="deadletter v3 is newer than this code knows"):
        REGISTRY.decode(json.dumps(record).encode())
