"""Data of the `operator.alerts` events: what an operator must act on, for the notifier to email them. They name
organisations and services, never a person."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class PartnerEndpointDisabled(BaseModel):
    """A partner's webhook endpoint failed too many deliveries in a row and was disabled: its deliveries wait until
    an operator enables it again."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    partner: str = Field(description="The partner's name")
    failures_in_a_row: int = Field(description="Failed deliveries in a row when it was disabled")
    last_error: str = Field(description="Why the last delivery failed (e.g. HTTP 503, a connection error)")
    disabled_at: dt.datetime = Field(description="When the endpoint was disabled")
