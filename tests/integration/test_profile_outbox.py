"""Every stored profile version produces exactly one `profile.submitted` event, even when Kafka is down at the
time: the repository writes the events with the version (outbox) and the relay sends them once Kafka answers."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import pymongo
import pytest
from kafka import KafkaProducer  # type: ignore[import-untyped]

from services.profile.adapters import repository
from services.profile.adapters.outbox_relay import OutboxRelay
from services.profile.config import ProfileSettings
from shared.events import Envelope
from shared.mongo import connect, disconnect
from shared.schemas.profile import ProfileIn, ProfileSubmitted
from shared.topics import PARTNER_EVENTS, PROFILE_SUBMITTED
from tests.support import read_topic

pytestmark = [pytest.mark.integration]

UNREACHABLE_KAFKA = "127.0.0.1:1"
# shared.kafka.make_producer leaves kafka-python's bootstrap wait at its 30 s default: shortened for the test.
SHORT_BOOTSTRAP_MS = 2_000


@pytest.fixture
def mongo_db(mongo_url: str) -> Iterator[str]:
    name = f"test_outbox_{uuid.uuid4().hex[:12]}"
    connect(mongo_url, name)
    try:
        yield name
    finally:
        disconnect()
        client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(mongo_url, serverSelectionTimeoutMS=5_000)
        with client:
            client.drop_database(name)


def settings(bootstrap: str, mongo_url: str, mongo_db: str) -> ProfileSettings:
    return ProfileSettings(kafka_bootstrap_servers=bootstrap, mongo_url=mongo_url, mongo_db=mongo_db)


@pytest.fixture
def relay(kafka_bootstrap: str, mongo_url: str, mongo_db: str) -> Iterator[OutboxRelay]:
    working = OutboxRelay(settings(kafka_bootstrap, mongo_url, mongo_db))
    yield working
    working.close()


def a_profile(**changes: Any) -> ProfileIn:
    body: dict[str, Any] = {
        "email": "outbox@example.org",
        "year_of_birth": 1985,
        "frustrations": ["INTERVIEW", "SEX_DISCRIMINATION"],
        "projects": [{
            "target_job": {"rome_code": "M1607"},
            "city": {"name": "Toulouse", "departement_id": "31"},
            "job_search_has_not_started": True,
        }],
        **changes,
    }
    return ProfileIn.model_validate(body)




def submitted_events(bootstrap: str, profile_id: str) -> list[Envelope[Any]]:
    events = [Envelope.from_json(r.value) for r in read_topic(bootstrap, PROFILE_SUBMITTED.name)
              if r.key == profile_id.encode()]
    assert all(e.subject == profile_id for e in events)
    return events


def partner_events(bootstrap: str, pseudonym: str) -> list[Envelope[Any]]:
    return [Envelope.from_json(r.value) for r in read_topic(bootstrap, PARTNER_EVENTS.name)
            if r.key == pseudonym.encode()]


def test_a_profile_stored_while_kafka_is_down_is_relayed_exactly_once(
    kafka_bootstrap: str, mongo_url: str, mongo_db: str, relay: OutboxRelay, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = dt.datetime.now(dt.UTC)
    doc = repository.create(uuid.uuid4().hex, a_profile(), now, relay.settings.key)
    profile_id = doc.profile_id
    stored_ids = {event.topic: Envelope.from_json(event.value).id for event in doc.outbox}
    assert set(stored_ids) == {PROFILE_SUBMITTED.name, PARTNER_EVENTS.name}

    # Kafka unreachable: the version is stored, its events stay pending, the relay says so.
    down = OutboxRelay(settings(UNREACHABLE_KAFKA, mongo_url, mongo_db))
    with monkeypatch.context() as patch:
        patch.setitem(KafkaProducer.DEFAULT_CONFIG, "bootstrap_timeout_ms", SHORT_BOOTSTRAP_MS)
        try:
            with pytest.raises(Exception):  # noqa: B017, PT011 - whichever kafka-python error: it must not pass
                down.relay_once()
            with pytest.raises(Exception):  # noqa: B017, PT011 - and again on the next attempt
                down.relay_once()
        finally:
            down.close()
    assert repository.count_pending() == 1
    stored = repository.get_version(profile_id, 1)
    assert stored is not None
    assert repository.is_pending(stored.id)
    assert stored.profile["email"] == "outbox@example.org"
    assert submitted_events(kafka_bootstrap, profile_id) == []

    # Kafka back: exactly one internal and one partner event, the ones written with the version.
    assert relay.relay_once() == 1
    assert repository.count_pending() == 0
    relayed = repository.get_version(profile_id, 1)
    assert relayed is not None
    assert not repository.is_pending(relayed.id)

    events = submitted_events(kafka_bootstrap, profile_id)
    assert len(events) == 1
    event = events[0]
    assert event.type == "profile.submitted"
    assert event.id == stored_ids[PROFILE_SUBMITTED.name]
    data = event.payload(ProfileSubmitted)
    assert (data.profile_id, data.version) == (profile_id, 1)
    assert data.profile == a_profile()

    partner_key = next(e.key for e in doc.outbox if e.topic == PARTNER_EVENTS.name)
    partners = partner_events(kafka_bootstrap, partner_key)
    assert len(partners) == 1
    assert partners[0].id == stored_ids[PARTNER_EVENTS.name]
    raw_partner = partners[0].to_json().decode()
    assert profile_id not in raw_partner
    assert "outbox@example.org" not in raw_partner
    assert "SEX_DISCRIMINATION" not in raw_partner

    # Nothing pending: a second pass sends nothing more.
    assert relay.relay_once() == 0
    assert len(submitted_events(kafka_bootstrap, profile_id)) == 1
    assert len(partner_events(kafka_bootstrap, partner_key)) == 1

    # A new version (PUT) is stored with its own events and relayed once.
    later = dt.datetime.now(dt.UTC)
    second = repository.add_version(profile_id, a_profile(year_of_birth=1986), later, relay.settings.key)
    assert second.version == 2
    assert repository.count_pending() == 1
    assert relay.relay_once() == 1
    assert relay.relay_once() == 0

    events = submitted_events(kafka_bootstrap, profile_id)
    assert sorted(e.payload(ProfileSubmitted).version for e in events) == [1, 2]
    assert len({e.id for e in events}) == 2
    v2 = next(e for e in events if e.payload(ProfileSubmitted).version == 2)
    assert v2.payload(ProfileSubmitted).profile.year_of_birth == 1986
    assert len(partner_events(kafka_bootstrap, partner_key)) == 2  # same pseudonym for both versions

    first = repository.get_version(profile_id, 1)
    assert first is not None
    assert first.profile["year_of_birth"] == 1985
    latest = repository.latest_version(profile_id)
    assert latest is not None
    assert latest.version == 2


def test_no_event_for_a_profile_that_was_not_stored(mongo_db: str, relay: OutboxRelay) -> None:
    with pytest.raises(repository.ProfileNotFound):
        repository.add_version(uuid.uuid4().hex, a_profile(), dt.datetime.now(dt.UTC), relay.settings.key)
    assert repository.count_pending() == 0
    assert relay.relay_once() == 0


def test_a_version_number_is_stored_once(mongo_db: str, relay: OutboxRelay) -> None:
    """Two writers racing for one version: the unique index refuses the second, and add_version retries."""
    now = dt.datetime.now(dt.UTC)
    doc = repository.create(uuid.uuid4().hex, a_profile(), now, relay.settings.key)
    from mongoengine.errors import NotUniqueError  # type: ignore[import-untyped]

    with pytest.raises(NotUniqueError):
        repository._store(doc.profile_id, 1, a_profile(), now, relay.settings.key)
    assert repository.add_version(doc.profile_id, a_profile(), now, relay.settings.key).version == 2
    assert repository.count_pending() == 2
