"""Data of the `engagement.actions` events: a person's action plan changed (plan created, strategy chosen, action
added, removed, done, stuck or reopened).

What says which strategy and which action (an action may be about a handicap or discrimination) and the person's
note travel only sealed with their data key; in clear stay what the figures need: the action's state and target
date, and the plan's progress."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from shared.schemas.sealed import Sealed, open_model, seal_model

NOTE_MAX = 500


class ActionState(StrEnum):
    TODO = "todo"
    DONE = "done"
    STUCK = "stuck"


class Progress(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    total: Annotated[int, Field(ge=0, description="Actions in the plan")]
    done: Annotated[int, Field(ge=0)]
    stuck: Annotated[int, Field(ge=0)]


class PlanDetail(BaseModel):
    """The sealed part."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    strategy_id: str
    action_id: str | None = None
    module_id: str | None = None
    note: Annotated[str | None, Field(max_length=NOTE_MAX)] = None


class _Common(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    profile_id: str = Field(description="The job seeker's id")
    revision: Annotated[int, Field(ge=1, description="The plan's revision this change made")]
    occurred_at: dt.datetime
    state: ActionState | None = Field(None, description="The action's state after the change (none for the plan)")
    target_date: dt.date | None = Field(None, description="The date the person chose for the action, if any")
    progress: Progress


class PlanChanged(_Common):
    """In clear, as the advice service makes it; on the topic only `SealedPlanChanged`."""

    detail: PlanDetail

    def sealed(self, key: bytes, event_type: str) -> SealedPlanChanged:
        return SealedPlanChanged(
            **self.model_dump(exclude={"detail"}),
            sealed=seal_model(key, self.detail, event_type, self.profile_id),
        )


class SealedPlanChanged(_Common):
    """Data of every `engagement.actions` event type."""

    sealed: Sealed = Field(description="`strategy_id`, `action_id`, `module_id` and the person's `note`, sealed")

    def opened(self, key: bytes, event_type: str) -> PlanChanged:
        """Raises SealError when `key` is not the person's or the type is not the one it was sealed for."""
        detail = open_model(PlanDetail, key, self.sealed, event_type, self.profile_id)
        return PlanChanged(**self.model_dump(exclude={"sealed"}), detail=detail)
