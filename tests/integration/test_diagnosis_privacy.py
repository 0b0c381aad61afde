"""Export and erasure of a person's stored diagnoses, against the real database (FerretDB or MongoDB)."""

from __future__ import annotations

import datetime as dt
import uuid
import zlib
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from bson import Binary

from services.diagnosis.adapters import privacy
from services.diagnosis.adapters.registry import service_registry
from services.diagnosis.adapters.results import Diagnosis
from services.diagnosis.model.employability import EmployabilityModel
from services.diagnosis.service import DiagnosisStage, LiveModel
from shared.messaging.envelope import Envelope
from shared.messaging.factory import EventFactory
from shared.referential.repository import ReferentialCache
from shared.results import collection
from shared.schemas.profile import ProfileSubmitted
from tests.support import scratch_db
from tests.unit.diagnosis.builders import profile
from tests.unit.keys import MemoryKeys

pytestmark = [pytest.mark.integration]

COMPUTED = dt.datetime(2026, 5, 1, 8, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC)
PROFILES = EventFactory("profile", "http://bob.test")


@pytest.fixture
def diagnosis_db(mongo_url: str) -> Iterator[None]:
    with scratch_db(mongo_url, "test_diagnosis_privacy"):
        yield


def result(version: int) -> dict[str, Any]:
    return {"diagnosis": {"main_challenge": "stuck-market", "version": version}, "market": {"departement_id": "31"}}


def store(person_id: str, *versions: int) -> None:
    """As the diagnosis stage stores them: one document per version, the result compressed."""
    collection(Diagnosis).insert_many([
        {"_id": f"{person_id}:{v}", "profile_id": person_id, "profile_version": v, "source_event_id": f"event-{v}",
         "computed_at": COMPUTED + dt.timedelta(days=v),
         "result_blob": Binary(zlib.compress(orjson.dumps(result(v))))}
        for v in versions
    ])


def test_export_has_every_version_decoded_to_json(diagnosis_db: None) -> None:
    person, other = uuid.uuid4().hex, uuid.uuid4().hex
    store(person, 1, 2, 3)
    store(other, 1)

    exported = privacy.export_person(person)

    assert [d["profile_version"] for d in exported["diagnoses"]] == [1, 2, 3]
    first = exported["diagnoses"][0]
    assert first == {
        "profile_version": 1, "computed_at": (COMPUTED + dt.timedelta(days=1)).isoformat(),
        "source_event_id": "event-1", "result": result(1),
    }
    orjson.dumps(exported)  # JSON values only


def test_erasure_deletes_every_version_and_only_that_persons(diagnosis_db: None) -> None:
    person, other = uuid.uuid4().hex, uuid.uuid4().hex
    store(person, 1, 2)
    store(other, 1, 2)

    assert privacy.erase_person(person, NOW) == {"diagnoses": 2, "model_inputs": 0, "model_outcomes": 0}

    assert privacy.export_person(person) == {"diagnoses": [], "model_inputs": [], "model_outcomes": []}
    assert collection(Diagnosis).find_one({"_id": f"{person}:1"}) is None
    assert [d["profile_version"] for d in privacy.export_person(other)["diagnoses"]] == [1, 2]
    # A replayed request erases nothing more.
    assert privacy.erase_person(person, NOW) == {"diagnoses": 0, "model_inputs": 0, "model_outcomes": 0}


def test_a_version_missing_in_between_does_not_hide_the_later_ones(diagnosis_db: None) -> None:
    """A version that was dead-lettered leaves a gap; later versions are still found and erased."""
    person = uuid.uuid4().hex
    store(person, 1, 3, 4)

    assert [d["profile_version"] for d in privacy.export_person(person)["diagnoses"]] == [1, 3, 4]
    assert privacy.erase_person(person, NOW) == {"diagnoses": 3, "model_inputs": 0, "model_outcomes": 0}
    assert collection(Diagnosis).count_documents({"profile_id": person}) == 0


def test_an_unknown_person_has_nothing(diagnosis_db: None) -> None:
    assert privacy.export_person(uuid.uuid4().hex) == {"diagnoses": [], "model_inputs": [], "model_outcomes": []}
    assert privacy.erase_person(uuid.uuid4().hex, NOW) == {"diagnoses": 0, "model_inputs": 0, "model_outcomes": 0}


def test_the_learning_data_is_exported_and_erased_with_the_person(diagnosis_db: None) -> None:
    """What the model learns from (the estimate's features and sensitive groups, the survey's outcome) is the
    person's data too."""
    person, other = uuid.uuid4().hex, uuid.uuid4().hex
    registry = service_registry()
    for who in (person, other):
        store(who, 1)
        registry.save_inputs([{"_id": f"{who}:1", "profile_id": who, "profile_version": 1, "computed_at": COMPUTED,
                               "features": [0.0] * 18, "groups": {"sex": "FEMININE", "handicap": "yes"},
                               "model_version": "employability-v1", "probability": 0.4}])
        registry.save_outcome({"_id": who, "signed_up_at": COMPUTED, "answered_at": NOW, "back_at_work": True,
                               "step": "form"})

    exported = privacy.export_person(person)
    assert [d["groups"] for d in exported["model_inputs"]] == [{"sex": "FEMININE", "handicap": "yes"}]
    assert [d["back_at_work"] for d in exported["model_outcomes"]] == [True]
    orjson.dumps(exported)

    assert privacy.erase_person(person, NOW) == {"diagnoses": 1, "model_inputs": 1, "model_outcomes": 1}
    assert privacy.export_person(person) == {"diagnoses": [], "model_inputs": [], "model_outcomes": []}
    assert len(privacy.export_person(other)["model_inputs"]) == 1


async def test_a_diagnosis_stored_after_the_erasure_is_dropped(diagnosis_db: None) -> None:
    """The stage computed it from the person's profile before their erasure, which found nothing to delete; the
    estimate's features (model_inputs) go with it."""
    person, other = uuid.uuid4().hex, uuid.uuid4().hex
    keys = MemoryKeys()
    stage = DiagnosisStage(ReferentialCache.from_seed(), LiveModel(EmployabilityModel.load()),
                           EventFactory("diagnosis", "http://bob.test"), keys)
    computed = await stage.handle([submitted(keys, person), submitted(keys, other)])

    privacy.erase_person(person, NOW)
    await computed.store()

    assert privacy.export_person(person) == {"diagnoses": [], "model_inputs": [], "model_outcomes": []}
    kept = privacy.export_person(other)
    assert (len(kept["diagnoses"]), len(kept["model_inputs"])) == (1, 1)


def submitted(keys: MemoryKeys, person_id: str) -> Envelope[Any]:
    data = ProfileSubmitted(profile_id=person_id, version=1, submitted_at=COMPUTED, profile=profile())
    return PROFILES.event("profile.submitted", person_id, data.sealed(keys.key(person_id)),
                          entity=f"{person_id}:1").event
