"""Data of the `diagnosis.completed` event and of the diagnosis API."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.schemas.market import MarketFacts
from shared.schemas.profile import ProfileIn
from shared.schemas.sealed import Contact, Sealed, open_model, seal_model

EVENT_TYPE = "diagnosis.completed"


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
    contribution: float = Field(description="Signed effect on the log-odds of being back at work")
    label: Text


class Employability(BaseModel):
    model_config = ConfigDict(frozen=True)

    probability_back_to_work_3_months: Annotated[float, Field(ge=0, le=1)]
    expected_months: Annotated[float, Field(ge=0, description="Expected months until back at work")]
    top_factors: list[Factor] = Field(description="The features that weigh most, largest effect first")
    model_version: str = Field(description="Version of the model that made the estimate")


class DiagnosisResult(BaseModel):
    """The pure outcome of the rules and the model for one profile version."""

    model_config = ConfigDict(frozen=True)

    main_challenge: ChallengeId = Field(description="The first challenge of the train that needs attention")
    train: list[TrainStep] = Field(description="Every challenge in the order checked, with its status")
    overall_score: Annotated[int, Field(ge=0, le=100)]
    sentence: Text = Field(description="The diagnosis in one sentence, for the person")
    sub_scores: dict[str, float]
    missing_fields: list[str] = Field(description="Profile fields that would make the diagnosis surer")
    employability: Employability | None = Field(None, description="The model's estimate, when it could make one")


class DiagnosisCompleted(BaseModel):
    """A diagnosis in clear, with the profile (no name, no email) and market facts so that the advice service needs no
    other source. On the `diagnosis.completed` topic it travels only sealed (`SealedDiagnosisCompleted`)."""

    model_config = ConfigDict(frozen=True)

    profile_id: str = Field(description="The job seeker's id")
    profile_version: int = Field(description="The profile version diagnosed")
    computed_at: dt.datetime
    profile: ProfileIn = Field(description="The diagnosed profile version (personal data)")
    market: MarketFacts | None = Field(description="The target job's market in the target département, if known")
    diagnosis: DiagnosisResult

    def sealed(
        self, key: bytes, contact: str | None, submitted_at: dt.datetime | None = None
    ) -> SealedDiagnosisCompleted:
        """The event data, sealed with `key` (the person's data key); `contact` is forwarded as it came, unopened."""
        return SealedDiagnosisCompleted(
            profile_id=self.profile_id, profile_version=self.profile_version, computed_at=self.computed_at,
            sealed=seal_model(key, self, EVENT_TYPE, self.profile_id, include=_SEALED), contact=contact,
            submitted_at=submitted_at,
        )


class _SealedPart(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    profile: ProfileIn
    market: MarketFacts | None
    diagnosis: DiagnosisResult


_SEALED = set(_SealedPart.model_fields)


class SealedDiagnosisCompleted(BaseModel):
    """Data of the `diagnosis.completed` event (version 2)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    profile_id: str = Field(description="The job seeker's id")
    profile_version: int = Field(description="The profile version diagnosed")
    computed_at: dt.datetime
    sealed: Sealed = Field(description="`profile` (no name, no email), `market` and `diagnosis`, sealed")
    contact: Contact = None
    submitted_at: dt.datetime | None = Field(
        None, description="The time of the profile.submitted event diagnosed: the pipeline's end-to-end latency"
    )

    def opened(self, key: bytes) -> DiagnosisCompleted:
        """Raises SealError when `key` is not the person's."""
        part = open_model(_SealedPart, key, self.sealed, EVENT_TYPE, self.profile_id)
        return DiagnosisCompleted(profile_id=self.profile_id, profile_version=self.profile_version,
                                  computed_at=self.computed_at, **dict(part))


def upcast_v1(data: dict[str, Any]) -> dict[str, Any]:
    """v1 carried the profile in clear; refused since v2 for the reason profile.submitted v1 is
    (shared/schemas/profile.py)."""
    raise ValueError(f"{EVENT_TYPE} v1 carries the profile in clear, refused since v2: {data.get('profile_id')}")


class ModelReleased(BaseModel):
    """Data of the `model.released` event: which employability model version diagnoses from now on."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str = Field(description="The model's name, e.g. employability")
    version: str = Field(description="The version released, e.g. employability-v2")
    previous_version: str | None = Field(description="The version it replaces")
    released_at: dt.datetime
    reason: Literal["release", "rollback"] = Field(description="A gated release, or a rollback to an earlier one")
