"""The stepped onboarding's draft (issue 16): each step's answers are checked by the profile's own rules, then
merged into a partial profile kept server-side, so the person resumes on another device. Pure: no I/O."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from pydantic import ValidationError

from shared.schemas.profile import ProfileIn

ErrorLoc = tuple[str | int, ...]
Doc = dict[str, Any]


class Step(StrEnum):
    YOU = "you"
    PROJECT = "project"
    SEARCH = "search"
    HOLDS_BACK = "holds-back"
    EMAILS = "emails"


# What each step asks: the profile's own fields, and those of its first project.
PERSON_FIELDS: dict[Step, frozenset[str]] = {
    Step.YOU: frozenset({"email", "name", "year_of_birth", "gender", "highest_degree", "has_handicap",
                         "family_situation", "has_driving_licence", "languages", "locale"}),
    Step.PROJECT: frozenset(),
    Step.SEARCH: frozenset(),
    Step.HOLDS_BACK: frozenset({"frustrations", "self_diagnosis"}),
    Step.EMAILS: frozenset({"coaching_emails"}),
}
PROJECT_FIELDS: dict[Step, frozenset[str]] = {
    Step.YOU: frozenset(),
    Step.PROJECT: frozenset({"target_job", "city", "mobility_area", "kind", "seniority", "previous_job_similarity",
                             "training_fulfillment", "passion_level", "has_clear_project", "employment_types",
                             "min_salary"}),
    Step.SEARCH: frozenset({"job_search_started_at", "job_search_has_not_started", "weekly_offers",
                            "weekly_applications", "total_interview_count", "network_estimate", "has_resume"}),
    Step.HOLDS_BACK: frozenset(),
    Step.EMAILS: frozenset(),
}
# What a step cannot be saved without (the profile requires them; the other steps may stay empty).
REQUIRED: dict[Step, ErrorLoc] = {Step.YOU: ("year_of_birth",), Step.PROJECT: ("projects", 0, "city")}
# Valid stand-ins for what other steps ask, so a step is checked by ProfileIn itself (its validators included).
_FILLER: Doc = {"year_of_birth": 1990, "projects": [{"city": {"name": "Paris", "departement_id": "75"}}]}
_PREFIX: ErrorLoc = ("body", "profile")


class DraftRefused(ValueError):
    def __init__(self, errors: list[tuple[ErrorLoc, str, str]]) -> None:
        super().__init__("; ".join(f"{'.'.join(map(str, loc))}: {msg}" for loc, msg, _ in errors))
        self.errors = errors  # (location, message, error type), the location naming the field as a 422 does


def checked_step(step: Step, answers: Mapping[str, Any]) -> Doc:
    """The step's answers, normalised as the profile stores them (JSON values), or DraftRefused naming each bad
    field. Only this step's fields are accepted; the person's first project carries the project's answers."""
    errors: list[tuple[ErrorLoc, str, str]] = []
    projects = answers.get("projects")
    project: Mapping[str, Any] = {}
    if projects is not None:
        if PROJECT_FIELDS[step] and isinstance(projects, list) and len(projects) == 1 and isinstance(projects[0], dict):
            project = projects[0]
        else:
            errors.append(((*_PREFIX, "projects"), f"step {step} takes one project" if PROJECT_FIELDS[step]
                           else f"not asked at step {step}", "extra_forbidden"))
    errors += [((*_PREFIX, key), f"not asked at step {step}", "extra_forbidden")
               for key in answers if key != "projects" and key not in PERSON_FIELDS[step]]
    errors += [((*_PREFIX, "projects", 0, key), f"not asked at step {step}", "extra_forbidden")
               for key in project if key not in PROJECT_FIELDS[step]]
    required = REQUIRED.get(step)
    given = project if required and required[0] == "projects" else answers
    if not errors and required is not None and required[-1] not in given:
        errors.append(((*_PREFIX, *required), "Field required", "missing"))
    if errors:
        raise DraftRefused(errors)
    candidate = copy.deepcopy(_FILLER)
    candidate.update({k: v for k, v in answers.items() if k != "projects"})
    candidate["projects"][0].update(project)
    try:
        valid = ProfileIn.model_validate(candidate).model_dump(mode="json")
    except ValidationError as exc:
        raise DraftRefused([((*_PREFIX, *e["loc"]), e["msg"], e["type"]) for e in exc.errors()]) from None
    checked: Doc = {k: valid[k] for k in answers if k != "projects"}
    if project:
        checked["projects"] = [{k: valid["projects"][0][k] for k in project}]
    return checked


def merged(draft: Mapping[str, Any] | None, checked: Mapping[str, Any]) -> Doc:
    """The draft with a step's checked answers in: later answers replace earlier ones, field by field."""
    profile: Doc = copy.deepcopy(dict(draft or {}))
    for key, value in checked.items():
        if key == "projects":
            first = {**(profile.get("projects") or [{}])[0], **value[0]}
            profile["projects"] = [first]
        else:
            profile[key] = value
    return profile
