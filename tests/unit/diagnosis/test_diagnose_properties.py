"""Property: any valid profile and market facts get a complete diagnosis, without raising."""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from hypothesis import given, settings
from hypothesis import strategies as st

from services.diagnosis.domain.challenges import diagnose
from shared.schemas.diagnosis import ChallengeId, TrainStatus
from shared.schemas.market import DiplomaRequirement, MarketFacts
from shared.schemas.profile import (
    AreaType,
    City,
    ContractType,
    Degree,
    Frequency,
    Frustration,
    PassionLevel,
    ProfileIn,
    Project,
    ProjectKind,
    Seniority,
    TargetJob,
    TrainingFulfillment,
)

T = TypeVar("T")
REAL_TODAY = dt.date.today()


def optional(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T | None]:
    return st.none() | strategy


@st.composite
def projects(draw: st.DrawFn) -> Project:
    search = draw(st.sampled_from(["started", "not started", "unknown"]))
    return Project(
        target_job=draw(optional(st.builds(TargetJob, rome_code=st.from_regex(r"[A-N]\d{4}", fullmatch=True)))),
        city=City(name="Ville", departement_id=draw(st.sampled_from(["31", "2A", "974", "75"]))),
        mobility_area=draw(st.sampled_from(AreaType)),
        kind=draw(st.sampled_from(ProjectKind)),
        seniority=draw(optional(st.sampled_from(Seniority))),
        training_fulfillment=draw(optional(st.sampled_from(TrainingFulfillment))),
        job_search_started_at=(
            draw(st.dates(dt.date(1950, 1, 1), REAL_TODAY)) if search == "started" else None
        ),
        job_search_has_not_started=search == "not started",
        weekly_applications=draw(optional(st.sampled_from(Frequency))),
        total_interview_count=draw(optional(st.integers(0, 1000))),
        network_estimate=draw(optional(st.integers(1, 3))),
        passion_level=draw(optional(st.sampled_from(PassionLevel))),
        has_resume=draw(optional(st.booleans())),
        has_clear_project=draw(optional(st.booleans())),
        employment_types=draw(st.lists(st.sampled_from(ContractType), unique=True, max_size=5)),
    )


profiles = st.builds(
    ProfileIn,
    year_of_birth=st.integers(1920, REAL_TODAY.year - 14),
    highest_degree=optional(st.sampled_from(Degree)),
    has_handicap=st.booleans(),
    frustrations=st.lists(st.sampled_from(Frustration), unique=True),
    projects=st.lists(projects(), min_size=1, max_size=5),
)
markets = optional(
    st.builds(
        MarketFacts,
        rome_code=st.just("M1607"),
        departement_id=st.just("31"),
        job_group_name=optional(st.text(max_size=30)),
        offers_per_10_candidates=optional(st.floats(0, 1000) | st.sampled_from([0.0, 3.0, 3.01, 7.0])),
        diploma_requirements=st.lists(
            st.builds(
                DiplomaRequirement,
                degree=st.sampled_from([*Degree, "UNKNOWN"]),
                percent_offers=st.floats(0, 100),
            ),
            max_size=4,
        ),
        typical_unemployment_days=optional(st.integers(0, 5000)),
    )
)


@settings(max_examples=200, deadline=None)
@given(profile=profiles, market=markets, today=st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1)))
def test_diagnose_never_raises_and_returns_seven_train_steps(
    profile: ProfileIn, market: MarketFacts | None, today: dt.date
) -> None:
    result = diagnose(profile, market, today)
    assert [step.challenge for step in result.train] == list(ChallengeId)
    assert 0 <= result.overall_score <= 100
    assert all(0 <= value <= 100 for value in result.sub_scores.values())
    needing = [s.challenge for s in result.train if s.status is TrainStatus.NEEDS_ATTENTION]
    assert result.main_challenge is (needing[0] if needing else ChallengeId.BRAVO)
    assert result.sentence.fr
    assert result.sentence.en
