"""The seven challenge rules (DOMAIN.md, "Diagnosis") and `diagnose`.

Each rule returns (status, missing field paths). A rule names a missing field only when knowing it could
change its answer. Thresholds chosen for the rules the domain states vaguely:

1. undefined-project: NEEDS_ATTENTION when the main project has no target job or has_clear_project is False.
   has_clear_project unknown (with a target job) -> PASSED, naming the field.
2. stuck-market (main project's market): offers per 10 candidates <= 3.0, and 0 (NO_OFFERS), are
   NEEDS_ATTENTION; > 3.0 PASSED. No market facts / MISSING_DATA -> NOT_RELEVANT, never a blocker (the
   sentence carries a note instead). No target job -> NOT_RELEVANT, naming the target job.
3. find-what-you-like, as the original's _FindWhatYouLikeFilter (bayesimpact/bob-emploi,
   frontend/server/scoring.py, and its tests in frontend/server/test/categories_test.py): PASSED when the job is
   passionating or more, or the market is easy (>= 7 offers per 10 candidates); a company creator needs attention
   only if they lack motivation; up to 30 years old, when less than SENIOR; then, a search not started for a never
   done job needs attention only if they lack motivation; a search of >= 2 months (>= 6 when employed) passes;
   otherwise reorientation or a never done job needs attention. Unknown answers are tried with every value: when
   they change the outcome the rule is NOT_RELEVANT and names them.
4. missing-diploma, as the original's _MissingDiplomaFilter (same files): PASSED for a company creator, when no
   offer requires a diploma, when the person has the diplomas or is in training (ENOUGH_DIPLOMAS,
   CURRENTLY_IN_TRAINING), or is an EXPERT of 50 or more. Ours also compares levels, which the original left to
   another rule: among requirements with percent_offers >= 30, one above the person's highest_degree. Unknown
   training counts as unsure and is named. No requirement data -> NOT_RELEVANT. Degree unknown while it matters ->
   NOT_RELEVANT naming it.
5. start-your-search: job_search_has_not_started -> NEEDS_ATTENTION; a start date -> PASSED; neither ->
   NOT_RELEVANT naming the start date.
6. enhance-methods-to-interview: searching for >= 1 month (30.5 days) and total interviews / months < 1
   -> NEEDS_ATTENTION; >= 1 -> PASSED. Not started or < 1 month -> NOT_RELEVANT (too early to judge).
7. bravo: PASSED when no other rule needs attention, else NOT_RELEVANT.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from itertools import product
from typing import Any

from services.diagnosis.domain.overall import overall_score, sub_scores_of
from services.diagnosis.domain.sentences import sentence_for
from services.diagnosis.domain.situation import (
    F_CLEAR_PROJECT,
    F_DEGREE,
    F_INTERVIEWS,
    F_PASSION,
    F_SEARCH_START,
    F_SENIORITY,
    F_SIMILARITY,
    F_TARGET_JOB,
    F_TRAINING,
    PASSION_RANK,
    SENIORITY_RANK,
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
    PreviousJobSimilarity,
    ProfileIn,
    ProjectKind,
    Seniority,
    TrainingFulfillment,
)

Check = tuple[TrainStatus, tuple[str, ...]]

NEEDS = TrainStatus.NEEDS_ATTENTION
PASSED = TrainStatus.PASSED
NOT_RELEVANT = TrainStatus.NOT_RELEVANT

YOUNG_MAX_AGE = 30
SEARCHING_FOR_A_WHILE_MONTHS = 2.0
EMPLOYED_SEARCHING_FOR_A_WHILE_MONTHS = 6.0
LIKEABLE_RANK = PASSION_RANK[PassionLevel.LIKEABLE_JOB]
SENIOR_RANK = SENIORITY_RANK[Seniority.SENIOR]
EXPERT_RANK = SENIORITY_RANK[Seniority.EXPERT]
EXPERT_MIN_AGE_WITHOUT_DIPLOMA = 50
DIPLOMA_MIN_PERCENT_OFFERS = 30.0
HAS_OR_GETS_DIPLOMA = frozenset({TrainingFulfillment.ENOUGH_DIPLOMAS, TrainingFulfillment.CURRENTLY_IN_TRAINING})
# What an unknown answer may be, to try each (None for the search start: "not started").
_PASSION_RANKS = tuple(PASSION_RANK.values())
_SENIORITY_RANKS = tuple(SENIORITY_RANK.values())
_SIMILARITIES = tuple(PreviousJobSimilarity)
_SEARCH_MONTHS: tuple[float | None, ...] = (None, 0.0, EMPLOYED_SEARCHING_FOR_A_WHILE_MONTHS)
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


def _finds_what_they_like(
    s: Situation, passion: int, seniority: int, similarity: PreviousJobSimilarity, months: float | None
) -> bool:
    """The original's filter with every answer known; `months` None = search not started."""
    if passion > LIKEABLE_RANK:
        return False
    if s.kind is ProjectKind.CREATE_OR_TAKE_OVER_COMPANY:
        return s.lacks_motivation
    if s.market_state is MarketState.EASY:
        return False
    if s.age <= YOUNG_MAX_AGE:
        return seniority < SENIOR_RANK
    never_done = similarity is PreviousJobSimilarity.NEVER_DONE
    if months is None and never_done:
        return s.lacks_motivation
    employed = s.kind is ProjectKind.FIND_ANOTHER_JOB
    if months is not None and months >= (
        EMPLOYED_SEARCHING_FOR_A_WHILE_MONTHS if employed else SEARCHING_FOR_A_WHILE_MONTHS
    ):
        return False
    return s.kind is ProjectKind.REORIENTATION or never_done


def check_find_what_you_like(s: Situation) -> Check:
    known_search = s.search_not_started or s.search_months is not None
    axes: tuple[tuple[str, tuple[Any, ...]], ...] = (
        (F_PASSION, _PASSION_RANKS if s.passion_rank is None else (s.passion_rank,)),
        (F_SENIORITY, _SENIORITY_RANKS if s.seniority_rank is None else (s.seniority_rank,)),
        (F_SIMILARITY, _SIMILARITIES if s.similarity is None else (s.similarity,)),
        (F_SEARCH_START, (None if s.search_not_started else s.search_months,) if known_search else _SEARCH_MONTHS),
    )
    outcomes = {values: _finds_what_they_like(s, *values) for values in product(*(axis for _, axis in axes))}
    if len(set(outcomes.values())) == 1:
        return (NEEDS if next(iter(outcomes.values())) else PASSED), ()
    # Name an unknown answer only when it alone can change the outcome.
    deciding = []
    for index, (field, axis) in enumerate(axes):
        if len(axis) == 1:
            continue
        seen: dict[tuple[Any, ...], set[bool]] = {}
        for values, outcome in outcomes.items():
            seen.setdefault(values[:index] + values[index + 1:], set()).add(outcome)
        if any(len(found) > 1 for found in seen.values()):
            deciding.append(field)
    return NOT_RELEVANT, tuple(deciding)


def diploma_gap(s: Situation) -> tuple[float, int] | None:
    """The most required (percent, degree rank) above the person's degree, among requirements >= 30 %."""
    if s.diploma_requirements is None or s.degree_rank is None:
        return None
    above = [r for r in s.diploma_requirements if r[0] >= DIPLOMA_MIN_PERCENT_OFFERS and r[1] > s.degree_rank]
    return max(above) if above else None


def check_missing_diploma(s: Situation) -> Check:
    requirements = s.diploma_requirements
    if s.kind is ProjectKind.CREATE_OR_TAKE_OVER_COMPANY:
        return PASSED, ()
    if requirements is None:
        return NOT_RELEVANT, ()
    significant = [rank for percent, rank in requirements if percent >= DIPLOMA_MIN_PERCENT_OFFERS]
    if not significant or max(significant) == 0:
        return PASSED, ()
    if s.training in HAS_OR_GETS_DIPLOMA:
        return PASSED, ()
    if s.seniority_rank is not None and s.seniority_rank >= EXPERT_RANK and s.age >= EXPERT_MIN_AGE_WITHOUT_DIPLOMA:
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
        sentence=sentence_for(main, s, diploma_gap(s), list(missing_fields)),
        sub_scores=sub_scores,
        missing_fields=list(missing_fields),
        employability=None,
    )
