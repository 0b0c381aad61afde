"""The stepped onboarding's draft: each step accepts only its own fields, checked by the profile's own rules (a
422 names the field), and merges into what earlier steps saved."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from services.profile.domain.draft import PERSON_FIELDS, PROJECT_FIELDS, DraftRefused, Step, checked_step, merged
from shared.schemas.profile import ProfileIn, Project

CITY = {"name": "Lyon", "departement_id": "69"}


def refused(step: Step, answers: dict[str, Any]) -> list[tuple[Any, ...]]:
    with pytest.raises(DraftRefused) as caught:
        checked_step(step, answers)
    return [loc for loc, _, _ in caught.value.errors]


def test_every_profile_field_is_asked_at_exactly_one_step() -> None:
    person = [f for step in Step for f in PERSON_FIELDS[step]]
    project = [f for step in Step for f in PROJECT_FIELDS[step]]
    assert sorted(person) == sorted(set(ProfileIn.model_fields) - {"projects"})
    assert sorted(project) == sorted(Project.model_fields)


def test_each_step_saves_its_answers_normalised() -> None:
    assert checked_step(Step.YOU, {"year_of_birth": 1990, "highest_degree": "CAP_BEP", "name": "  Zoé "}) == {
        "year_of_birth": 1990, "highest_degree": "CAP_BEP", "name": "Zoé"}
    assert checked_step(Step.PROJECT, {"projects": [{"city": CITY, "target_job": {"rome_code": "M1607"}}]}) == {
        "projects": [{"city": {**CITY, "latitude": None, "longitude": None}, "target_job": {
            "rome_code": "M1607", "job_title_code_ogr": None}}]}
    assert checked_step(Step.SEARCH, {"projects": [{"job_search_has_not_started": True}]}) == {
        "projects": [{"job_search_has_not_started": True}]}
    guess = {"challenge": "stuck-market", "note": "Pas d'offres"}
    assert checked_step(Step.HOLDS_BACK, {"frustrations": ["RESUME"], "self_diagnosis": guess}) == {
        "frustrations": ["RESUME"], "self_diagnosis": guess}
    assert checked_step(Step.EMAILS, {"coaching_emails": "MONTHLY"}) == {"coaching_emails": "MONTHLY"}


def test_bad_answers_name_their_field_with_the_profiles_own_rules() -> None:
    too_young = dt.date.today().year - 10
    assert refused(Step.YOU, {"year_of_birth": too_young}) == [("body", "profile", "year_of_birth")]
    assert refused(Step.PROJECT, {"projects": [{"city": {"name": "Lyon", "departement_id": "999"}}]}) == [
        ("body", "profile", "projects", 0, "city", "departement_id")]
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    assert refused(Step.SEARCH, {"projects": [{"job_search_started_at": future}]}) == [
        ("body", "profile", "projects", 0, "job_search_started_at")]
    assert refused(Step.HOLDS_BACK, {"self_diagnosis": {"challenge": "bravo"}}) == [
        ("body", "profile", "self_diagnosis", "challenge")]
    assert refused(Step.HOLDS_BACK, {"self_diagnosis": {"note": "x" * 501}}) == [
        ("body", "profile", "self_diagnosis", "note")]
    assert refused(Step.EMAILS, {"coaching_emails": "DAILY"}) == [("body", "profile", "coaching_emails")]


def test_a_step_refuses_the_fields_of_other_steps() -> None:
    assert refused(Step.YOU, {"year_of_birth": 1990, "coaching_emails": "WEEKLY"}) == [
        ("body", "profile", "coaching_emails")]
    assert refused(Step.SEARCH, {"projects": [{"city": CITY}]}) == [("body", "profile", "projects", 0, "city")]
    assert refused(Step.EMAILS, {"projects": [{"has_resume": True}]}) == [("body", "profile", "projects")]
    assert refused(Step.PROJECT, {"projects": [{"city": CITY}, {"city": CITY}]}) == [("body", "profile", "projects")]


def test_the_project_step_needs_a_city_and_the_you_step_a_year_of_birth() -> None:
    assert refused(Step.PROJECT, {"projects": [{"kind": "REORIENTATION"}]}) == [
        ("body", "profile", "projects", 0, "city")]
    assert refused(Step.YOU, {"highest_degree": "CAP_BEP", "year_of_birth": None}) == [
        ("body", "profile", "year_of_birth")]


def test_steps_merge_field_by_field_and_the_whole_draft_makes_a_profile() -> None:
    draft = merged(None, checked_step(Step.YOU, {"year_of_birth": 1990}))
    draft = merged(draft, checked_step(Step.PROJECT, {"projects": [{"city": CITY, "kind": "REORIENTATION"}]}))
    draft = merged(draft, checked_step(Step.SEARCH, {"projects": [{"weekly_applications": "SOME"}]}))
    draft = merged(draft, checked_step(Step.YOU, {"year_of_birth": 1988}))
    draft = merged(draft, checked_step(Step.HOLDS_BACK, {"self_diagnosis": {"challenge": None}}))
    assert draft["year_of_birth"] == 1988
    assert draft["projects"][0]["kind"] == "REORIENTATION"
    assert draft["projects"][0]["weekly_applications"] == "SOME"
    profile = ProfileIn.model_validate(draft)
    assert profile.self_diagnosis is not None
    assert profile.self_diagnosis.challenge is None
