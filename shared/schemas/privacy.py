"""Data of the privacy events (GDPR): a person asks for their data or for erasure; every service answers.

The profile service (which holds accounts) emits the requests and gathers the answers. These topics carry
personal data in export parts: they are internal, never partner-visible."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# Every service that holds data about a person answers each request; an export or erasure is complete when all did.
SERVICES: tuple[str, ...] = ("profile", "diagnosis", "advice", "pledges", "followup", "notifier")


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PrivacyRequested(_Event):
    """privacy.export.requested, privacy.erasure.requested. `person_id` is the account id (= profile id)."""

    request_id: str = Field(description="One per request: every service's answer names it")
    person_id: str
    kind: Literal["export", "erasure"]


class ExportPart(_Event):
    """privacy.export.part: everything one service holds about the person, as JSON values."""

    request_id: str
    person_id: str
    service: str = Field(description="The service that answered")
    records: dict[str, Any] = Field(description="Per collection, the person's documents (personal data)")


class ErasureCompleted(_Event):
    """privacy.erasure.completed: the service redacted or deleted what it held (counts per collection)."""

    request_id: str
    person_id: str
    service: str = Field(description="The service that answered")
    counts: dict[str, int] = Field(description="Per collection, how many documents were erased or redacted")
