"""Data of the `advice.generated` event and of the advice API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.schemas.diagnosis import ChallengeId, Text
from shared.schemas.sealed import Sealed, open_model, seal_model

EVENT_TYPE = "advice.generated"


class CardEntry(BaseModel):
    """One line of a card section: a step, a job or a place with its figure, a resource with its link."""

    model_config = ConfigDict(frozen=True)

    text: Text
    detail: Text | None = Field(None, description="A figure, who a resource is for, or a filled template")
    url: str | None = None


class CardSection(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: Literal["steps", "jobs", "places", "resources", "template", "rights"]
    title: Text
    entries: list[CardEntry]


class Card(BaseModel):
    """The expanded card: what to do this week, then what fits this person's job and place."""

    model_config = ConfigDict(frozen=True)

    sections: list[CardSection]


class AdviceItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    module_id: str = Field(description="The advice module (stable id of a kind of advice)")
    score: Annotated[int, Field(ge=1, le=3, description="Priority: 3 is the most important")]
    title: Text
    explanations: list[Text] = Field(description="Why this advice fits this person")
    card: Card | None = Field(None, description="What to do and where, for this person's job and place")


class AdviceGenerated(BaseModel):
    """Advice in clear, as the advice service stores and serves it. Its items tell why (a handicap, discrimination):
    on the `advice.generated` topic it travels only sealed (`SealedAdviceGenerated`)."""

    model_config = ConfigDict(frozen=True)

    profile_id: str = Field(description="The job seeker's id")
    profile_version: int = Field(description="The profile version the advice was computed for")
    computed_at: dt.datetime
    main_challenge: ChallengeId = Field(description="The diagnosis' main challenge the advice addresses")
    advice: list[AdviceItem] = Field(description="Ranked, best first")

    def sealed(self, key: bytes) -> SealedAdviceGenerated:
        return SealedAdviceGenerated(
            profile_id=self.profile_id, profile_version=self.profile_version, computed_at=self.computed_at,
            sealed=seal_model(key, self, EVENT_TYPE, self.profile_id, include=_SEALED),
        )


class _SealedPart(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    main_challenge: ChallengeId
    advice: list[AdviceItem]


_SEALED = set(_SealedPart.model_fields)


class SealedAdviceGenerated(BaseModel):
    """Data of the `advice.generated` event (version 2)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    profile_id: str = Field(description="The job seeker's id")
    profile_version: int = Field(description="The profile version the advice was computed for")
    computed_at: dt.datetime
    sealed: Sealed = Field(description="`main_challenge` and `advice` (ranked, best first), sealed")

    def opened(self, key: bytes) -> AdviceGenerated:
        """Raises SealError when `key` is not the person's."""
        part = open_model(_SealedPart, key, self.sealed, EVENT_TYPE, self.profile_id)
        return AdviceGenerated(profile_id=self.profile_id, profile_version=self.profile_version,
                               computed_at=self.computed_at, **dict(part))


def upcast_v1(data: dict[str, Any]) -> dict[str, Any]:
    """v1 carried the advice in clear, and advice tells why (a handicap, discrimination): refused since v2 for the
    reason profile.submitted v1 is (shared/schemas/profile.py)."""
    raise ValueError(f"{EVENT_TYPE} v1 carries the advice in clear, refused since v2: {data.get('profile_id')}")
