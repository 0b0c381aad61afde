"""Checks of the codes a profile refers to against the reference data (pure: lookups are passed in)."""

from __future__ import annotations

from collections.abc import Callable

from shared.schemas.profile import ProfileIn

ErrorLoc = tuple[str | int, ...]


def unknown_references(
    profile: ProfileIn, is_known_rome: Callable[[str], bool], is_known_departement: Callable[[str], bool]
) -> list[tuple[ErrorLoc, str]]:
    """(location, message) for each ROME code or département the referential does not know."""
    errors: list[tuple[ErrorLoc, str]] = []
    for index, project in enumerate(profile.projects):
        if project.target_job and not is_known_rome(project.target_job.rome_code):
            errors.append(
                (("body", "projects", index, "target_job", "rome_code"),
                 f"unknown ROME job group {project.target_job.rome_code!r}")
            )
        if not is_known_departement(project.city.departement_id):
            errors.append(
                (("body", "projects", index, "city", "departement_id"),
                 f"unknown département {project.city.departement_id!r}")
            )
    return errors
