"""Synthetic cohort of job seekers with a simulated outcome: back at work within 3 months.

THESE ARE ASSUMPTIONS, NOT MEASUREMENTS. No real outcome data exists yet (the follow-up survey will bring
some); the cohort encodes plausible directions of effect so the pipeline, features and explanations can be
built and tested. Each person's chance follows a logistic model whose log-odds are the sum of:

- base: +1.05, set so that about 40 % of the cohort is back at work within 3 months;
- market stress: +1.0 x ln(offers per 10 candidates / 4.5); a market with no offers at all: -2.0.
  Statistics are missing for ~12 % of people: the true market still acts, but the model cannot see it;
- seniority: +0.18 per rank above INTERMEDIARY, saturating at SENIOR (EXPERT = SENIOR);
- degree: +0.15 per rank above BTS_DUT_DEUG;
- search length: -0.65 x ln(1 + months) (long searches select and scar); not started yet: -0.6;
- mobility: +0.12 per rank above CITY, up to COUNTRY;
- age: under 25: -0.25; 50 to 57: -0.55; 58 and over: -1.0;
- network: +0.3 per level above medium (weak -0.3, strong +0.3);
- blockers: -0.12 per non-sensitive frustration; project undefined (no target job or not clear): -0.7;
  a diploma gap (the missing-diploma rule fires): -0.45;
- interviews: +0.45 x ln(1 + interviews per month);
- unobserved heterogeneity: a normal noise of standard deviation 0.4 on the log-odds.

Population drawn (also assumptions): ages uniform 18-64; seniority growing with age; degrees and mobility
from fixed shares; 3 % of markets with no offers, the rest log-normal around 4.5 offers per 10 candidates;
8 % not started, 5 % unknown start, search months exponential (mean 7, max 60); interviews Poisson with a
monthly rate growing with the market and the network; each non-sensitive frustration with 7 % chance;
5-15 % of answers left unknown per field. Sensitive answers (discrimination frustrations) are drawn but given
no effect: the model must not use them. Fixed seed, fixed reference date: the same cohort every run.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

from shared.schemas.market import DiplomaRequirement, MarketFacts
from shared.schemas.profile import (
    SENSITIVE_FRUSTRATIONS,
    AreaType,
    City,
    Degree,
    Frustration,
    PassionLevel,
    ProfileIn,
    Project,
    ProjectKind,
    Seniority,
    TargetJob,
    TrainingFulfillment,
)

SEED = 20161115  # Bob Emploi's launch month
REFERENCE_DATE = dt.date(2024, 6, 1)
DAYS_PER_MONTH = 30.5

BASE_LOG_ODDS = 1.05
MARKET_COEF, TYPICAL_OFFERS, NO_OFFERS_EFFECT = 1.0, 4.5, -2.0
SENIORITY_COEF, SENIORITY_CAP = 0.18, 4
DEGREE_COEF = 0.15
SEARCH_COEF, NOT_STARTED_EFFECT = -0.65, -0.6
MOBILITY_COEF, MOBILITY_CAP = 0.12, 3
AGE_EFFECTS = ((25, -0.25), (50, 0.0), (58, -0.55), (200, -1.0))  # (upper bound excluded, effect)
NETWORK_COEF = 0.3
BLOCKER_EFFECT, UNDEFINED_PROJECT_EFFECT, DIPLOMA_GAP_EFFECT = -0.12, -0.7, -0.45
INTERVIEWS_COEF = 0.45
NOISE_SD = 0.4

DEGREES = list(Degree)
SENIORITIES = list(Seniority)
AREAS = list(AreaType)
PASSIONS = list(PassionLevel)
KINDS = list(ProjectKind)
TRAININGS = list(TrainingFulfillment)
PLAIN_FRUSTRATIONS = [f for f in Frustration if f not in SENSITIVE_FRUSTRATIONS]
SENSITIVE = sorted(SENSITIVE_FRUSTRATIONS)
ROME_CODES = ("M1607", "K2204", "N1103", "J1501", "G1602", "D1106", "H2913", "F1603")
DEPARTEMENTS = ("31", "75", "69", "13", "59", "2A", "974", "33")
CONFIDENT_TRAINING = frozenset(
    {
        TrainingFulfillment.ENOUGH_DIPLOMAS,
        TrainingFulfillment.ENOUGH_EXPERIENCE,
        TrainingFulfillment.NO_TRAINING_REQUIRED,
    }
)


@dataclass(frozen=True)
class Truth:
    """The effects on the log-odds that make the world (the defaults are the cohort's, documented above); a
    simulation shifts them to test that retraining follows a world that changed."""

    base: float = BASE_LOG_ODDS
    market: float = MARKET_COEF
    no_offers: float = NO_OFFERS_EFFECT
    search: float = SEARCH_COEF
    network: float = NETWORK_COEF
    interviews: float = INTERVIEWS_COEF
    age_effects: tuple[tuple[int, float], ...] = AGE_EFFECTS


COHORT_TRUTH = Truth()


@dataclass(frozen=True, slots=True)
class Person:
    profile: ProfileIn
    market: MarketFacts | None
    back_to_work: bool
    true_probability: float


def _age_effect(age: int, effects: tuple[tuple[int, float], ...] = AGE_EFFECTS) -> float:
    return next(effect for bound, effect in effects if age < bound)


def _draw_one(rng: np.random.Generator, today: dt.date, truth: Truth = COHORT_TRUTH) -> Person:
    age = int(rng.integers(18, 65))
    degree_rank = int(rng.choice(6, p=[0.15, 0.2, 0.22, 0.18, 0.13, 0.12]))
    seniority_rank = int(np.clip(round((age - 20) / 8 + rng.normal(0, 1.2)), 0, 5))
    area_rank = int(rng.choice(5, p=[0.35, 0.35, 0.18, 0.1, 0.02]))
    network = int(rng.choice(3, p=[0.35, 0.4, 0.25])) + 1
    true_offers = float(np.clip(rng.lognormal(math.log(TYPICAL_OFFERS), 0.6), 0.2, 25.0))
    no_offers = rng.random() < 0.03
    has_target = rng.random() >= 0.07
    clear = (True, False, None)[int(rng.choice(3, p=[0.72, 0.08, 0.2]))]
    kind = KINDS[int(rng.choice(5, p=[0.12, 0.58, 0.08, 0.17, 0.05]))]
    passion = PASSIONS[int(rng.integers(0, 4))]

    # Search: 8 % not started, 5 % unknown start, else months ~ exponential(mean 7) up to 5 years.
    search_draw = rng.random()
    not_started = search_draw < 0.08
    true_months = min(60.0, float(rng.exponential(7.0)))
    start_known = not not_started and search_draw >= 0.13
    started_at = today - dt.timedelta(days=round(true_months * DAYS_PER_MONTH)) if start_known else None
    network_effect = NETWORK_COEF * (network - 2)  # the interview rate follows the cohort's, in any world
    interview_rate = 0.7 * (true_offers / TYPICAL_OFFERS) ** 0.4 * math.exp(network_effect)
    interviews = 0 if not_started else int(rng.poisson(interview_rate * true_months))
    per_month = 0.0 if not_started else interviews / max(1.0, true_months)

    requirement_rank = int(rng.integers(0, 6))
    requirement_percent = float(rng.uniform(0, 80))
    training = TRAININGS[int(rng.integers(0, 5))] if rng.random() >= 0.15 else None
    diploma_gap = (
        requirement_percent >= 30 and requirement_rank > degree_rank and training not in CONFIDENT_TRAINING
    )
    frustrations = [f for f in PLAIN_FRUSTRATIONS if rng.random() < 0.07]
    sensitive = [f for f in SENSITIVE if rng.random() < 0.03]

    logit = (
        truth.base
        + (truth.no_offers if no_offers else truth.market * math.log(true_offers / TYPICAL_OFFERS))
        + SENIORITY_COEF * (min(seniority_rank, SENIORITY_CAP) - 3)
        + DEGREE_COEF * (degree_rank - 3)
        + (NOT_STARTED_EFFECT if not_started else truth.search * math.log1p(true_months))
        + MOBILITY_COEF * min(area_rank, MOBILITY_CAP)
        + _age_effect(age, truth.age_effects)
        + truth.network * (network - 2)
        + BLOCKER_EFFECT * len(frustrations)
        + (UNDEFINED_PROJECT_EFFECT if (not has_target or clear is False) else 0.0)
        + (DIPLOMA_GAP_EFFECT if diploma_gap and has_target else 0.0)
        + truth.interviews * math.log1p(per_month)
        + rng.normal(0, NOISE_SD)
    )
    probability = 1.0 / (1.0 + math.exp(-logit))

    rome = ROME_CODES[int(rng.integers(0, len(ROME_CODES)))]
    departement = DEPARTEMENTS[int(rng.integers(0, len(DEPARTEMENTS)))]
    project = Project(
        target_job=TargetJob(rome_code=rome) if has_target else None,
        city=City(name="Ville", departement_id=departement),
        mobility_area=AREAS[area_rank],
        kind=kind,
        seniority=SENIORITIES[seniority_rank] if rng.random() >= 0.1 else None,
        training_fulfillment=training,
        job_search_started_at=started_at,
        job_search_has_not_started=not_started,
        total_interview_count=None if rng.random() < 0.1 else interviews,
        network_estimate=network if rng.random() >= 0.1 else None,
        passion_level=passion,
        has_clear_project=clear,
    )
    profile = ProfileIn(
        year_of_birth=today.year - age,
        highest_degree=DEGREES[degree_rank] if rng.random() >= 0.05 else None,
        frustrations=frustrations + sensitive,
        projects=[project],
    )
    market: MarketFacts | None = None
    market_draw = rng.random()
    if has_target and market_draw >= 0.06:  # ~6 % without any facts, ~6 % with facts but no tension data
        offers = None if market_draw < 0.12 else (0.0 if no_offers else round(true_offers, 2))
        market = MarketFacts(
            rome_code=rome,
            departement_id=departement,
            offers_per_10_candidates=offers,
            diploma_requirements=[
                DiplomaRequirement(degree=DEGREES[requirement_rank].value, percent_offers=requirement_percent)
            ],
            synthetic=True,
        )
    back = bool(rng.random() < probability)
    return Person(profile=profile, market=market, back_to_work=back, true_probability=probability)


def generate_cohort(
    size: int, seed: int = SEED, today: dt.date = REFERENCE_DATE, truth: Truth = COHORT_TRUTH
) -> list[Person]:
    """`size` synthetic people, identical for the same seed, date and truth."""
    rng = np.random.default_rng(seed)
    return [_draw_one(rng, today, truth) for _ in range(size)]
