"""Registry of scoring rules named by string ids: parse once, cache, evaluate many times.

A rule maps the facts of one diagnosis to None (cannot tell: data missing) or to a score 0..3 with
the reasons behind it. `for-*` rules score 3 when their condition holds and 0 otherwise; their
reasons state the observed fact ("you are 24"), so they also justify a negation.

Grammar (no spaces):
    constant(X)         X in 0..3, always that score, no reason
    not-RULE            3 when RULE scores 0, 0 when it scores > 0, None when it is None
    all(R1;R2;...)      0 if any scores 0, else None if any is None, else the minimum score
    any(R1;R2;...)      the maximum score if any is > 0, else None if any is None, else 0
    for-young(N)        age < N                          for-old(N)         age >= N
    for-frustrated(X)   X in the person's frustrations  (X a Frustration name)
    for-handicap        has_handicap                     for-no-driving-licence
    for-degree-at-most(X)   highest degree <= X          for-family(X[,Y])  family situation in list
    for-job-group(A12[,N])  ROME code prefix             for-departement(31[,32])
    for-mobility(X)     mobility area <= X               for-seniority(X)   seniority >= X
    for-project-kind(X[,Y]) for-passion(X) passion >= X  for-network(N)     network estimate == N
    for-training-fulfillment(X[,Y])  the answer about diplomas is among the values
    for-contract(X)     X among wanted contract types    for-no-resume      for-unclear-project
    for-long-search(N)  search >= N months               for-search-not-started
    for-many-applications(X)   weekly applications >= X
    for-few-interviews-per-month(R)   interviews / max(1, months) < R
    for-many-interviews(N)     total interviews >= N
    for-stressed-market(10/N)  offers per 10 candidates <= N (N offers for 10 candidates or fewer)
    for-missing-diploma        a degree asked by >= 30% of offers is above the person's
    for-first-hiring-channel(X)   X in SPONTANEOUS, NETWORK, AGENCY, OFFERS
    for-close-jobs-less-stressed  for-better-departements-nearby
    for-main-challenge(X)      X a ChallengeId value such as stuck-market
Each kind's docstring states when it returns None.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TypeVar

from services.advice.domain import (
    market_rules,
    person_rules,
    project_rules,
    search_rules,
)
from services.advice.domain.facts import NO, Facts, RuleFn, Verdict
from services.advice.domain.phrases import Reason
from services.advice.domain.rule_args import RuleIdError, parse_int

__all__ = ["RuleFn", "RuleIdError", "compile_rule", "rule_kinds"]

_T = TypeVar("_T")


def _merge(*tables: dict[str, _T]) -> dict[str, _T]:
    merged: dict[str, _T] = {}
    for table in tables:
        if clash := merged.keys() & table.keys():
            raise ValueError(f"rule kinds defined twice: {sorted(clash)}")
        merged.update(table)
    return merged


_PARAMETRIC = _merge(
    person_rules.PARAMETRIC, project_rules.PARAMETRIC, search_rules.PARAMETRIC, market_rules.PARAMETRIC
)
_PLAIN = _merge(person_rules.PLAIN, project_rules.PLAIN, search_rules.PLAIN, market_rules.PLAIN)
_CALL = re.compile(r"([a-z][a-z0-9-]*)\((.*)\)", re.DOTALL)


def rule_kinds() -> list[str]:
    """Every kind name, parametric ones suffixed with "(...)"."""
    return sorted([*(f"{kind}(...)" for kind in _PARAMETRIC), *_PLAIN, "constant(...)", "all(...)", "any(...)"])


def compile_rule(rule_id: str) -> RuleFn:
    """The rule for this id, compiled once and cached; raises RuleIdError naming the faulty id."""
    try:
        return _compile(rule_id)
    except RuleIdError as error:
        raise RuleIdError(f"invalid rule id {rule_id!r}: {error}") from None


@cache
def _compile(rule_id: str) -> RuleFn:
    _check_balanced(rule_id)
    if rule_id.startswith("not-"):
        return _negate(_compile(rule_id[4:]))
    if rule_id in _PLAIN:
        return _PLAIN[rule_id]
    call = _CALL.fullmatch(rule_id)
    if call is None:
        if rule_id in _PARAMETRIC:
            raise RuleIdError(f"{rule_id} needs an argument in parentheses")
        raise RuleIdError(f"unknown rule {rule_id!r}; known kinds: {', '.join(rule_kinds())}")
    kind, arg = call.groups()
    _check_balanced(arg)  # "a(1);b(2)" matches the call pattern with arg "1);b(2"
    if kind == "constant":
        verdict: Verdict = (parse_int(kind, arg, 0, 3), ())
        return lambda facts: verdict
    if kind == "all":
        return _all(tuple(_compile(part) for part in _split(arg)))
    if kind == "any":
        return _any(tuple(_compile(part) for part in _split(arg)))
    factory = _PARAMETRIC.get(kind)
    if factory is None:
        raise RuleIdError(f"unknown rule kind {kind!r}; known kinds: {', '.join(rule_kinds())}")
    return factory(kind, arg)


def _check_balanced(text: str) -> None:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            break
    if depth != 0:
        raise RuleIdError(f"unbalanced parentheses in {text!r}")


def _split(arg: str) -> list[str]:
    """Split on top-level ';' (nested combinators keep theirs)."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(arg):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == ";" and depth == 0:
            parts.append(arg[start:index])
            start = index + 1
    parts.append(arg[start:])
    if any(not part for part in parts):
        raise RuleIdError(f"empty operand in ({arg})")
    return parts


def _negate(inner: RuleFn) -> RuleFn:
    def rule(facts: Facts) -> Verdict | None:
        verdict = inner(facts)
        if verdict is None:
            return None
        return NO if verdict[0] else (3, verdict[1])

    return rule


def _all(children: tuple[RuleFn, ...]) -> RuleFn:
    def rule(facts: Facts) -> Verdict | None:
        score = 3
        reasons: tuple[Reason, ...] = ()
        unknown = False
        for child in children:
            verdict = child(facts)
            if verdict is None:
                unknown = True
            elif not verdict[0]:
                return NO
            else:
                if verdict[0] < score:
                    score = verdict[0]
                reasons += verdict[1]
        return None if unknown else (score, reasons)

    return rule


def _any(children: tuple[RuleFn, ...]) -> RuleFn:
    def rule(facts: Facts) -> Verdict | None:
        best = 0
        reasons: tuple[Reason, ...] = ()
        unknown = False
        for child in children:
            verdict = child(facts)
            if verdict is None:
                unknown = True
            elif verdict[0] > best:
                best, reasons = verdict
            elif verdict[0] == best and best:
                reasons += verdict[1]
        if best:
            return (best, reasons)
        return None if unknown else NO

    return rule
