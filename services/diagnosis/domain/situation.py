"""The facts the challenge rules read, gathered once per diagnosis from the profile and the market.

Plain slotted object and precomputed rank tables: `Enum.rank` rebuilds a list on every call, and the
diagnosis runs thousands of times per second.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shared.schemas.market import (
    EASY_MIN_OFFERS_PER_10,
    STUCK_MAX_OFFERS_PER_10,
    MarketFacts,
    MarketState,
)
from shared.schemas.profile import (
    AreaType,
    Degree,
    Frustration,
    PassionLevel,
    PreviousJobSimilarity,
    ProfileIn,
    ProjectKind,
    Seniority,
    TrainingFulfillment,
)

DAYS_PER_MONTH = 30.5
DEGREE_RANK: dict[str, int] = {degree.value: rank for rank, degree in enumerate(Degree)}
PASSION_RANK: dict[str, int] = {level.value: rank for rank, level in enumerate(PassionLevel)}
SENIORITY_RANK: dict[str, int] = {level.value: rank for rank, level in enumerate(Seniority)}
AREA_RANK: dict[str, int] = {area.value: rank for rank, area in enumerate(AreaType)}

# Field paths named in TrainStep.missing_fields (the client asks for them next).
F_TARGET_JOB = "projects[0].target_job"
F_CLEAR_PROJECT = "projects[0].has_clear_project"
F_PASSION = "projects[0].passion_level"
F_SEARCH_START = "projects[0].job_search_started_at"
F_INTERVIEWS = "projects[0].total_interview_count"
F_TRAINING = "projects[0].training_fulfillment"
F_DEGREE = "highest_degree"
F_SENIORITY = "projects[0].seniority"
F_SIMILARITY = "projects[0].previous_job_similarity"


@dataclass(slots=True)
class Situation:
    has_target_job: bool
    rome_code: str | None
    clear_project: bool | None
    kind: ProjectKind
    age: int
    passion_rank: int | None
    degree_rank: int | None
    seniority_rank: int | None
    similarity: PreviousJobSimilarity | None
    lacks_motivation: bool  # MOTIVATION among the frustrations
    training: TrainingFulfillment | None
    search_not_started: bool
    search_months: float | None  # None when not started or unknown
    interview_count: int | None
    interviews_per_month: float | None  # count / max(1, months): a first month counts as a full one
    network: int | None
    mobility: AreaType
    departement_id: str
    market_state: MarketState
    offers_per_10: float | None
    job_group_name: str | None
    typical_unemployment_days: int | None
    # (percent of offers, degree rank) for known degrees, as given by the market facts; None = no data.
    diploma_requirements: tuple[tuple[float, int], ...] | None


def market_state_of(offers_per_10: float | None) -> MarketState:
    """Same thresholds as MarketFacts.state, usable without a MarketFacts object."""
    if offers_per_10 is None:
        return MarketState.MISSING_DATA
    if offers_per_10 == 0:
        return MarketState.NO_OFFERS
    if offers_per_10 <= STUCK_MAX_OFFERS_PER_10:
        return MarketState.STUCK
    if offers_per_10 >= EASY_MIN_OFFERS_PER_10:
        return MarketState.EASY
    return MarketState.NORMAL


def read_situation(profile: ProfileIn, market: MarketFacts | None, today: dt.date) -> Situation:
    project = profile.projects[0]
    not_started = project.job_search_has_not_started
    started_at = project.job_search_started_at
    months: float | None = None
    if not not_started and started_at is not None:
        months = max(0.0, (today - started_at).days / DAYS_PER_MONTH)
    interviews = project.total_interview_count
    per_month = None if months is None or interviews is None else interviews / max(1.0, months)
    passion = project.passion_level
    degree = profile.highest_degree

    offers = market.offers_per_10_candidates if market is not None else None
    requirements: tuple[tuple[float, int], ...] | None = None
    if market is not None and market.diploma_requirements:
        requirements = tuple(
            (req.percent_offers, DEGREE_RANK[req.degree])
            for req in market.diploma_requirements
            if req.degree in DEGREE_RANK
        ) or None  # only unknown degree names: no usable data
    return Situation(
        has_target_job=project.target_job is not None,
        rome_code=project.target_job.rome_code if project.target_job is not None else None,
        clear_project=project.has_clear_project,
        kind=project.kind,
        age=today.year - profile.year_of_birth,
        passion_rank=None if passion is None else PASSION_RANK[passion],
        degree_rank=None if degree is None else DEGREE_RANK[degree],
        seniority_rank=None if project.seniority is None else SENIORITY_RANK[project.seniority],
        similarity=project.previous_job_similarity,
        lacks_motivation=Frustration.MOTIVATION in profile.frustrations,
        training=project.training_fulfillment,
        search_not_started=not_started,
        search_months=months,
        interview_count=interviews,
        interviews_per_month=per_month,
        network=project.network_estimate,
        mobility=project.mobility_area,
        departement_id=project.city.departement_id,
        market_state=market_state_of(offers),
        offers_per_10=offers,
        job_group_name=market.job_group_name if market is not None else None,
        typical_unemployment_days=market.typical_unemployment_days if market is not None else None,
        diploma_requirements=requirements,
    )
