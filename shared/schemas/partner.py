"""Data of the partner-visible events: pseudonymised, no name, email, city, discrimination answers or birth year."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class PartnerProfileSubmitted(BaseModel):
    """partner.profile.submitted: a job seeker stored a profile version, as a partner may see it."""

    model_config = ConfigDict(frozen=True)

    pseudonym: str = Field(description="Stable per person for a partner, irreversible without the platform's key")
    version: int = Field(description="The profile version (1 at sign-up, then one more per update)")
    submitted_at: dt.datetime = Field(description="When this version was stored")
    age_band: str = Field(description="<25, 25-34, 35-44, 45-54 or 55+")
    highest_degree: str | None = Field(description="A Degree value, when known")
    rome_code: str | None = Field(description="Target job group (ROME code), when the person has one")
    departement_id: str = Field(description="The département of the main project's city")
    mobility_area: str = Field(description="How far the person would go: CITY, DEPARTEMENT, REGION, COUNTRY, WORLD")
    project_kind: str = Field(description="A ProjectKind value, e.g. FIND_A_NEW_JOB")
    search_started: bool = Field(description="Whether the job search has started")
    frustrations: list[str] = Field(description="Blockers, without the sensitive discrimination answers")
