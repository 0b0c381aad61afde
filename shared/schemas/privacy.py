"""Data of the privacy events (GDPR): a person asks for their data or for erasure; every service answers.

The profile service (which holds accounts) emits the requests and gathers the answers. Export parts carry the
person's data sealed with their data key (shared/schemas/sealed.py): internal, never partner-visible, and unreadable
once the person is erased."""

from __future__ import annotations

import json
from typing import Any, Literal

import pydantic_core
from pydantic import BaseModel, ConfigDict, Field

from shared.crypto.cipher import associated, seal, unseal
from shared.schemas.sealed import Sealed

EXPORT_PART = "privacy.export.part"

# Every service that holds data about a person answers each request; an export or erasure is complete when all did.
SERVICES: tuple[str, ...] = ("profile", "diagnosis", "advice", "pledges", "followup", "notifier", "partners")


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PrivacyRequested(_Event):
    """privacy.export.requested, privacy.erasure.requested. `person_id` is the account id (= profile id)."""

    request_id: str = Field(description="One per request: every service's answer names it")
    person_id: str
    kind: Literal["export", "erasure"]


class ExportPart(_Event):
    """privacy.export.part (version 2): everything one service holds about the person, sealed."""

    request_id: str
    person_id: str
    service: str = Field(description="The service that answered")
    sealed: Sealed | None = Field(description=(
        "Per collection, the person's documents (a JSON object), sealed with the person's data key; null when "
        "the person has no key any more (erased): nothing of theirs can be exported"))

    @classmethod
    def sealing(cls, key: bytes | None, request_id: str, person_id: str, service: str,
                records: dict[str, Any]) -> ExportPart:
        sealed = None if key is None else seal(key, pydantic_core.to_json(records), associated(EXPORT_PART, person_id),
                                              deflate=True)
        return cls(request_id=request_id, person_id=person_id, service=service, sealed=sealed)

    def records(self, key: bytes) -> dict[str, Any]:
        """The documents; raises SealError when `key` is not the person's."""
        if self.sealed is None:
            return {}
        records: dict[str, Any] = json.loads(unseal(key, self.sealed, associated(EXPORT_PART, self.person_id)))
        return records


def upcast_export_v1(data: dict[str, Any]) -> dict[str, Any]:
    """v1 carried the records in clear: refused since v2 (dead-lettered) like the other personal events' v1; an
    export still waiting on one is asked again by its person."""
    raise ValueError(f"{EXPORT_PART} v1 carries personal data in clear, refused since v2: {data.get('request_id')}")


class ErasureCompleted(_Event):
    """privacy.erasure.completed: the service redacted or deleted what it held (counts per collection)."""

    request_id: str
    person_id: str
    service: str = Field(description="The service that answered")
    counts: dict[str, int] = Field(description="Per collection, how many documents were erased or redacted")
