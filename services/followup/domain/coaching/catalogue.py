"""The focus emails and who each fits (pure).

Borrowed from Bob Emploi's coaching emails (bayesimpact/bob-emploi, frontend/server/mail/focus.py and its
campaigns focus-network, focus-spontaneous, improve-cv, prepare-your-application, confidence-boost,
focus-self-develop, imt, get-diploma, action-plan): the person opts in, each campaign has a scoring rule (0 = does
not fit, up to 3 = fits best), the best-scoring campaign not yet sent goes next, each once. Our rules read only
what the follow-up keeps of the profile (`CoachingProfile`): no discrimination answer, no diagnosis result; and,
for the action-plan reminder, how many actions of the person's plan are left (`engagement.actions`, in clear:
which actions they are stays sealed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from shared.schemas.profile import ChallengeGuess, Frustration, TrainingFulfillment

DAYS_PER_MONTH = 30.5
# The frustrations a focus answers; the others (discrimination among them: sensitive) are never kept here.
RELEVANT_FRUSTRATIONS = frozenset({
    Frustration.NO_OFFERS, Frustration.NO_OFFER_ANSWERS, Frustration.RESUME, Frustration.INTERVIEW,
    Frustration.TRAINING, Frustration.MOTIVATION, Frustration.SELF_CONFIDENCE, Frustration.EXPERIENCE,
})


class Focus(StrEnum):
    """The catalogue; the values are in decision ids and metrics: never rename them."""

    NETWORK = "network"
    SPONTANEOUS = "spontaneous"
    CV = "cv"
    INTERVIEW = "interview"
    CONFIDENCE = "confidence"
    MOTIVATION = "motivation"
    LOCAL_MARKET = "local-market"
    TRAINING = "training"
    ACTION_PLAN = "action-plan"


@dataclass(frozen=True)
class CoachingProfile:
    """What the coaching rules may read of the person's latest profile."""

    frustrations: frozenset[Frustration] = frozenset()
    search_started_on: dt.date | None = None  # None: not started or unknown
    network: int | None = None  # 1 weak, 2 medium, 3 strong
    has_resume: bool | None = None
    training: TrainingFulfillment | None = None
    challenge_guess: ChallengeGuess | None = None
    has_target_job: bool = False

    def search_months(self, today: dt.date) -> float | None:
        if self.search_started_on is None:
            return None
        return max(0.0, (today - self.search_started_on).days / DAYS_PER_MONTH)

    def to_doc(self) -> dict[str, Any]:
        return {
            "frustrations": sorted(f.value for f in self.frustrations),
            "search_started_on": self.search_started_on.isoformat() if self.search_started_on else None,
            "network": self.network, "has_resume": self.has_resume,
            "training": self.training.value if self.training else None,
            "challenge_guess": self.challenge_guess.value if self.challenge_guess else None,
            "has_target_job": self.has_target_job,
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any] | None) -> CoachingProfile:
        if not doc:
            return cls()
        started = doc.get("search_started_on")
        return cls(
            frustrations=frozenset(Frustration(f) for f in doc.get("frustrations") or ()),
            search_started_on=dt.date.fromisoformat(started) if started else None,
            network=doc.get("network"), has_resume=doc.get("has_resume"),
            training=TrainingFulfillment(doc["training"]) if doc.get("training") else None,
            challenge_guess=ChallengeGuess(doc["challenge_guess"]) if doc.get("challenge_guess") else None,
            has_target_job=bool(doc.get("has_target_job")),
        )


Rule = Callable[[CoachingProfile, dt.date], int]


def _network(p: CoachingProfile, _: dt.date) -> int:
    if p.network == 1 or Frustration.NO_OFFERS in p.frustrations:
        return 3
    return 2 if p.network in (None, 2) else 1


def _spontaneous(p: CoachingProfile, _: dt.date) -> int:
    if Frustration.NO_OFFERS in p.frustrations or p.challenge_guess is ChallengeGuess.STUCK_MARKET:
        return 3
    return 1


def _cv(p: CoachingProfile, _: dt.date) -> int:
    if Frustration.RESUME in p.frustrations or p.has_resume is False:
        return 3
    return 2 if Frustration.NO_OFFER_ANSWERS in p.frustrations else 1


def _interview(p: CoachingProfile, _: dt.date) -> int:
    if Frustration.INTERVIEW in p.frustrations or p.challenge_guess is ChallengeGuess.ENHANCE_METHODS_TO_INTERVIEW:
        return 3
    return 1


def _confidence(p: CoachingProfile, today: dt.date) -> int:
    if Frustration.SELF_CONFIDENCE in p.frustrations:
        return 3
    months = p.search_months(today)
    return 2 if months is not None and months >= 6 else 0


def _motivation(p: CoachingProfile, today: dt.date) -> int:
    if Frustration.MOTIVATION in p.frustrations:
        return 3
    months = p.search_months(today)
    return 2 if months is not None and months >= 12 else 0


def _local_market(p: CoachingProfile, _: dt.date) -> int:
    if not p.has_target_job:
        return 0  # the market page needs a target job
    return 3 if p.challenge_guess is ChallengeGuess.STUCK_MARKET else 1


def _training(p: CoachingProfile, _: dt.date) -> int:
    if (Frustration.TRAINING in p.frustrations or p.challenge_guess is ChallengeGuess.MISSING_DIPLOMA
            or p.training is TrainingFulfillment.NOT_SURE):
        return 3
    return 0


RULES: dict[Focus, Rule] = {
    Focus.NETWORK: _network,
    Focus.SPONTANEOUS: _spontaneous,
    Focus.CV: _cv,
    Focus.INTERVIEW: _interview,
    Focus.CONFIDENCE: _confidence,
    Focus.MOTIVATION: _motivation,
    Focus.LOCAL_MARKET: _local_market,
    Focus.TRAINING: _training,
}


def scores(profile: CoachingProfile, today: dt.date, plan_actions_left: int = 0) -> dict[Focus, int]:
    """How well each focus fits the person (0: not at all, never sent). The reminder of their own plan fits best
    while actions of it are left to do."""
    return {**{focus: rule(profile, today) for focus, rule in RULES.items()},
            Focus.ACTION_PLAN: 3 if plan_actions_left > 0 else 0}
