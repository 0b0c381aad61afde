"""Every module fires on a profile built for it and stays silent on a close profile built against it."""

from __future__ import annotations

from typing import Any

import pytest

from services.advice.domain.advise import advise
from services.advice.domain.modules import MODULES
from services.advice.domain.rules import compile_rule
from tests.unit.advice.factories import TODAY, born_aged, make_event, started_days_ago

STUCK_WITH_CLOSE_JOBS = {
    "offers_per_10_candidates": 2.0,
    "better_related_jobs": [{"rome_code": "M1602", "offers_per_10_candidates": 4.0}],
}
MISSING_BTS = {
    "profile": {"highest_degree": "BAC_BACPRO"},
    "project": {"training_fulfillment": "NOT_SURE"},
    "market": {"diploma_requirements": [{"degree": "BTS_DUT_DEUG", "percent_offers": 45}]},
}
ALWAYS_SHOWN = "follow-up"  # at 1 for everyone, as in the original
NOT_STARTED = {"job_search_started_at": None, "job_search_has_not_started": True}

# module id -> (overrides for it, overrides against it, expected score for it)
CASES: dict[str, tuple[dict[str, Any], dict[str, Any], int]] = {
    "training": (MISSING_BTS, {**MISSING_BTS, "project": {"training_fulfillment": "ENOUGH_DIPLOMAS"}}, 3),
    "improve-resume": (
        {"project": {"weekly_applications": "DECENT_AMOUNT", "total_interview_count": 0}},
        {"project": {"weekly_applications": "DECENT_AMOUNT", "total_interview_count": 5}},
        3,
    ),
    "improve-interview": (
        {"project": {"total_interview_count": 6, "job_search_started_at": started_days_ago(183)}},
        {"project": {"total_interview_count": 6}},
        3,
    ),
    "fresh-resume": ({"project": {"has_resume": False}}, {"project": {"has_resume": True}}, 3),
    "network-application-medium": ({"project": {"network_estimate": 2}}, {"project": {"network_estimate": 3}}, 2),
    "network-application-weak": ({"project": {"network_estimate": 1}}, {"project": {"network_estimate": 2}}, 2),
    "network-application-good": (
        {"project": {"network_estimate": 3}, "market": {"first_hiring_channel": "NETWORK"}},
        {"project": {"network_estimate": 1}, "market": {"first_hiring_channel": "NETWORK"}},
        3,
    ),
    "spontaneous-application": (
        {"market": {"first_hiring_channel": "SPONTANEOUS"}},
        {"market": {"first_hiring_channel": "AGENCY"}},
        3,
    ),
    "reorient-to-close-job": (
        {"market": STUCK_WITH_CLOSE_JOBS, "project": {"job_search_started_at": started_days_ago(200)}},
        {"market": {**STUCK_WITH_CLOSE_JOBS, "better_related_jobs": []}},
        3,
    ),
    "relocate": (
        {"market": {"better_departements": ["32"]}, "project": {"mobility_area": "REGION"}},
        {"market": {"better_departements": ["32"]}, "project": {"mobility_area": "CITY"}},
        3,
    ),
    "commute": (
        {"market": {"offers_per_10_candidates": 2.0}, "project": {"mobility_area": "CITY"}},
        {"market": {"offers_per_10_candidates": 2.0}, "project": {"mobility_area": "REGION"}},
        3,
    ),
    "alternance": (
        {**MISSING_BTS, "profile": {"highest_degree": "BAC_BACPRO", "year_of_birth": born_aged(22)}},
        {**MISSING_BTS, "profile": {"highest_degree": "BAC_BACPRO", "year_of_birth": born_aged(30)}},
        3,
    ),
    "vae": (
        {"project": {"seniority": "EXPERT", "training_fulfillment": "ENOUGH_EXPERIENCE"}},
        # Someone who has the diplomas needs no VAE, whatever their degree.
        {"profile": {"highest_degree": "NO_DEGREE"}, "project": {"seniority": "EXPERT"}},
        3,
    ),
    "senior": ({"profile": {"year_of_birth": born_aged(50)}}, {"profile": {"year_of_birth": born_aged(44)}}, 2),
    "follow-up": (
        {"profile": {"frustrations": ["NO_OFFER_ANSWERS"]}},
        {"profile": {"frustrations": ["NO_OFFERS"]}},
        3,
    ),
    "less-applications": (
        {"project": {"weekly_applications": "DECENT_AMOUNT"}},
        {"project": {"weekly_applications": "SOME"}},
        3,
    ),
    "body-language": (
        {"profile": {"frustrations": ["INTERVIEW", "SELF_CONFIDENCE"]}},
        {"profile": {"frustrations": ["RESUME"]}},
        3,
    ),
    "explore-other-jobs": (
        {"challenge": "find-what-you-like"},
        {"challenge": "bravo", "project": {"passion_level": "PASSIONATING_JOB"}},
        3,
    ),
    "first-steps": ({"challenge": "start-your-search", "project": NOT_STARTED}, {}, 3),
    "association-help": (
        {"project": {"job_search_started_at": started_days_ago(400)}},
        {"project": {"job_search_started_at": started_days_ago(300)}},
        2,
    ),
    "needs-for-handicap": ({"profile": {"has_handicap": True}}, {"profile": {"has_handicap": False}}, 3),
    "driving-licence": (
        {"profile": {"has_driving_licence": False}},
        {"profile": {"has_driving_licence": True}},
        3,
    ),
    "civic-service": ({"profile": {"year_of_birth": born_aged(20)}}, {"profile": {"year_of_birth": born_aged(26)}}, 2),
    "volunteer": ({"profile": {"frustrations": ["EXPERIENCE"]}}, {"profile": {"frustrations": ["TRAINING"]}}, 2),
    "create-your-company": (
        {"project": {"kind": "CREATE_OR_TAKE_OVER_COMPANY"}},
        {"project": {"kind": "FIND_ANOTHER_JOB"}},
        3,
    ),
    "life-balance": (
        {"profile": {"family_situation": "SINGLE_PARENT", "frustrations": ["CHILD_CARE"]}},
        {"profile": {"family_situation": "SINGLE_PARENT"}},
        3,
    ),
    "language-courses": ({"profile": {"frustrations": ["LANGUAGE"]}}, {}, 3),
    "foreign-qualifications": ({"profile": {"frustrations": ["FOREIGN_QUALIFICATIONS"]}}, {}, 3),
    "fight-discrimination": ({"profile": {"frustrations": ["SEX_DISCRIMINATION"]}}, {}, 2),
    "temp-agencies": ({"market": {"first_hiring_channel": "AGENCY"}}, {"project": {"employment_types": ["CDD"]}}, 3),
    "job-boards": (
        {"project": {"weekly_applications": "LESS_THAN_2"}},
        {"project": {"weekly_applications": "SOME"}},
        3,
    ),
}


def scores_for(overrides: dict[str, Any]) -> dict[str, int]:
    return {item.module_id: item.score for item in advise(make_event(**overrides), TODAY)}


def test_there_are_at_least_25_modules() -> None:
    assert len(MODULES) >= 25


def test_every_module_has_a_case() -> None:
    assert set(CASES) == {module.id for module in MODULES}


def test_every_trigger_parses() -> None:
    for module in MODULES:
        for rule_id in module.triggers:
            compile_rule(rule_id)


def test_the_neutral_base_profile_gets_only_the_advice_everyone_gets() -> None:
    assert [(item.module_id, item.score) for item in advise(make_event(), TODAY)] == [(ALWAYS_SHOWN, 1)]


@pytest.mark.parametrize("module_id", sorted(CASES))
def test_module_fires_on_a_profile_built_for_it(module_id: str) -> None:
    for_it, _, expected = CASES[module_id]
    assert scores_for(for_it).get(module_id) == expected


@pytest.mark.parametrize("module_id", sorted(CASES))
def test_module_is_silent_on_a_profile_built_against_it(module_id: str) -> None:
    _, against_it, _ = CASES[module_id]
    if module_id == ALWAYS_SHOWN:
        assert scores_for(against_it)[module_id] == 1
    else:
        assert module_id not in scores_for(against_it)
