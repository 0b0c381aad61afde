"""Parsing of rule arguments, with errors that name the faulty rule id."""

from __future__ import annotations

import re
from enum import Enum
from typing import TypeVar

_E = TypeVar("_E", bound=Enum)


class RuleIdError(ValueError):
    """A rule id that does not parse: unknown kind, bad argument or bad syntax."""


def parse_int(kind: str, arg: str, low: int, high: int) -> int:
    if not re.fullmatch(r"\d+", arg) or not low <= int(arg) <= high:
        raise RuleIdError(f"{kind}({arg}): expected an integer between {low} and {high}")
    return int(arg)


def parse_float(kind: str, arg: str) -> float:
    if not re.fullmatch(r"\d+(\.\d+)?", arg):
        raise RuleIdError(f"{kind}({arg}): expected a non-negative number such as 0.5")
    return float(arg)


def parse_enum(kind: str, arg: str, enum: type[_E]) -> _E:
    try:
        return enum[arg]
    except KeyError:
        names = ", ".join(member.name for member in enum)
        raise RuleIdError(f"{kind}({arg}): expected one of {names}") from None


def parse_enum_value(kind: str, arg: str, enum: type[_E]) -> _E:
    """For enums named by value, such as challenge ids ("stuck-market")."""
    try:
        return enum(arg)
    except ValueError:
        values = ", ".join(str(member.value) for member in enum)
        raise RuleIdError(f"{kind}({arg}): expected one of {values}") from None


def parse_list(kind: str, arg: str, pattern: str) -> tuple[str, ...]:
    """A comma-separated list, each item matching `pattern` (e.g. ROME prefixes "A12,B1")."""
    items = tuple(item.strip() for item in arg.split(","))
    for item in items:
        if not re.fullmatch(pattern, item):
            raise RuleIdError(f"{kind}({arg}): {item!r} does not match {pattern}")
    return items
