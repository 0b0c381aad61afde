"""Rule kinds about the person: age, blockers, handicap, driving licence, degree, family."""

from __future__ import annotations

from collections.abc import Callable

from services.advice.domain.facts import NO, Facts, RuleFn, Verdict
from services.advice.domain.labels import DEGREES, FAMILIES, FRUSTRATION_REASONS
from services.advice.domain.phrases import Phrase, Reason, reason
from services.advice.domain.rule_args import parse_enum, parse_int, parse_list
from shared.schemas.profile import Degree, FamilySituation, Frustration

DEGREE_RANK: dict[str, int] = {degree.value: rank for rank, degree in enumerate(Degree)}

AGE = Phrase("parce que vous avez {} ans", "because you are {} years old")
HANDICAP = Phrase(
    "parce que vous nous avez signalé une situation de handicap", "because you told us about a disability"
)
NO_LICENCE = Phrase("parce que vous n'avez pas le permis de conduire", "because you have no driving licence")
NO_DEGREE = Phrase("parce que vous n'avez pas de diplôme", "because you have no degree")
DEGREE = Phrase("parce que votre plus haut diplôme est {}", "because your highest degree is {}")
FAMILY = Phrase("parce que vous {}", "because you {}")


MAX_CACHED_AGE = 150
_AGE_REASONS: dict[int, tuple[Reason, ...]] = {}


def _age_reasons(age: int) -> tuple[Reason, ...]:
    # Built once per age value: age rules run several times per call.
    cached = _AGE_REASONS.get(age)
    if cached is None:
        cached = (reason(AGE, age),)
        if 0 <= age <= MAX_CACHED_AGE:
            _AGE_REASONS[age] = cached
    return cached


def degree_reason(degree: Degree) -> Reason:
    if degree is Degree.NO_DEGREE:
        return reason(NO_DEGREE)
    return reason(DEGREE, DEGREES[degree])


def for_young(kind: str, arg: str) -> RuleFn:
    """Age (this calendar year) strictly below N."""
    max_age = parse_int(kind, arg, 0, 150)

    def rule(facts: Facts) -> Verdict:
        return (3 if facts.age < max_age else 0, _age_reasons(facts.age))

    return rule


def for_old(kind: str, arg: str) -> RuleFn:
    """Age (this calendar year) N or more."""
    min_age = parse_int(kind, arg, 0, 150)

    def rule(facts: Facts) -> Verdict:
        return (3 if facts.age >= min_age else 0, _age_reasons(facts.age))

    return rule


def for_frustrated(kind: str, arg: str) -> RuleFn:
    """The person listed this blocker. The list is always known (empty = none), so never None."""
    frustration = parse_enum(kind, arg, Frustration)
    fired: Verdict = (3, (reason(FRUSTRATION_REASONS[frustration]),))

    def rule(facts: Facts) -> Verdict:
        return fired if frustration in facts.profile.frustrations else NO

    return rule


def for_degree_at_most(kind: str, arg: str) -> RuleFn:
    """Highest degree at most X (NO_DEGREE < CAP_BEP < ...); None when unknown."""
    ceiling = DEGREE_RANK[parse_enum(kind, arg, Degree)]

    def rule(facts: Facts) -> Verdict | None:
        degree = facts.profile.highest_degree
        if degree is None:
            return None
        return (3 if DEGREE_RANK[degree] <= ceiling else 0, (degree_reason(degree),))

    return rule


def for_family(kind: str, arg: str) -> RuleFn:
    """Family situation among a comma-separated list; None when unknown."""
    wanted = frozenset(parse_enum(kind, item, FamilySituation) for item in parse_list(kind, arg, r"[A-Z_]+"))

    def rule(facts: Facts) -> Verdict | None:
        family = facts.profile.family_situation
        if family is None:
            return None
        return (3, (reason(FAMILY, FAMILIES[family]),)) if family in wanted else NO

    return rule


_HAS_HANDICAP: Verdict = (3, (reason(HANDICAP),))
_HAS_NO_LICENCE: Verdict = (3, (reason(NO_LICENCE),))


def for_handicap(facts: Facts) -> Verdict:
    return _HAS_HANDICAP if facts.profile.has_handicap else NO


def for_no_driving_licence(facts: Facts) -> Verdict | None:
    has_licence = facts.profile.has_driving_licence
    if has_licence is None:
        return None
    return NO if has_licence else _HAS_NO_LICENCE


PARAMETRIC: dict[str, Callable[[str, str], RuleFn]] = {
    "for-young": for_young,
    "for-old": for_old,
    "for-frustrated": for_frustrated,
    "for-degree-at-most": for_degree_at_most,
    "for-family": for_family,
}
PLAIN: dict[str, RuleFn] = {
    "for-handicap": for_handicap,
    "for-no-driving-licence": for_no_driving_licence,
}
