"""Property: on any valid event, advise never raises and returns a clean, sorted list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.advice.domain.advise import advise
from services.advice.domain.modules import EXCLUSIVE_GROUPS
from shared.schemas.diagnosis import ChallengeId, DiagnosisCompleted
from shared.schemas.profile import (
    AreaType,
    ContractType,
    Degree,
    FamilySituation,
    Frequency,
    Frustration,
    PassionLevel,
    ProjectKind,
    Seniority,
    TrainingFulfillment,
)

REAL_TODAY = dt.date.today()  # the schema validates dates against the real clock
ROME_CODES = st.from_regex(r"[A-N]\d{4}", fullmatch=True)
DEPARTEMENTS = st.sampled_from(["31", "32", "2A", "75", "974"])


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def enum_values(enum: type[Any]) -> st.SearchStrategy[str]:
    return st.sampled_from([member.value for member in enum])


SEARCH_STATES: st.SearchStrategy[dict[str, str | bool]] = st.one_of(
    st.just({"job_search_has_not_started": True}),
    st.just({}),
    st.dates(dt.date(1950, 1, 1), REAL_TODAY).map(lambda day: {"job_search_started_at": day.isoformat()}),
)


@st.composite
def projects(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "target_job": draw(maybe(ROME_CODES.map(lambda code: {"rome_code": code}))),
        "city": {"name": "Ville", "departement_id": draw(DEPARTEMENTS)},
        "mobility_area": draw(enum_values(AreaType)),
        "kind": draw(enum_values(ProjectKind)),
        "seniority": draw(maybe(enum_values(Seniority))),
        "training_fulfillment": draw(maybe(enum_values(TrainingFulfillment))),
        "weekly_applications": draw(maybe(enum_values(Frequency))),
        "total_interview_count": draw(maybe(st.integers(0, 1000))),
        "network_estimate": draw(maybe(st.integers(1, 3))),
        "passion_level": draw(maybe(enum_values(PassionLevel))),
        "has_resume": draw(maybe(st.booleans())),
        "has_clear_project": draw(maybe(st.booleans())),
        "employment_types": draw(st.lists(enum_values(ContractType), unique=True, max_size=5)),
        **draw(SEARCH_STATES),
    }


@st.composite
def markets(draw: st.DrawFn) -> dict[str, Any]:
    offers = st.floats(0, 50, allow_nan=False) | st.sampled_from([0.0, 3.0, 10 / 3, float("inf")])
    requirement = st.fixed_dictionaries(
        {"degree": enum_values(Degree) | st.just("OTHER"), "percent_offers": st.floats(0, 100)}
    )
    return {
        "rome_code": draw(ROME_CODES),
        "departement_id": draw(DEPARTEMENTS),
        "offers_per_10_candidates": draw(maybe(offers)),
        "diploma_requirements": draw(st.lists(requirement, max_size=4)),
        "first_hiring_channel": draw(maybe(st.sampled_from(["SPONTANEOUS", "NETWORK", "AGENCY", "OFFERS", "TV"]))),
        "typical_unemployment_days": draw(maybe(st.integers(0, 2000))),
        "related_rome_codes": draw(st.lists(ROME_CODES, max_size=5)),
        "better_departements": draw(st.lists(DEPARTEMENTS, max_size=4)),
    }


@st.composite
def events(draw: st.DrawFn) -> DiagnosisCompleted:
    profile = {
        "year_of_birth": draw(st.integers(1920, REAL_TODAY.year - 14)),
        "highest_degree": draw(maybe(enum_values(Degree))),
        "has_handicap": draw(st.booleans()),
        "family_situation": draw(maybe(enum_values(FamilySituation))),
        "has_driving_licence": draw(maybe(st.booleans())),
        "frustrations": draw(st.lists(enum_values(Frustration), unique=True)),
        "projects": draw(st.lists(projects(), min_size=1, max_size=2)),
    }
    return DiagnosisCompleted.model_validate(
        {
            "profile_id": "p",
            "profile_version": 1,
            "computed_at": "2024-06-01T08:00:00",
            "profile": profile,
            "market": draw(maybe(markets())),
            "diagnosis": {
                "main_challenge": draw(enum_values(ChallengeId)),
                "train": [],
                "overall_score": 50,
                "sentence": {"fr": "x", "en": "x"},
                "sub_scores": {},
                "missing_fields": [],
            },
        }
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(event=events(), today=st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31)))
def test_advise_returns_unique_sorted_explained_items(event: DiagnosisCompleted, today: dt.date) -> None:
    items = advise(event, today)
    module_ids = [item.module_id for item in items]
    assert len(set(module_ids)) == len(module_ids)
    scores = [item.score for item in items]
    assert all(1 <= score <= 3 for score in scores)
    assert scores == sorted(scores, reverse=True)
    for group in EXCLUSIVE_GROUPS:
        assert len(group.intersection(module_ids)) <= 1
    for item in items:
        assert item.explanations
        assert all(text.fr and text.en for text in item.explanations)
