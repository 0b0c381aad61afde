"""Data of the `diagnosis.completed` event and of the diagnosis API."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from shared.schemas.market import MarketFacts
from shared.schemas.profile import ProfileIn


class ChallengeId(StrEnum):
    """The seven main challenges, in the order they are checked."""

    UNDEFINED_PROJECT = "undefined-project"
    STUCK_MARKET = "stuck-market"
    FIND_WHAT_YOU_LIKE = "find-what-you-like"
    MISSING_DIPLOMA = "missing-diploma"
    START_YOUR_SEARCH = "start-your-search"
    ENHANCE_METHODS_TO_INTERVIEW = "enhance-methods-to-interview"
    BRAVO = "bravo"


class TrainStatus(StrEnum):
    NEEDS_ATTENTION = "NEEDS_ATTENTION"
    PASSED = "PASSED"
    NOT_RELEVANT = "NOT_RELEVANT"


class Text(BaseModel):
    """A sentence in both product languages."""

    model_config = ConfigDict(frozen=True)

    fr: str
    en: str


class TrainStep(BaseModel):
    model_config = ConfigDict(frozen=True)

    challenge: ChallengeId
    status: TrainStatus
    missing_fields: list[str] = []


class Factor(BaseModel):
    model_config = ConfigDict(frozen=True)

    feature: str
    contribution: float  # signed effect on the log-odds of being back at work
    label: Text


class Employability(BaseModel):
    model_config = ConfigDict(frozen=True)

    probability_back_to_work_3_months: Annotated[float, Field(ge=0, le=1)]
    expected_months: Annotated[float, Field(ge=0)]
    top_factors: list[Factor]
    model_version: str


class DiagnosisResult(BaseModel):
    """The pure outcome of the rules and the model for one profile version."""

    model_config = ConfigDict(frozen=True)

    main_challenge: ChallengeId
    train: list[TrainStep]
    overall_score: Annotated[int, Field(ge=0, le=100)]
    sentence: Text
    sub_scores: dict[str, float]
    missing_fields: list[str]
    employability: Employability | None = None


class DiagnosisCompleted(BaseModel):
    """Event data: carries the profile and market facts so the advice service needs no other source."""

    model_config = ConfigDict(frozen=True)

    profile_id: str
    profile_version: int
    computed_at: dt.datetime
    profile: ProfileIn
    market: MarketFacts | None
    diagnosis: DiagnosisResult
