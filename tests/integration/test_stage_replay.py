"""The diagnosis stage is idempotent on redelivered events and dead-letters what it cannot read, raw value kept."""

from __future__ import annotations

import datetime as dt
import json
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
from shared.messaging.tracing import trace_id
from shared.results import decode_result
from shared.schemas.deadletter import DeadLetter
from shared.schemas.partner import FeedPersonErased
from shared.schemas.profile import ProfileIn, ProfileSubmitted
from shared.topics import DEAD_LETTER, DIAGNOSIS_COMPLETED, PROFILE_SUBMITTED, REGISTRY
from tests import support
from tests.support import read_topic, wait_for

pytestmark = [pytest.mark.integration]

TIMEOUT = 45.0
EVENTS = EventFactory("tests", "http://127.0.0.1:8000")


@pytest.fixture(scope="module")
def producer(platform: Platform) -> Iterator[KafkaProducer]:
    made = make_producer(platform.kafka())
    yield made
    made.close(timeout=5)


@pytest.fixture(scope="module")
def diagnoses(platform: Platform) -> Iterator[pymongo.collection.Collection[dict[str, Any]]]:
    client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(
        platform.config.mongo_url, serverSelectionTimeoutMS=5_000
    )
    yield client["bob_diagnosis"]["diagnoses"]
    client.close()


def result_of(document: dict[str, Any]) -> dict[str, Any]:
    """The stored result, whether kept as a nested document or as a compressed blob."""
    if "result_blob" in document:
        return decode_result(document["result_blob"])
    result: dict[str, Any] = document["result"]
    return result


def a_profile(year_of_birth: int = 1988) -> ProfileIn:
    return ProfileIn.model_validate({
        "year_of_birth": year_of_birth,
        "highest_degree": "BAC_BACPRO",
        "projects": [{
            "target_job": {"rome_code": "M1607"},
            "city": {"name": "Toulouse", "departement_id": "31"},
            "job_search_has_not_started": True,
        }],
    })


def submitted(profile_id: str, version: int, profile: ProfileIn) -> Envelope[Any]:
    data = ProfileSubmitted(profile_id=profile_id, version=version, submitted_at=dt.datetime.now(dt.UTC),
                            profile=profile).sealed(support.ensure_person_key(profile_id))
    return EVENTS.event("profile.submitted", profile_id, data, entity=f"{profile_id}:{version}").event


def for_partners(profile_id: str) -> Envelope[Any]:
    """A well-formed event of a type that belongs on another topic."""
    data = FeedPersonErased(pseudonym=profile_id, day=dt.datetime.now(dt.UTC).date())
    return EVENTS.event("partner.person-erased", profile_id, data, entity=profile_id).event


def publish(producer: KafkaProducer, topic: str, *events: Envelope[Any]) -> None:
    for future in [send(producer, topic, event) for event in events]:
        future.get(timeout=15)  # type: ignore[attr-defined]


def test_a_redelivered_profile_event_is_diagnosed_once(
    platform: Platform, producer: KafkaProducer, diagnoses: pymongo.collection.Collection[dict[str, Any]]
) -> None:
    profile_id = uuid.uuid4().hex
    event = submitted(profile_id, 1, a_profile())
    publish(producer, PROFILE_SUBMITTED.name, event, event)  # delivered twice: same event id

    first = wait_for("the diagnosis", lambda: diagnoses.find_one({"_id": f"{profile_id}:1"}), TIMEOUT)
    assert (first["profile_id"], first["profile_version"]) == (profile_id, 1)
    assert first["source_event_id"] == event.id
    assert result_of(first)["diagnosis"]["main_challenge"] == "start-your-search"

    # Redelivered again after the result was stored, then a version 2 on the same key (so the same partition,
    # consumed after the replay): once version 2 is diagnosed, the replay has been handled.
    publish(producer, PROFILE_SUBMITTED.name, event)
    publish(producer, PROFILE_SUBMITTED.name, submitted(profile_id, 2, a_profile(1989)))
    wait_for("version 2", lambda: diagnoses.find_one({"_id": f"{profile_id}:2"}), TIMEOUT)

    stored = list(diagnoses.find({"profile_id": profile_id, "profile_version": 1}))
    assert len(stored) == 1
    assert stored[0]["computed_at"] == first["computed_at"]
    assert stored[0]["source_event_id"] == event.id
    assert result_of(stored[0]) == result_of(first)

    completed = [
        REGISTRY.decode(r.value) for r in read_topic(platform.kafka(), DIAGNOSIS_COMPLETED.name)
        if r.key == profile_id.encode()
    ]
    for_v1 = [e for e in completed if e.data.profile_version == 1]
    assert for_v1, "no diagnosis.completed event for version 1"
    assert len({e.id for e in for_v1}) == 1, [e.id for e in for_v1]
    # The diagnosis continues the trace of the profile event that caused it.
    assert trace_id(event.traceparent) is not None
    assert {trace_id(e.traceparent) for e in for_v1} == {trace_id(event.traceparent)}
    for_v2 = [e for e in completed if e.data.profile_version == 2]
    assert len({e.id for e in for_v2}) == 1
    assert for_v1[0].id != for_v2[0].id


def dead_letters(bootstrap: KafkaAccess) -> list[DeadLetter]:
    return [REGISTRY.decode(r.value).data for r in read_topic(bootstrap, DEAD_LETTER.name)]


def test_unreadable_records_go_to_the_dead_letter_topic_with_their_raw_value(
    platform: Platform, producer: KafkaProducer, diagnoses: pymongo.collection.Collection[dict[str, Any]]
) -> None:
    marker = uuid.uuid4().hex
    garbage = f"not json at all {marker} {{".encode() + b"\xff\xfe"
    producer.send(PROFILE_SUBMITTED.name, key=marker.encode(), value=garbage).get(timeout=15)

    # A well-formed envelope of another type, sent to the wrong topic (a partner event here).
    profile_id = uuid.uuid4().hex
    wrong_type = for_partners(profile_id)
    publish(producer, PROFILE_SUBMITTED.name, wrong_type)

    # The right type with a payload that is not a submitted profile.
    bad_payload = json.loads(submitted(profile_id, 1, a_profile()).to_json())
    bad_payload["data"] = {"marker": marker}
    bad_payload_raw = json.dumps(bad_payload).encode()
    producer.send(PROFILE_SUBMITTED.name, key=profile_id.encode(), value=bad_payload_raw).get(timeout=15)

    wanted = {"garbage": garbage, "wrong type": wrong_type.to_json(), "bad payload": bad_payload_raw}

    def all_found() -> dict[str, DeadLetter] | None:
        # Other consumers of profile.submitted (follow-up) dead-letter the same records: keep the diagnosis ones.
        letters = {d.raw: d for d in dead_letters(platform.kafka()) if d.consumer == "diagnosis"}
        found = {name: letters[raw] for name, raw in wanted.items() if raw in letters}
        return found if len(found) == len(wanted) else None

    found = wait_for("the dead letters", all_found, TIMEOUT)
    for letter in found.values():
        assert letter.source_topic == PROFILE_SUBMITTED.name
        assert letter.error
    assert "partner.person-erased" in found["wrong type"].error or "validation error" in found["wrong type"].error
    assert found["garbage"].raw_text.startswith(f"not json at all {marker}")
    assert diagnoses.count_documents({"profile_id": profile_id}) == 0
