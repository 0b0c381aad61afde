"""Small builders of diagnosis events: a neutral base that triggers no advice, plus overrides."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.advice.domain.facts import Facts, Verdict
from services.advice.domain.rules import compile_rule
from shared.schemas.diagnosis import DiagnosisCompleted

TODAY = dt.date(2024, 6, 1)


def born_aged(age: int) -> int:
    """Year of birth giving `age` on TODAY (ages count calendar years)."""
    return TODAY.year - age


def started_days_ago(days: int) -> str:
    return (TODAY - dt.timedelta(days=days)).isoformat()


def base_profile() -> dict[str, Any]:
    return {
        "year_of_birth": born_aged(35),
        "highest_degree": "LICENCE_MAITRISE",
        "has_driving_licence": True,
        "family_situation": "IN_COUPLE",
        "frustrations": [],
    }


def base_project() -> dict[str, Any]:
    return {
        "target_job": {"rome_code": "M1607"},
        "city": {"name": "Toulouse", "departement_id": "31"},
        "mobility_area": "DEPARTEMENT",
        "kind": "FIND_A_NEW_JOB",
        "seniority": "INTERMEDIARY",
        "training_fulfillment": "ENOUGH_DIPLOMAS",
        "job_search_started_at": started_days_ago(77),  # 2.5 months
        "weekly_applications": "SOME",
        "total_interview_count": 2,
        "passion_level": "LIKEABLE_JOB",
        "has_resume": True,
        "has_clear_project": True,
        "employment_types": ["CDI"],
    }


def base_market() -> dict[str, Any]:
    return {
        "rome_code": "M1607",
        "departement_id": "31",
        "offers_per_10_candidates": 5.0,
        "diploma_requirements": [{"degree": "LICENCE_MAITRISE", "percent_offers": 40}],
        "first_hiring_channel": "OFFERS",
        "typical_unemployment_days": 200,
        "related_rome_codes": [],
        "better_departements": [],
    }


def make_event(
    *,
    profile: dict[str, Any] | None = None,
    project: dict[str, Any] | None = None,
    market: dict[str, Any] | None = None,
    without_market: bool = False,
    challenge: str = "bravo",
) -> DiagnosisCompleted:
    """The base event with shallow overrides of the person, the main project and the market."""
    return DiagnosisCompleted.model_validate(
        {
            "profile_id": "profile-1",
            "profile_version": 1,
            "computed_at": "2024-06-01T08:00:00",
            "profile": base_profile() | (profile or {}) | {"projects": [base_project() | (project or {})]},
            "market": None if without_market else base_market() | (market or {}),
            "diagnosis": {
                "main_challenge": challenge,
                "train": [],
                "overall_score": 60,
                "sentence": {"fr": "Bravo", "en": "Well done"},
                "sub_scores": {},
                "missing_fields": [],
            },
        }
    )


def evaluate(rule_id: str, **overrides: Any) -> Verdict | None:
    """The verdict of one rule on the base event with `make_event` overrides, on TODAY."""
    return compile_rule(rule_id)(Facts(make_event(**overrides), TODAY))


def score(rule_id: str, **overrides: Any) -> int | None:
    verdict = evaluate(rule_id, **overrides)
    return None if verdict is None else verdict[0]
