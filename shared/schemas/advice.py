"""Data of the `advice.generated` event and of the advice API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from shared.schemas.diagnosis import ChallengeId, Text


class AdviceItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    module_id: str = Field(description="The advice module (stable id of a kind of advice)")
    score: Annotated[int, Field(ge=1, le=3, description="Priority: 3 is the most important")]
    title: Text
    explanations: list[Text] = Field(description="Why this advice fits this person")


class AdviceGenerated(BaseModel):
    model_config = ConfigDict(frozen=True)

    profile_id: str = Field(description="The job seeker's id")
    profile_version: int = Field(description="The profile version the advice was computed for")
    computed_at: dt.datetime
    main_challenge: ChallengeId = Field(description="The diagnosis' main challenge the advice addresses")
    advice: list[AdviceItem] = Field(description="Ranked, best first")
