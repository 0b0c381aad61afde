"""The seven challenge rules (DOMAIN.md, "Diagnosis") and `diagnose`.

Each rule returns (status, missing field paths). A rule names a missing field only when knowing it could
change its answer. Thresholds chosen for the rules the domain states vaguely:

1. undefined-project: NEEDS_ATTENTION when the main project has no target job or has_clear_project is False.
   has_clear_project unknown (with a target job) -> PASSED, naming the field.
2. stuck-market (main project's market): offers per 10 candidates <= 3.0, and 0 (NO_OFFERS), are
   NEEDS_ATTENTION; > 3.0 PASSED. No market facts / MISSING_DATA -> NOT_RELEVANT, never a blocker (the
   sentence carries a note instead). No target job -> NOT_RELEVANT, naming the target job.
3. find-what-you-like: NEEDS_ATTENTION when
   (a) kind == REORIENTATION and passion_level is not PASSIONATING_JOB / LIFE_GOAL_JOB (unknown counts), or
   (b) passion_level <= LIKEABLE_JOB, market not EASY (missing data counts as not easy), and
       (age < 25 or search not started or search < 3 months).
   PASSED when that is ruled out; NOT_RELEVANT (naming passion or search start) when unknowns decide.
4. missing-diploma: among the market's diploma requirements with percent_offers >= 30, one for a degree
   above the person's highest_degree, and training_fulfillment in (NOT_SURE, CURRENTLY_IN_TRAINING) or
   unknown -> NEEDS_ATTENTION. ENOUGH_DIPLOMAS / ENOUGH_EXPERIENCE / NO_TRAINING_REQUIRED -> PASSED.
   No requirement data -> NOT_RELEVANT. Degree unknown while it matters -> NOT_RELEVANT naming it.
5. start-your-search: job_search_has_not_started -> NEEDS_ATTENTION; a start date -> PASSED; neither ->
   NOT_RELEVANT naming the start date.
6. enhance-methods-to-interview: searching for >= 1 month (30.5 days) and total interviews / months < 1
   -> NEEDS_ATTENTION; >= 1 -> PASSED. Not started or < 1 month -> NOT_RELEVANT (too early to judge).
7. bravo: PASSED when no other rule needs attention, else NOT_RELEVANT.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from services.diagnosis.domain.overall import overall_score, sub_scores_of
from services.diagnosis.domain.sentences import sentence_for
from services.diagnosis.domain.situation import (
    F_CLEAR_PROJECT,
    F_DEGREE,
    F_INTERVIEWS,
    F_PASSION,
    F_SEARCH_START,
    F_TARGET_JOB,
    F_TRAINING,
    PASSION_RANK,
    Situation,
    read_situation,
)
from shared.schemas.diagnosis import (
    ChallengeId,
    DiagnosisResult,
    TrainStatus,
    TrainStep,
)
from shared.schemas.market import MarketFacts, MarketState
from shared.schemas.profile import (
    PassionLevel,
    ProfileIn,
    ProjectKind,
    TrainingFulfillment,
)

Check = tuple[TrainStatus, tuple[str, ...]]

NEEDS = TrainStatus.NEEDS_ATTENTION
PASSED = TrainStatus.PASSED
NOT_RELEVANT = TrainStatus.NOT_RELEVANT

YOUNG_MAX_AGE_EXCLUDED = 25
EARLY_SEARCH_MAX_MONTHS_EXCLUDED = 3.0
LIKEABLE_RANK = PASSION_RANK[PassionLevel.LIKEABLE_JOB]
DIPLOMA_MIN_PERCENT_OFFERS = 30.0
UNSURE_TRAINING = frozenset({TrainingFulfillment.NOT_SURE, TrainingFulfillment.CURRENTLY_IN_TRAINING})
MIN_MONTHS_TO_JUDGE_INTERVIEWS = 1.0
MIN_INTERVIEWS_PER_MONTH = 1.0
STUCK_STATES = frozenset({MarketState.STUCK, MarketState.NO_OFFERS})


def check_undefined_project(s: Situation) -> Check:
    if not s.has_target_job:
        return NEEDS, (F_TARGET_JOB,)
    if s.clear_project is False:
        return NEEDS, ()
    if s.clear_project is None:
        return PASSED, (F_CLEAR_PROJECT,)
    return PASSED, ()


def check_stuck_market(s: Situation) -> Check:
    if not s.has_target_job:
        return NOT_RELEVANT, (F_TARGET_JOB,)
    if s.market_state is MarketState.MISSING_DATA:
        return NOT_RELEVANT, ()
    return (NEEDS if s.market_state in STUCK_STATES else PASSED), ()


def check_find_what_you_like(s: Situation) -> Check:
    passion_low = None if s.passion_rank is None else s.passion_rank <= LIKEABLE_RANK
    if s.kind is ProjectKind.REORIENTATION and passion_low is not False:
        return NEEDS, (F_PASSION,) if passion_low is None else ()
    if passion_low is False or s.market_state is MarketState.EASY:
        return PASSED, ()
    young = s.age < YOUNG_MAX_AGE_EXCLUDED
    early: bool | None = True
    if not s.search_not_started:
        early = None if s.search_months is None else s.search_months < EARLY_SEARCH_MAX_MONTHS_EXCLUDED
    if not young and early is False:
        return PASSED, ()
    missing = []
    if passion_low is None:
        missing.append(F_PASSION)
    if not young and early is None:
        missing.append(F_SEARCH_START)
    if missing:
        return NOT_RELEVANT, tuple(missing)
    return NEEDS, ()


def diploma_gap(s: Situation) -> tuple[float, int] | None:
    """The most required (percent, degree rank) above the person's degree, among requirements >= 30 %."""
    if s.diploma_requirements is None or s.degree_rank is None:
        return None
    above = [r for r in s.diploma_requirements if r[0] >= DIPLOMA_MIN_PERCENT_OFFERS and r[1] > s.degree_rank]
    return max(above) if above else None


def check_missing_diploma(s: Situation) -> Check:
    requirements = s.diploma_requirements
    if requirements is None:
        return NOT_RELEVANT, ()
    significant = [rank for percent, rank in requirements if percent >= DIPLOMA_MIN_PERCENT_OFFERS]
    if not significant or max(significant) == 0:
        return PASSED, ()
    if s.training is not None and s.training not in UNSURE_TRAINING:
        return PASSED, ()
    training_missing = (F_TRAINING,) if s.training is None else ()
    if s.degree_rank is None:
        return NOT_RELEVANT, (F_DEGREE, *training_missing)
    if max(significant) <= s.degree_rank:
        return PASSED, ()
    return NEEDS, training_missing


def check_start_your_search(s: Situation) -> Check:
    if s.search_not_started:
        return NEEDS, ()
    if s.search_months is None:
        return NOT_RELEVANT, (F_SEARCH_START,)
    return PASSED, ()


def check_enhance_methods_to_interview(s: Situation) -> Check:
    if s.search_not_started:
        return NOT_RELEVANT, ()
    if s.search_months is None:
        return NOT_RELEVANT, (F_SEARCH_START,)
    if s.search_months < MIN_MONTHS_TO_JUDGE_INTERVIEWS:
        return NOT_RELEVANT, ()
    if s.interview_count is None:
        return NOT_RELEVANT, (F_INTERVIEWS,)
    return (NEEDS if s.interview_count / s.search_months < MIN_INTERVIEWS_PER_MONTH else PASSED), ()


# The first six, in order of precedence; bravo is what remains.
RULES: tuple[tuple[ChallengeId, Callable[[Situation], Check]], ...] = (
    (ChallengeId.UNDEFINED_PROJECT, check_undefined_project),
    (ChallengeId.STUCK_MARKET, check_stuck_market),
    (ChallengeId.FIND_WHAT_YOU_LIKE, check_find_what_you_like),
    (ChallengeId.MISSING_DIPLOMA, check_missing_diploma),
    (ChallengeId.START_YOUR_SEARCH, check_start_your_search),
    (ChallengeId.ENHANCE_METHODS_TO_INTERVIEW, check_enhance_methods_to_interview),
)

# Frozen steps without missing fields are shared between results: no model built per call for them.
_PLAIN_STEPS = {
    (challenge, status): TrainStep(challenge=challenge, status=status)
    for challenge in ChallengeId
    for status in TrainStatus
}


def _step(challenge: ChallengeId, status: TrainStatus, missing: tuple[str, ...]) -> TrainStep:
    if not missing:
        return _PLAIN_STEPS[challenge, status]
    return TrainStep(challenge=challenge, status=status, missing_fields=list(missing))


def diagnose(profile: ProfileIn, market: MarketFacts | None, today: dt.date) -> DiagnosisResult:
    """Main challenge, train, scores and sentence of the main project. `market` must describe the main
    project's job group in its département (None when unknown). Employability is left to the caller."""
    s = read_situation(profile, market, today)
    train: list[TrainStep] = []
    missing_fields: dict[str, None] = {}  # ordered set
    main: ChallengeId | None = None
    for challenge, rule in RULES:
        status, missing = rule(s)
        if main is None and status is NEEDS:
            main = challenge
        for field in missing:
            missing_fields[field] = None
        train.append(_step(challenge, status, missing))
    if main is None:
        main = ChallengeId.BRAVO
    train.append(_PLAIN_STEPS[ChallengeId.BRAVO, PASSED if main is ChallengeId.BRAVO else NOT_RELEVANT])
    sub_scores = sub_scores_of(s)
    return DiagnosisResult(
        main_challenge=main,
        train=train,
        overall_score=overall_score(main, sub_scores),
        sentence=sentence_for(main, s, diploma_gap(s)),
        sub_scores=sub_scores,
        missing_fields=list(missing_fields),
        employability=None,
    )
