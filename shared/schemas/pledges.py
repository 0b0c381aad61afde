"""Data of the pledges context's events (Bob Action). No personal data: ids, kinds and states only."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Kind = Literal["HELP_RESUME", "HELP_COVER_LETTER", "HELP_COFFEE"]
DocumentKind = Literal["RESUME", "COVER_LETTER"]


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PledgeRef(_Event):
    pledge_id: str
    kind: Kind
    capacity: int = Field(description="How many people the helper offers to help with this pledge")


class HelperChanged(_Event):
    """helper.registered, helper.confirmed, helper.unsubscribed."""

    helper_id: str
    pledges: list[PledgeRef] = Field(description="The helper's pledges (all of them, whatever changed)")


class PledgeFulfilled(_Event):
    pledge_id: str
    helper_id: str
    kind: Kind


class HelpOffered(_Event):
    """A job seeker is offered these kinds of help (from their blockers or their advice)."""

    profile_id: str
    kinds: list[Kind] = Field(description="The kinds of help offered")


class DocumentUploaded(_Event):
    document_id: str
    profile_id: str
    kind: DocumentKind
    media_type: str
    size: int = Field(description="In bytes")


class CoffeeChoice(_Event):
    """coffee.opted-in, coffee.opted-out."""

    profile_id: str
    rome_code: str
    departement_id: str


class ReviewChanged(_Event):
    """review.assigned, review.done, review.timed-out."""

    review_id: str
    document_id: str
    pledge_id: str
    helper_id: str
    kind: DocumentKind
    state: Literal["SENT", "DONE", "TIME_OUT"] = Field(description="SENT when assigned, then DONE or TIME_OUT")


class CoffeeMatched(_Event):
    profile_id: str
    pledge_id: str
    helper_id: str
    proximity: Literal["SAME_CITY", "NEARBY", "REMOTE"] = Field(description="How close the helper lives")
