"""What the rules read, gathered once per `advise` call, and the shape of a rule's answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeAlias

from services.advice.domain.phrases import Reason
from shared.schemas.diagnosis import ChallengeId, DiagnosisCompleted
from shared.schemas.market import MarketFacts
from shared.schemas.profile import ProfileIn, Project

# (score 0..3, reasons). 0 = evaluated and does not fire; a rule returns None when data is missing.
Verdict: TypeAlias = tuple[int, tuple[Reason, ...]]
RuleFn: TypeAlias = Callable[["Facts"], Verdict | None]

NO: Verdict = (0, ())


class Facts:
    """The main project's view of one diagnosis event; rules read attributes, never recompute them."""

    __slots__ = ("age", "main_challenge", "market", "offers_per_10", "profile", "project", "search_months")

    def __init__(self, event: DiagnosisCompleted, today: dt.date) -> None:
        profile = event.profile
        self.profile: ProfileIn = profile
        self.project: Project = profile.projects[0]
        market = event.market
        self.market: MarketFacts | None = market
        self.main_challenge: ChallengeId = event.diagnosis.main_challenge
        self.age: int = profile.age(today)
        self.search_months: float | None = self.project.search_length_months(today)
        self.offers_per_10: float | None = None if market is None else market.offers_per_10_candidates
