"""The diagnosis, advice and followup workers answer privacy requests through Kafka: an export request gets each
one's part with the person's data, an erasure request gets each one's report and their stored data is gone.

Only topics and the database are used (the HTTP routes are not part of this contract)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import pymongo
import pytest
from kafka import KafkaProducer  # type: ignore[import-untyped]

from deploy.local.platform import Platform
from shared.messaging.access import KafkaAccess
from shared.messaging.envelope import Envelope
from shared.messaging.factory import EventFactory
from shared.messaging.kafka import make_producer, send
from shared.schemas.privacy import ErasureCompleted, PrivacyRequested
from shared.schemas.profile import ProfileIn, ProfileSubmitted, SealedProfileSubmitted
from shared.topics import PRIVACY_ANSWERS, PRIVACY_REQUESTS, PROFILE_SUBMITTED, REGISTRY
from tests import support
from tests.support import read_topic, wait_for

pytestmark = [pytest.mark.integration]

TIMEOUT = 90.0  # the workers' first join of the privacy consumer groups included
SERVICES = ("diagnosis", "advice", "followup")
Db = pymongo.database.Database[dict[str, Any]]
EVENTS = EventFactory("tests", "http://127.0.0.1:8000")


@pytest.fixture(scope="module")
def producer(platform: Platform, kafka_bootstrap: KafkaAccess) -> Iterator[KafkaProducer]:
    made = make_producer(kafka_bootstrap)
    yield made
    made.close(timeout=5)


@pytest.fixture(scope="module")
def client(platform: Platform) -> Iterator[pymongo.MongoClient[dict[str, Any]]]:
    made: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(
        platform.config.mongo_url, serverSelectionTimeoutMS=5_000
    )
    yield made
    made.close()


def publish(producer: KafkaProducer, topic: str, event: Envelope[Any]) -> None:
    send(producer, topic, event).get(timeout=15)  # type: ignore[attr-defined]


def submitted(person_id: str, email: str) -> Envelope[SealedProfileSubmitted]:
    profile = ProfileIn.model_validate({
        "email": email, "year_of_birth": 1988, "highest_degree": "CAP_BEP", "frustrations": ["RESUME"],
        "projects": [{"target_job": {"rome_code": "M1607"}, "city": {"name": "Toulouse", "departement_id": "31"},
                      "job_search_started_at": "2026-05-01", "total_interview_count": 1,
                      "weekly_applications": "DECENT_AMOUNT", "network_estimate": 1}],
    })
    data = ProfileSubmitted(profile_id=person_id, version=1, submitted_at=dt.datetime.now(dt.UTC), profile=profile)
    sealed = data.sealed(support.ensure_person_key(person_id))
    return EVENTS.event("profile.submitted", person_id, sealed, entity=f"{person_id}:1").event


def requested(person_id: str, kind: str) -> Envelope[PrivacyRequested]:
    data = PrivacyRequested.model_validate({"request_id": uuid.uuid4().hex, "person_id": person_id, "kind": kind})
    return EVENTS.event(f"privacy.{kind}.requested", person_id, data, entity=data.request_id).event


def answers_to(
    bootstrap: KafkaAccess, request: Envelope[PrivacyRequested], event_type: str
) -> dict[str, Envelope[Any]]:
    """The answers to this request, by service, once every tested service has answered."""
    found = {}
    for record in read_topic(bootstrap, PRIVACY_ANSWERS.name):
        if record.key != request.key:
            continue
        event = REGISTRY.decode(record.value)
        if event.type == event_type and event.data.request_id == request.data.request_id:
            found[event.data.service] = event
    return found if set(SERVICES) <= set(found) else {}


def test_workers_export_then_erase_a_persons_data(
    platform: Platform, kafka_bootstrap: KafkaAccess, producer: KafkaProducer,
    client: pymongo.MongoClient[dict[str, Any]],
) -> None:
    person = uuid.uuid4().hex
    email = f"privacy-{person[:10]}@example.org"
    diagnosis: Db = client["bob_diagnosis"]
    advice: Db = client["bob_advice"]
    followup: Db = client["bob_followup"]

    publish(producer, PROFILE_SUBMITTED.name, submitted(person, email))
    wait_for("the diagnosis", lambda: diagnosis["diagnoses"].find_one({"_id": f"{person}:1"}), TIMEOUT)
    wait_for("the advice", lambda: advice["advice"].find_one({"_id": f"{person}:1"}), TIMEOUT)
    wait_for("the trial gate", lambda: advice["experiment_assignments"].find_one({"_id": person}), TIMEOUT)
    wait_for("the followup record", lambda: followup["people"].find_one({"_id": person}), TIMEOUT)

    # Export: every service sends its part with the person's data.
    export = requested(person, "export")
    publish(producer, PRIVACY_REQUESTS.name, export)
    key = support.person_key(person)
    assert key is not None
    parts: dict[str, dict[str, Any]] = {
        service: event.data.records(key)
        for service, event in wait_for(
            "the export parts", lambda: answers_to(kafka_bootstrap, export, "privacy.export.part"), TIMEOUT
        ).items()
    }
    assert set(parts) >= set(SERVICES)
    [diagnosed] = parts["diagnosis"]["diagnoses"]
    assert diagnosed["profile_version"] == 1
    assert diagnosed["result"]["diagnosis"]["main_challenge"]
    [advised] = parts["advice"]["advice"]
    assert advised["profile_version"] == 1
    assert advised["result"]["advice"]
    assert parts["advice"]["experiment_assignment"]["group"] in {"TREATED", "CONTROL"}
    assert parts["followup"]["person"]["email"] == email
    assert parts["followup"]["person"]["features"]["year_of_birth"] == 1988

    # Erasure: every service reports what it erased, and the stored data is gone.
    erasure = requested(person, "erasure")
    publish(producer, PRIVACY_REQUESTS.name, erasure)
    reports: dict[str, ErasureCompleted] = {
        service: event.data
        for service, event in wait_for(
            "the erasure reports", lambda: answers_to(kafka_bootstrap, erasure, "privacy.erasure.completed"), TIMEOUT
        ).items()
    }
    # The diagnosis and the model inputs kept with it (the learning loop), no survey outcome yet.
    assert reports["diagnosis"].counts == {"diagnoses": 1, "model_inputs": 1, "model_outcomes": 0}
    assert reports["advice"].counts == {
        "advice": 1, "experiment_assignments": 1, "feedback": 0, "action_plans": 0, "action_plan_revisions": 0}
    assert reports["followup"].counts["people"] == 1
    assert all(reports[service].person_id == person for service in SERVICES)

    assert diagnosis["diagnoses"].find_one({"_id": f"{person}:1"}) is None
    assert advice["advice"].find_one({"_id": f"{person}:1"}) is None
    gate = advice["experiment_assignments"].find_one({"_id": person})
    assert gate is not None
    assert set(gate) == {"_id", "erased_at"}  # the erasure marker alone
    record = followup["people"].find_one({"_id": person})
    assert record is not None
    assert record["erased_at"] is not None
    assert (record["email"], record["features"]) == (None, None)
