"""Data of the `advice.generated` event and of the advice API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from shared.schemas.diagnosis import ChallengeId, Text


class AdviceItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    module_id: str
    score: Annotated[int, Field(ge=1, le=3)]
    title: Text
    explanations: list[Text]


class AdviceGenerated(BaseModel):
    model_config = ConfigDict(frozen=True)

    profile_id: str
    profile_version: int
    computed_at: dt.datetime
    main_challenge: ChallengeId
    advice: list[AdviceItem]
