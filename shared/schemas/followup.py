"""Data of the followup events: trial assignment, advice release, surveys sent and answered."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.crypto.cipher import associated, seal, unseal
from shared.schemas.profile import ContractType
from shared.schemas.sealed import Sealed

SURVEY_ANSWERED = "followup.survey.answered"


class Group(StrEnum):
    TREATED = "TREATED"
    CONTROL = "CONTROL"  # gets the diagnosis; its advice is withheld until after the three-month survey


class SurveyKind(StrEnum):
    FIRST_FOLLOWUP = "first-followup"  # around day 7
    EMPLOYMENT_STATUS = "employment-status"  # day 90-97, then about every 3 months while seeking


class Situation(StrEnum):
    WORKING = "WORKING"
    FORMATION = "FORMATION"
    INTERNSHIP = "INTERNSHIP"
    ALTERNANCE = "ALTERNANCE"
    FREELANCE = "FREELANCE"
    CREATE_OR_TAKE_OVER_COMPANY = "CREATE_OR_TAKE_OVER_COMPANY"
    SEEKING = "SEEKING"
    COMPLICATED = "COMPLICATED"


# Situations counted as "back at work" in the figures and as the positive label of training examples.
BACK_AT_WORK = frozenset(
    {Situation.WORKING, Situation.ALTERNANCE, Situation.FREELANCE, Situation.CREATE_OR_TAKE_OVER_COMPANY}
)


class Helped(StrEnum):
    YES_A_LOT = "YES_A_LOT"
    YES = "YES"
    NOT_AT_ALL = "NOT_AT_ALL"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


Score = Annotated[int, Field(ge=1, le=5)]


class Scores(_Frozen):
    """1-5 ratings of what the platform brought; each optional."""

    personalised_advice: Score | None = None
    new_ideas: Score | None = None
    useful_resources: Score | None = None
    helps_plan: Score | None = None
    motivation: Score | None = None
    self_confidence: Score | None = None

    def given(self) -> list[int]:
        return [v for v in self.model_dump().values() if v is not None]


class SurveyForm(_Frozen):
    """What the person fills in after the one-click link."""

    situation: Situation
    helped: Helped | None = None
    new_job_contract: ContractType | None = None
    features_helped: Annotated[
        list[Annotated[str, Field(pattern=r"^[a-z0-9-]{1,60}$")]], Field(max_length=20)
    ] = []
    scores: Scores = Scores()
    nps: Annotated[int, Field(ge=0, le=10)] | None = None
    free_text: Annotated[str, Field(max_length=2000)] | None = None


class GroupAssigned(_Frozen):
    """Recorded once at sign-up: draw < control_share means CONTROL. Reproducible from (seed, profile_id)."""

    profile_id: str
    group: Group = Field(description="TREATED sees advice at once; CONTROL only after the three-month survey")
    seed: str = Field(description="The trial's seed: with the profile id it reproduces the draw")
    control_share: Annotated[float, Field(ge=0, le=1, description="The share of people drawn into CONTROL")]
    draw: Annotated[float, Field(ge=0, lt=1, description="The person's draw: below control_share means CONTROL")]
    signed_up_at: dt.datetime
    release_after: dt.datetime = Field(description="When CONTROL advice is released at the latest")


class AdviceReleased(_Frozen):
    profile_id: str
    released_at: dt.datetime
    reason: Literal["survey-answered", "survey-window-passed"] = Field(description="What released the advice")


class SurveyRef(_Frozen):
    """Who got which survey, with what the figures group by."""

    profile_id: str
    kind: SurveyKind
    round: Annotated[int, Field(ge=1, description="1 for the first survey of its kind, then one more each time")]
    signed_up_at: dt.datetime
    group: Group = Field(description="The person's trial group")

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.round}"


class SurveySent(SurveyRef):
    sent_at: dt.datetime


class SurveyAnswered(SurveyRef):
    """One step of an answer: the one-click (seeking yes/no) or the form."""

    step: Literal["click", "form"] = Field(description="The one-click answer, then the form")
    answered_at: dt.datetime
    seeking: bool = Field(description="Whether the person is still seeking a job")
    form: SurveyForm | None = Field(None, description="The filled form (step form only)")

    free_text: Sealed | None = Field(None, description=(
        "The form's free text, sealed with the person's data key (on the topic the form's own `free_text` is "
        "always empty)"))

    def on_topic(self, key: bytes | None) -> SurveyAnswered:
        """The event's data: the free text moved out of the form and sealed (left out when the person has no key;
        the followup service keeps the answer)."""
        if self.form is None or self.form.free_text is None:
            return self
        text = None if key is None else seal(key, self.form.free_text.encode(), self._associated)
        return self.model_copy(update={"form": self.form.model_copy(update={"free_text": None}), "free_text": text})

    def opened_text(self, key: bytes) -> str | None:
        """Raises SealError when `key` is not the person's."""
        return None if self.free_text is None else unseal(key, self.free_text, self._associated).decode()

    @property
    def _associated(self) -> bytes:
        return associated(SURVEY_ANSWERED, self.profile_id)


def upcast_answered_v1(data: dict[str, Any]) -> dict[str, Any]:
    """v1 carried the form's free text in clear: it is left out (no figure uses it; the followup service keeps it)."""
    form = data.get("form")
    return {**data, "form": None if form is None else {**form, "free_text": None}}
