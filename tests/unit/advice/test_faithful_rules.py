"""Modules aligned with the original service's scoring models (bayesimpact/bob-emploi frontend/server/scoring.py:
_AdviceVae, _AdviceLessApplications, _AdviceFollowupEmail), case by case; and some advice for every profile."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.advice.domain.advise import advise
from shared.schemas.diagnosis import DiagnosisCompleted
from tests.unit.advice.factories import TODAY, make_event
from tests.unit.test_wording import situations


def score(module_id: str, profile: dict[str, Any] | None = None, **project: Any) -> int | None:
    items = advise(make_event(profile=profile, project=project), TODAY)
    return next((item.score for item in items if item.module_id == module_id), None)


@pytest.mark.parametrize(
    ("seniority", "training", "frustrations", "expected"),
    [
        ("EXPERT", "ENOUGH_DIPLOMAS", ["TRAINING"], None),  # has the diplomas: never
        ("EXPERT", "ENOUGH_EXPERIENCE", [], 3),  # experience stands for the diplomas, and is real
        ("JUNIOR", "ENOUGH_EXPERIENCE", ["TRAINING"], 3),
        ("JUNIOR", "ENOUGH_EXPERIENCE", [], 2),
        ("SENIOR", "NOT_SURE", [], 2),
        ("SENIOR", "CURRENTLY_IN_TRAINING", [], 2),
        ("SENIOR", "NO_TRAINING_REQUIRED", ["TRAINING"], 2),
        ("SENIOR", "NO_TRAINING_REQUIRED", [], None),
        ("INTERMEDIARY", "NOT_SURE", ["TRAINING"], None),  # not experienced enough
    ],
)
def test_vae_as_the_original(seniority: str, training: str, frustrations: list[str], expected: int | None) -> None:
    assert score("vae", {"frustrations": frustrations}, seniority=seniority, training_fulfillment=training) == expected


def test_vae_is_explained_by_what_the_person_said() -> None:
    items = advise(make_event(project={"seniority": "EXPERT", "training_fulfillment": "ENOUGH_EXPERIENCE"}), TODAY)
    [vae] = [item for item in items if item.module_id == "vae"]
    assert [text.fr for text in vae.explanations] == [
        "parce que vous nous avez dit ne pas avoir les diplômes mais avoir l'expérience demandée",
        "parce que vous avez plus de 10 ans d'expérience",
    ]


@pytest.mark.parametrize(
    ("weekly", "expected"), [("LESS_THAN_2", None), ("SOME", None), ("DECENT_AMOUNT", 3), ("A_LOT", 3)]
)
def test_less_applications_from_six_a_week_as_the_original(weekly: str, expected: int | None) -> None:
    assert score("less-applications", weekly_applications=weekly) == expected


def test_follow_up_is_for_everyone_and_first_for_those_without_answers() -> None:
    assert score("follow-up") == 1
    assert score("follow-up", {"frustrations": ["NO_OFFER_ANSWERS"]}) == 3


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(situation=situations(), today_offset=st.integers(0, 400))
def test_every_profile_gets_some_advice(situation: tuple[Any, Any], today_offset: int) -> None:
    profile, market = situation
    event = DiagnosisCompleted.model_validate({
        "profile_id": "p", "profile_version": 1, "computed_at": "2024-06-01T08:00:00",
        "profile": profile, "market": market,
        "diagnosis": {"main_challenge": "bravo", "train": [], "overall_score": 70, "sentence": {"fr": "x", "en": "x"},
                      "sub_scores": {}, "missing_fields": []},
    })
    assert advise(event, dt.date.today() + dt.timedelta(days=today_offset))
