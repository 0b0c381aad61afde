"""Profile and market builders for the diagnosis tests: a default that reaches bravo, tweaked per test."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shared.schemas.market import DiplomaRequirement, MarketFacts
from shared.schemas.profile import (
    AreaType,
    City,
    Degree,
    Frustration,
    PassionLevel,
    ProfileIn,
    Project,
    Seniority,
    TargetJob,
    TrainingFulfillment,
)

TODAY = dt.date(2024, 7, 1)
DEFAULT_SEARCH_DAYS = 183  # 6.0 months


def started(days_ago: int) -> dt.date:
    return TODAY - dt.timedelta(days=days_ago)


def project(**overrides: Any) -> Project:
    fields: dict[str, Any] = {
        "target_job": TargetJob(rome_code="M1607"),
        "city": City(name="Toulouse", departement_id="31"),
        "mobility_area": AreaType.DEPARTEMENT,
        "seniority": Seniority.INTERMEDIARY,
        "training_fulfillment": TrainingFulfillment.ENOUGH_DIPLOMAS,
        "job_search_started_at": started(DEFAULT_SEARCH_DAYS),
        "total_interview_count": 12,
        "network_estimate": 2,
        "passion_level": PassionLevel.PASSIONATING_JOB,
        "has_clear_project": True,
    }
    fields.update(overrides)
    return Project(**fields)


def profile(
    *,
    age: int = 35,
    degree: Degree | None = Degree.BAC_BACPRO,
    frustrations: tuple[Frustration, ...] = (),
    **project_overrides: Any,
) -> ProfileIn:
    return ProfileIn(
        year_of_birth=TODAY.year - age,
        highest_degree=degree,
        frustrations=list(frustrations),
        projects=[project(**project_overrides)],
    )


def market(
    offers: float | None = 5.0,
    *,
    requirements: tuple[tuple[str, float], ...] = (),
    **overrides: Any,
) -> MarketFacts:
    return MarketFacts(
        rome_code="M1607",
        departement_id="31",
        offers_per_10_candidates=offers,
        diploma_requirements=[DiplomaRequirement(degree=d, percent_offers=p) for d, p in requirements],
        **overrides,
    )
