"""Composition of rule ids (constant, not-, all, any), caching and parse errors."""

from __future__ import annotations

from typing import Any

import pytest

from services.advice.domain.rules import RuleIdError, compile_rule, rule_kinds
from tests.unit.advice.factories import born_aged, evaluate, score

YOUNG: dict[str, Any] = {"profile": {"year_of_birth": born_aged(20)}}


@pytest.mark.parametrize("value", [0, 1, 2, 3])
def test_constant(value: int) -> None:
    assert evaluate(f"constant({value})") == (value, ())


def test_not_inverts_and_keeps_the_facts() -> None:
    assert score("not-for-young(25)") == 3
    assert score("not-for-young(25)", **YOUNG) == 0
    assert score("not-not-for-young(25)", **YOUNG) == 3
    verdict = evaluate("not-for-young(25)")
    assert verdict is not None
    assert len(verdict[1]) == 1  # "you are 35"


def test_not_of_a_constant() -> None:
    assert score("not-constant(0)") == 3
    assert score("not-constant(2)") == 0


def test_all_takes_the_minimum_and_joins_reasons() -> None:
    verdict = evaluate("all(for-young(25);constant(2))", **YOUNG)
    assert verdict is not None
    assert verdict[0] == 2
    assert len(verdict[1]) == 1
    assert score("all(for-young(25);for-handicap)", **YOUNG) == 0


def test_all_is_unknown_only_when_nothing_says_no() -> None:
    no_licence_info: dict[str, Any] = {"profile": {"has_driving_licence": None, "year_of_birth": born_aged(20)}}
    assert score("all(for-young(25);for-no-driving-licence)", **no_licence_info) is None
    assert score("all(for-old(25);for-no-driving-licence)", **no_licence_info) == 0


def test_any_takes_the_maximum() -> None:
    assert score("any(constant(1);constant(2))") == 2
    assert score("any(for-young(25);constant(1))", **YOUNG) == 3
    assert score("any(for-young(25);for-handicap)") == 0


def test_any_is_unknown_only_when_nothing_says_yes() -> None:
    unknown: dict[str, Any] = {"profile": {"has_driving_licence": None}}
    assert score("any(for-young(25);for-no-driving-licence)", **unknown) is None
    assert score("any(for-old(25);for-no-driving-licence)", **unknown) == 3


def test_nested_combinators() -> None:
    rule = "any(all(for-young(25);constant(1));all(for-departement(31);not-any(for-handicap;constant(0))))"
    assert score(rule) == 3
    assert score(rule, project={"city": {"name": "Auch", "departement_id": "32"}}) == 0


def test_rules_are_compiled_once() -> None:
    assert compile_rule("all(for-young(25);for-handicap)") is compile_rule("all(for-young(25);for-handicap)")


def test_rule_kinds_lists_every_kind() -> None:
    kinds = rule_kinds()
    for expected in ("for-young(...)", "for-stressed-market(...)", "for-handicap", "all(...)", "constant(...)"):
        assert expected in kinds


@pytest.mark.parametrize(
    ("rule_id", "message"),
    [
        ("for-yung(25)", "unknown rule kind 'for-yung'"),
        ("for-hadicap", "unknown rule 'for-hadicap'"),
        ("for-young", "needs an argument"),
        ("for-young(abc)", "expected an integer"),
        ("for-young()", "expected an integer"),
        ("for-frustrated(BORED)", "expected one of NO_OFFERS"),
        ("for-stressed-market(3)", "expected 10/N"),
        ("for-main-challenge(nope)", "expected one of undefined-project"),
        ("for-first-hiring-channel(TV)", "expected one of SPONTANEOUS"),
        ("for-job-group(Z12)", "does not match"),
        ("for-departement(100)", "does not match"),
        ("for-few-interviews-per-month(-1)", "non-negative number"),
        ("constant(4)", "between 0 and 3"),
        ("all(for-young(25)", "unbalanced"),
        ("for-young(25));for-handicap(", "unbalanced"),
        ("all(;for-handicap)", "empty operand"),
        ("all()", "empty operand"),
        ("not-all(for-handicap;for-yung(2))", "unknown rule kind 'for-yung'"),
        ("", "unknown rule ''"),
    ],
)
def test_bad_rule_ids_raise_a_clear_error(rule_id: str, message: str) -> None:
    with pytest.raises(RuleIdError, match="invalid rule id") as error:
        compile_rule(rule_id)
    assert message in str(error.value)
    assert repr(rule_id) in str(error.value)
