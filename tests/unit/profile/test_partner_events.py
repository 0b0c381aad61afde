"""The events of a stored profile version: the internal one carries the profile sealed with the person's data key
(never the name; the email sealed apart), the partner one is pseudonymised and never carries email, name, city,
exact birth year or discrimination answers."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from services.profile.domain.events import events_for_version, partner_view, pseudonym
from shared.crypto.cipher import SealError, new_key
from shared.messaging.envelope import Envelope
from shared.messaging.factory import EventFactory, event_id
from shared.schemas.partner import PartnerProfileSubmitted
from shared.schemas.profile import SENSITIVE_FRUSTRATIONS, Frustration, ProfileIn, ProfileSubmitted
from shared.topics import PARTNER_EVENTS, PROFILE_SUBMITTED, REGISTRY

NOW = dt.datetime(2024, 5, 17, 9, 30, tzinfo=dt.UTC)
PROFILE_ID = "3f2a9c1e5b7d4e6f8a0b1c2d3e4f5a6b"
KEY = "partner-key-for-tests"
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
    pairs = events_for_version(FACTORY, PROFILE_ID, 3, sensitive_profile(), NOW, KEY, DATA_KEY)
    assert [topic for topic, _ in pairs] == [PROFILE_SUBMITTED.name, PARTNER_EVENTS.name]
    return dict(pairs)


def partner_event() -> Envelope[Any]:
    return events()[PARTNER_EVENTS.name]


def wire(event: Envelope[Any]) -> dict[str, Any]:
    """The event as it goes on the topic (what a partner receives)."""
    on_the_wire: dict[str, Any] = json.loads(event.to_json())
    return on_the_wire


def test_the_partner_event_carries_no_identity_or_city() -> None:
    raw = partner_event().to_json().decode()
    for secret in (EMAIL, "camille", "Dupont", CITY, "Castelnau", PROFILE_ID, "43.757", "1.359", "38972", "23456"):
        assert secret.lower() not in raw.lower(), secret
    data = wire(partner_event())["data"]
    assert not {"email", "name", "city", "latitude", "longitude", "profile_id", "profile"} & set(data)


def test_the_partner_event_carries_no_exact_birth_year() -> None:
    raw = partner_event().to_json().decode()
    assert str(BIRTH_YEAR) not in raw
    data = wire(partner_event())["data"]
    assert "year_of_birth" not in data
    assert data["age_band"] == "35-44"  # 2024 - 1987 = 37


def test_the_partner_event_carries_no_discrimination_answers() -> None:
    raw = partner_event().to_json().decode()
    for frustration in SENSITIVE_FRUSTRATIONS:
        assert frustration.value not in raw
    assert "DISCRIMINATION" not in raw
    assert wire(partner_event())["data"]["frustrations"] == ["INTERVIEW", "NO_OFFERS"]


def test_the_sensitive_frustrations_are_the_discrimination_ones() -> None:
    assert {f for f in Frustration if "DISCRIMINATION" in f.value} == SENSITIVE_FRUSTRATIONS


def test_the_partner_event_has_only_the_documented_fields() -> None:
    event = partner_event()
    assert set(wire(event)["data"]) == set(PartnerProfileSubmitted.model_fields)
    data = event.data
    assert data == PartnerProfileSubmitted(
        pseudonym=pseudonym(PROFILE_ID, KEY), version=3, submitted_at=NOW, age_band="35-44",
        highest_degree="BAC_BACPRO", rome_code="M1607", departement_id="31", mobility_area="DEPARTEMENT",
        project_kind="FIND_A_NEW_JOB", search_started=True, frustrations=["INTERVIEW", "NO_OFFERS"],
    )
    assert event.type == PARTNER_EVENTS.event_types[0]
    assert event.subject == data.pseudonym  # the record key is the pseudonym, not the profile id
    assert event.key == data.pseudonym.encode()


def test_the_pseudonym_is_stable_per_key_and_differs_across_keys() -> None:
    first = pseudonym(PROFILE_ID, KEY)
    assert first == pseudonym(PROFILE_ID, KEY)
    assert first != pseudonym(PROFILE_ID, "another-partner-key")
    assert first != pseudonym("0" * 32, KEY)
    assert PROFILE_ID not in first
    assert len(first) == 32
    # Stable across versions and submissions of one profile.
    later = events_for_version(FACTORY, PROFILE_ID, 4, sensitive_profile(), NOW + dt.timedelta(days=9), KEY, DATA_KEY)
    assert dict(later)[PARTNER_EVENTS.name].subject == first
    other_key = events_for_version(FACTORY, PROFILE_ID, 3, sensitive_profile(), NOW, "another-partner-key", DATA_KEY)
    assert dict(other_key)[PARTNER_EVENTS.name].subject != first


@pytest.mark.parametrize(
    ("age", "band"), [(14, "<25"), (24, "<25"), (25, "25-34"), (34, "25-34"), (35, "35-44"), (44, "35-44"),
                      (45, "45-54"), (54, "45-54"), (55, "55+"), (80, "55+")],
)
def test_age_bands(age: int, band: str) -> None:
    profile = sensitive_profile().model_copy(update={"year_of_birth": NOW.year - age})
    submitted = ProfileSubmitted(profile_id=PROFILE_ID, version=1, submitted_at=NOW, profile=profile)
    assert partner_view(submitted, KEY).age_band == band


def test_search_not_started_is_told_to_partners_without_dates() -> None:
    profile = sensitive_profile()
    project = profile.main_project.model_copy(update={"job_search_started_at": None,
                                                      "job_search_has_not_started": True})
    profile = profile.model_copy(update={"projects": [project]})
    pairs = dict(events_for_version(FACTORY, PROFILE_ID, 1, profile, NOW, KEY, DATA_KEY))
    assert wire(pairs[PARTNER_EVENTS.name])["data"]["search_started"] is False
    assert "2024-02-01" not in pairs[PARTNER_EVENTS.name].to_json().decode()


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
    pairs = events_for_version(FACTORY, PROFILE_ID, 3, sensitive_profile(), NOW, KEY, DATA_KEY)
    for _, event in pairs:
        parsed = REGISTRY.decode(event.to_json())
        assert parsed == event
        assert parsed.id == event_id("/services/profile", event.type, f"{PROFILE_ID}:3")
        assert parsed.dataschema.startswith("https://bob.example.org/")
    assert len({event.id for _, event in pairs}) == 2
    # The same version again (a retried write) yields the same events; another version, other ids.
    again = events_for_version(FACTORY, PROFILE_ID, 3, sensitive_profile(), NOW, KEY, DATA_KEY)
    assert [e.id for _, e in again] == [e.id for _, e in pairs]
    later = events_for_version(FACTORY, PROFILE_ID, 4, sensitive_profile(), NOW, KEY, DATA_KEY)
    assert {e.id for _, e in later}.isdisjoint({e.id for _, e in pairs})
