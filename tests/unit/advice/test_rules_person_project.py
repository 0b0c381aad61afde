"""Rule kinds about the person and the main project, at their edge values."""

from __future__ import annotations

from typing import Any

import pytest

from services.advice.domain.phrases import render
from tests.unit.advice.factories import born_aged, evaluate, score


def explained(rule_id: str, **overrides: Any) -> list[str]:
    verdict = evaluate(rule_id, **overrides)
    assert verdict is not None
    return [render(item).en for item in verdict[1]]


@pytest.mark.parametrize(("age", "expected"), [(24, 3), (25, 0), (26, 0)])
def test_for_young_is_strict(age: int, expected: int) -> None:
    assert score("for-young(25)", profile={"year_of_birth": born_aged(age)}) == expected


@pytest.mark.parametrize(("age", "expected"), [(44, 0), (45, 3), (60, 3)])
def test_for_old_includes_the_bound(age: int, expected: int) -> None:
    assert score("for-old(45)", profile={"year_of_birth": born_aged(age)}) == expected


def test_age_reason_states_the_age() -> None:
    assert explained("for-young(25)", profile={"year_of_birth": born_aged(24)}) == ["because you are 24 years old"]


def test_for_frustrated() -> None:
    assert score("for-frustrated(INTERVIEW)", profile={"frustrations": ["INTERVIEW", "RESUME"]}) == 3
    assert score("for-frustrated(INTERVIEW)", profile={"frustrations": ["RESUME"]}) == 0
    assert explained("for-frustrated(INTERVIEW)", profile={"frustrations": ["INTERVIEW"]}) == [
        "because you told us job interviews are a challenge for you"
    ]


def test_not_of_a_frustration() -> None:
    assert score("not-for-frustrated(INTERVIEW)") == 3
    assert score("not-for-frustrated(INTERVIEW)", profile={"frustrations": ["INTERVIEW"]}) == 0


def test_for_handicap() -> None:
    assert score("for-handicap", profile={"has_handicap": True}) == 3
    assert score("for-handicap") == 0


@pytest.mark.parametrize(("licence", "expected"), [(False, 3), (True, 0), (None, None)])
def test_for_no_driving_licence(licence: bool | None, expected: int | None) -> None:
    assert score("for-no-driving-licence", profile={"has_driving_licence": licence}) == expected


@pytest.mark.parametrize(
    ("degree", "expected"), [("NO_DEGREE", 3), ("CAP_BEP", 3), ("BAC_BACPRO", 0), (None, None)]
)
def test_for_degree_at_most(degree: str | None, expected: int | None) -> None:
    assert score("for-degree-at-most(CAP_BEP)", profile={"highest_degree": degree}) == expected


@pytest.mark.parametrize(
    ("family", "expected"), [("SINGLE_PARENT", 3), ("FAMILY_WITH_KIDS", 3), ("SINGLE", 0), (None, None)]
)
def test_for_family_takes_a_list(family: str | None, expected: int | None) -> None:
    assert score("for-family(SINGLE_PARENT,FAMILY_WITH_KIDS)", profile={"family_situation": family}) == expected


@pytest.mark.parametrize(
    ("rule_id", "expected"), [("for-job-group(M16)", 3), ("for-job-group(M17)", 0), ("for-job-group(A,M1607)", 3)]
)
def test_for_job_group_matches_prefixes(rule_id: str, expected: int) -> None:
    assert score(rule_id) == expected  # base target: M1607


def test_for_job_group_without_target_job_does_not_apply() -> None:
    assert score("for-job-group(M)", project={"target_job": None}) is None
    assert score("not-for-job-group(M)", project={"target_job": None}) is None


def test_for_departement() -> None:
    assert score("for-departement(31)") == 3
    assert score("for-departement(32,2A)") == 0
    assert score("for-departement(32,2A)", project={"city": {"name": "Ajaccio", "departement_id": "2A"}}) == 3


@pytest.mark.parametrize(("area", "expected"), [("CITY", 3), ("DEPARTEMENT", 0), ("WORLD", 0)])
def test_for_mobility_is_at_most(area: str, expected: int) -> None:
    assert score("for-mobility(CITY)", project={"mobility_area": area}) == expected


def test_for_mobility_at_most_a_wider_area() -> None:
    assert score("for-mobility(REGION)", project={"mobility_area": "DEPARTEMENT"}) == 3
    assert score("not-for-mobility(REGION)", project={"mobility_area": "COUNTRY"}) == 3


@pytest.mark.parametrize(("seniority", "expected"), [("EXPERT", 3), ("SENIOR", 0), (None, None)])
def test_for_seniority_is_at_least(seniority: str | None, expected: int | None) -> None:
    assert score("for-seniority(EXPERT)", project={"seniority": seniority}) == expected


def test_for_project_kind() -> None:
    assert score("for-project-kind(REORIENTATION,FIND_A_NEW_JOB)") == 3
    assert score("for-project-kind(REORIENTATION)") == 0


@pytest.mark.parametrize(("passion", "expected"), [("ALIMENTARY_JOB", 0), ("LIKEABLE_JOB", 3), (None, None)])
def test_for_passion_is_at_least(passion: str | None, expected: int | None) -> None:
    assert score("for-passion(LIKEABLE_JOB)", project={"passion_level": passion}) == expected


@pytest.mark.parametrize(("network", "expected"), [(1, 3), (2, 0), (None, None)])
def test_for_network_is_exact(network: int | None, expected: int | None) -> None:
    assert score("for-network(1)", project={"network_estimate": network}) == expected


def test_for_network_explains_the_level() -> None:
    assert explained("for-network(1)", project={"network_estimate": 1}) == ["because you rate your network as weak"]


@pytest.mark.parametrize(("contracts", "expected"), [(["CDD", "ALTERNANCE"], 3), (["CDI"], 0), ([], None)])
def test_for_contract(contracts: list[str], expected: int | None) -> None:
    assert score("for-contract(ALTERNANCE)", project={"employment_types": contracts}) == expected


@pytest.mark.parametrize(("has_resume", "expected"), [(False, 3), (True, 0), (None, None)])
def test_for_no_resume(has_resume: bool | None, expected: int | None) -> None:
    assert score("for-no-resume", project={"has_resume": has_resume}) == expected


@pytest.mark.parametrize(
    ("project", "expected"),
    [
        ({"target_job": None}, 3),
        ({"has_clear_project": False}, 3),
        ({"has_clear_project": None}, 0),
        ({}, 0),
    ],
)
def test_for_unclear_project(project: dict[str, object], expected: int) -> None:
    assert score("for-unclear-project", project=project) == expected
