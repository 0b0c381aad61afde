"""In-app feedback on the diagnosis and advice (issue 16): what may be judged or rated, and the operators'
summary. Pure: the caller loads the advice and the stored feedback."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


class FeedbackError(Exception):
    """A refusal of the feedback use cases; the API maps each to an HTTP status."""


class NoAdvice(FeedbackError):
    def __init__(self, version: int) -> None:
        super().__init__(f"no advice for profile version {version}")


class NotInAdvice(FeedbackError):
    """The module rated is not among the advice of that version (a 422 naming the field)."""

    def __init__(self, module_id: str, version: int) -> None:
        super().__init__(f"{module_id!r} is not among the advice of profile version {version}")
        self.module_id = module_id


def main_challenge(advice: Mapping[str, Any] | None, version: int) -> str:
    """The challenge a person judges is the one their advice of that version answers."""
    if advice is None:
        raise NoAdvice(version)
    return str(advice["main_challenge"])


def check_rated(advice: Mapping[str, Any] | None, version: int, module_id: str) -> None:
    if advice is None:
        raise NoAdvice(version)
    if module_id not in {item["module_id"] for item in advice["advice"]}:
        raise NotInAdvice(module_id, version)


@dataclass(frozen=True)
class ModuleRatings:
    module_id: str
    count: int
    mean: float


@dataclass(frozen=True)
class Summary:
    """What operators see: how often people agree with their main challenge (overall and per challenge), and
    the stars each advice module gets."""

    judged: int
    agreed: int
    agreement_by_challenge: dict[str, tuple[int, int]]  # challenge -> (judged, agreed)
    ratings: list[ModuleRatings]  # most rated first
    notes: int

    @property
    def agreement_rate(self) -> float | None:
        return None if not self.judged else self.agreed / self.judged


def summarise(items: Iterable[Mapping[str, Any]]) -> Summary:
    """From the stored feedback items (`kind` challenge, advice or note)."""
    judged = agreed = notes = 0
    by_challenge: dict[str, tuple[int, int]] = {}
    stars: dict[str, list[int]] = {}
    for item in items:
        if item["kind"] == "challenge":
            agrees = bool(item["agrees"])
            judged += 1
            agreed += agrees
            n, yes = by_challenge.get(item["main_challenge"], (0, 0))
            by_challenge[item["main_challenge"]] = (n + 1, yes + agrees)
        elif item["kind"] == "advice":
            stars.setdefault(item["module_id"], []).append(int(item["stars"]))
        elif item["kind"] == "note":
            notes += 1
    ratings = sorted(
        (ModuleRatings(module, len(given), sum(given) / len(given)) for module, given in stars.items()),
        key=lambda r: (-r.count, r.module_id),
    )
    return Summary(judged, agreed, dict(sorted(by_challenge.items())), ratings, notes)
