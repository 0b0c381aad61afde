"""The event of a stored profile version carries the profile sealed with the person's data key (never the name; the
email sealed apart). Partners' views come from the partners service (tests/unit/partners)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from services.profile.domain.events import events_for_version
from shared.crypto.cipher import SealError, new_key
from shared.messaging.envelope import Envelope
from shared.messaging.factory import EventFactory, event_id
from shared.schemas.profile import SENSITIVE_FRUSTRATIONS, Frustration, ProfileIn
from shared.topics import PROFILE_SUBMITTED, REGISTRY

NOW = dt.datetime(2024, 5, 17, 9, 30, tzinfo=dt.UTC)
PROFILE_ID = "3f2a9c1e5b7d4e6f8a0b1c2d3e4f5a6b"
EMAIL = "camille.dupont@example.org"
NAME = "Camille Dupont"
CITY = "Castelnau-d'Estrétefonds"
BIRTH_YEAR = 1987
FACTORY = EventFactory("profile", "https://bob.example.org")
DATA_KEY = new_key()


def sensitive_profile() -> ProfileIn:
    return ProfileIn.model_validate({
        "email": EMAIL,
        "name": NAME,
        "year_of_birth": BIRTH_YEAR,
        "gender": "FEMININE",
        "highest_degree": "BAC_BACPRO",
        "frustrations": ["INTERVIEW", *sorted(SENSITIVE_FRUSTRATIONS), "NO_OFFERS"],
        "projects": [{
            "target_job": {"rome_code": "M1607", "job_title_code_ogr": "38972"},
            "city": {"name": CITY, "departement_id": "31", "latitude": 43.757, "longitude": 1.359},
            "mobility_area": "DEPARTEMENT",
            "job_search_started_at": "2024-02-01",
            "total_interview_count": 2,
            "min_salary": 23456,
        }],
    })


def events() -> dict[str, Envelope[Any]]:
    pairs = events_for_version(FACTORY, PROFILE_ID, 3, sensitive_profile(), NOW, DATA_KEY)
    assert [topic for topic, _ in pairs] == [PROFILE_SUBMITTED.name]
    return dict(pairs)


def wire(event: Envelope[Any]) -> dict[str, Any]:
    """The event as it goes on the topic."""
    on_the_wire: dict[str, Any] = json.loads(event.to_json())
    return on_the_wire


def test_the_sensitive_frustrations_are_the_discrimination_ones() -> None:
    assert {f for f in Frustration if "DISCRIMINATION" in f.value} == SENSITIVE_FRUSTRATIONS


def test_the_internal_event_carries_the_profile_sealed_and_never_the_name() -> None:
    event = events()[PROFILE_SUBMITTED.name]
    assert event.type == PROFILE_SUBMITTED.event_types[0] == "profile.submitted"
    assert event.source == "/services/profile"
    data = event.data
    assert (data.profile_id, data.version, data.submitted_at) == (PROFILE_ID, 3, NOW)
    on_the_wire = json.dumps(wire(event))
    for readable in (EMAIL, NAME, CITY, str(BIRTH_YEAR), "DISCRIMINATION", "FEMININE", "M1607"):
        assert readable not in on_the_wire
    assert set(wire(event)["data"]) == {"profile_id", "version", "submitted_at", "sealed", "contact"}

    opened = data.opened(DATA_KEY)
    assert opened.profile == sensitive_profile().model_copy(update={"email": None, "name": None})
    assert set(SENSITIVE_FRUSTRATIONS) <= set(opened.profile.frustrations)
    with_contact = data.opened(DATA_KEY, with_contact=True).profile
    assert (with_contact.email, with_contact.name) == (EMAIL, None)
    with pytest.raises(SealError):
        data.opened(new_key())


def test_a_sealed_profile_does_not_open_under_another_person_id() -> None:
    data = events()[PROFILE_SUBMITTED.name].data
    moved = data.model_copy(update={"profile_id": "another-person"})
    with pytest.raises(SealError):
        moved.opened(DATA_KEY)


def test_the_envelope_subject_is_the_profile_id() -> None:
    event = events()[PROFILE_SUBMITTED.name]
    assert event.subject == PROFILE_ID
    assert event.key == PROFILE_ID.encode()
    assert event.time == NOW


def test_the_events_round_trip_through_the_registry_with_ids_from_the_version() -> None:
    pairs = events_for_version(FACTORY, PROFILE_ID, 3, sensitive_profile(), NOW, DATA_KEY)
    for _, event in pairs:
        parsed = REGISTRY.decode(event.to_json())
        assert parsed == event
        assert parsed.id == event_id("/services/profile", event.type, f"{PROFILE_ID}:3")
        assert parsed.dataschema.startswith("https://bob.example.org/")
    # The same version again (a retried write) yields the same events; another version, other ids.
    again = events_for_version(FACTORY, PROFILE_ID, 3, sensitive_profile(), NOW, DATA_KEY)
    assert [e.id for _, e in again] == [e.id for _, e in pairs]
    later = events_for_version(FACTORY, PROFILE_ID, 4, sensitive_profile(), NOW, DATA_KEY)
    assert {e.id for _, e in later}.isdisjoint({e.id for _, e in pairs})
