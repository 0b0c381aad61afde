"""Rule kinds about the search itself: its length, applications and interviews."""

from __future__ import annotations

from collections.abc import Callable

from services.advice.domain.facts import NO, Facts, RuleFn, Verdict
from services.advice.domain.labels import WEEKLY_COUNTS
from services.advice.domain.phrases import Phrase, Reason, reason
from services.advice.domain.rule_args import parse_enum, parse_float, parse_int
from shared import texts
from shared.schemas.profile import Frequency

SEARCH_LENGTH = Phrase("parce que vous cherchez depuis {}", "because you have been searching for {}")
NOT_STARTED = Phrase(
    "parce que vous n'avez pas encore commencé votre recherche", "because you have not started your search yet"
)
APPLICATIONS = Phrase(
    "parce que vous envoyez {} candidatures par semaine", "because you send {} applications a week"
)
INTERVIEW_RATE = Phrase(
    "parce que vous avez obtenu {} entretiens en {} de recherche",
    "because you got {} interviews in {} of searching",
    fr_one="parce que vous avez obtenu {} entretien en {} de recherche",
    en_one="because you got {} interview in {} of searching",
)
INTERVIEWS = Phrase(
    "parce que vous avez déjà passé {} entretiens",
    "because you have already had {} interviews",
    fr_one="parce que vous avez déjà passé {} entretien",
    en_one="because you have already had {} interview",
)

_FREQUENCY_RANK = {frequency: rank for rank, frequency in enumerate(Frequency)}
_NOT_STARTED: Verdict = (3, (reason(NOT_STARTED),))


MAX_CACHED_MONTHS = 600
_SEARCH_REASONS: dict[int, tuple[Reason, ...]] = {}


def search_length_reasons(months: float) -> tuple[Reason, ...]:
    # Built once per whole month: search-length rules run several times per call.
    whole = texts.whole_months(months)
    cached = _SEARCH_REASONS.get(whole)
    if cached is None:
        cached = (reason(SEARCH_LENGTH, texts.months(whole)),)
        if whole <= MAX_CACHED_MONTHS:
            _SEARCH_REASONS[whole] = cached
    return cached


def for_long_search(kind: str, arg: str) -> RuleFn:
    """Searching for N months or more (days / 30.5); None when not started or start unknown."""
    min_months = parse_int(kind, arg, 0, 600)

    def rule(facts: Facts) -> Verdict | None:
        months = facts.search_months
        if months is None:
            return None
        return (3 if months >= min_months else 0, search_length_reasons(months))

    return rule


def for_search_not_started(facts: Facts) -> Verdict | None:
    project = facts.project
    if project.job_search_has_not_started:
        return _NOT_STARTED
    return NO if project.job_search_started_at is not None else None


def for_many_applications(kind: str, arg: str) -> RuleFn:
    """Weekly applications at least X (LESS_THAN_2 < SOME < DECENT_AMOUNT < A_LOT); None when unknown."""
    floor = _FREQUENCY_RANK[parse_enum(kind, arg, Frequency)]

    def rule(facts: Facts) -> Verdict | None:
        applications = facts.project.weekly_applications
        if applications is None:
            return None
        score = 3 if _FREQUENCY_RANK[applications] >= floor else 0
        return (score, (reason(APPLICATIONS, WEEKLY_COUNTS[applications]),))

    return rule


def for_few_interviews_per_month(kind: str, arg: str) -> RuleFn:
    """Interviews / max(1, months of search) strictly below R: a first month counts as a full one.

    None when the interview count or the search start is unknown, or the search has not started.
    """
    max_rate = parse_float(kind, arg)

    def rule(facts: Facts) -> Verdict | None:
        months = facts.search_months
        count = facts.project.total_interview_count
        if months is None or count is None:
            return None
        rate = count / max(1.0, months)
        return (3 if rate < max_rate else 0, (reason(INTERVIEW_RATE, count, texts.months(months)),))

    return rule


def for_many_interviews(kind: str, arg: str) -> RuleFn:
    """Total interviews since the search started at least N; None when unknown."""
    min_count = parse_int(kind, arg, 0, 1000)

    def rule(facts: Facts) -> Verdict | None:
        count = facts.project.total_interview_count
        if count is None:
            return None
        return (3 if count >= min_count else 0, (reason(INTERVIEWS, count),))

    return rule


PARAMETRIC: dict[str, Callable[[str, str], RuleFn]] = {
    "for-long-search": for_long_search,
    "for-many-applications": for_many_applications,
    "for-few-interviews-per-month": for_few_interviews_per_month,
    "for-many-interviews": for_many_interviews,
}
PLAIN: dict[str, RuleFn] = {
    "for-search-not-started": for_search_not_started,
}
