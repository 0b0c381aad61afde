"""Data of the `advice.feedback` topic: what a job seeker thinks of their diagnosis and advice (issue 16).

Agreement and stars travel in clear (no free text, nothing sensitive beyond the challenge already named by the
advice); the note, the person's own words, travels only sealed with their data key (crypto-shredding)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from shared.crypto.cipher import associated, seal, unseal
from shared.schemas.diagnosis import ChallengeId
from shared.schemas.sealed import Sealed

CHALLENGE_JUDGED = "feedback.challenge-judged"
ADVICE_RATED = "feedback.advice-rated"
NOTE_LEFT = "feedback.note-left"
NOTE_MAX_CHARS = 500
Stars = Annotated[int, Field(ge=1, le=5, description="1 (useless) to 5 (very useful)")]
ModuleId = Annotated[str, Field(pattern=r"^[a-z0-9-]{1,60}$", description="The advice module rated")]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ChallengeJudged(_Frozen):
    """The person agrees or not with the main challenge of the diagnosis of this profile version."""

    profile_id: str
    profile_version: Annotated[int, Field(ge=1)]
    main_challenge: ChallengeId = Field(description="The main challenge judged (the one the advice answers)")
    agrees: bool
    judged_at: dt.datetime


class AdviceRated(_Frozen):
    """The person gave stars to one piece of their advice for this profile version."""

    profile_id: str
    profile_version: Annotated[int, Field(ge=1)]
    module_id: ModuleId
    stars: Stars
    rated_at: dt.datetime


class NoteLeft(_Frozen):
    """The person left (or replaced) their short note about the diagnosis and advice."""

    profile_id: str
    left_at: dt.datetime
    note: Sealed = Field(description="The note (at most 500 characters), sealed with the person's data key")

    @classmethod
    def sealing(cls, key: bytes, profile_id: str, note: str, left_at: dt.datetime) -> NoteLeft:
        return cls(profile_id=profile_id, left_at=left_at,
                   note=seal(key, note.encode(), associated(NOTE_LEFT, profile_id)))

    def opened(self, key: bytes) -> str:
        """Raises SealError when `key` is not the person's."""
        return unseal(key, self.note, associated(NOTE_LEFT, self.profile_id)).decode()
