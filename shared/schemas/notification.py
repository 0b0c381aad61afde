"""Data of the `notification.requested` event: one email for the notifier to send over SMTP."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, Field


class NotificationRequested(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    idempotency_key: Annotated[str, Field(
        min_length=1, max_length=200,
        description="Same key twice = same email: the notifier sends each key at most once (replays send nothing)",
    )]
    recipient_id: str = Field(description="The person (profile id, helper id): erasure and unsubscribe check it")
    to: EmailStr
    subject: Annotated[str, Field(min_length=1, max_length=200)]
    text: Annotated[str, Field(min_length=1, max_length=20_000)]
    category: str = Field(description="e.g. helper-confirmation, review-done, survey; for counters and unsubscribe")
    locale: str = Field("fr", description="Language of the email (fr or en)")
