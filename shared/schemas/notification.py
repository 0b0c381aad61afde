"""Data of the `notification.requested` event: one email for the notifier to send over SMTP.

Version 2 carries the email itself (address, subject, text: they hold sign-in, survey and unsubscribe links) only
sealed with the recipient's data key (shared/crypto): no link can be read off the topic, and once the recipient
is erased (their key destroyed) none of their emails can be read at all. The notifier opens it at send time."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from shared.crypto.cipher import open_fields, seal_fields

EVENT_TYPE = "notification.requested"


class Email(BaseModel):
    """The sealed part."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    to: EmailStr
    subject: Annotated[str, Field(min_length=1, max_length=200)]
    text: Annotated[str, Field(min_length=1, max_length=20_000)]
    # The one-click unsubscribe URL (RFC 8058) for the List-Unsubscribe headers; inside the seal, since it is a
    # credential.
    list_unsubscribe: Annotated[str, Field(pattern=r"^https?://", max_length=2_000)] | None = None


class Notification(Email):
    """One email with its routing, in clear: what producers write and the notifier sends; never on a topic."""

    idempotency_key: Annotated[str, Field(min_length=1, max_length=200)]
    recipient_id: str
    category: str
    locale: str = "fr"

    def sealed(self, key: bytes) -> NotificationRequested:
        """The event data, the email sealed with `key`: the recipient's data key."""
        email = Email(to=self.to, subject=self.subject, text=self.text, list_unsubscribe=self.list_unsubscribe)
        return NotificationRequested(
            idempotency_key=self.idempotency_key, recipient_id=self.recipient_id, category=self.category,
            locale=self.locale, sealed=seal_fields(key, email.model_dump(), EVENT_TYPE, self.recipient_id),
        )


class NotificationRequested(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    idempotency_key: Annotated[str, Field(
        min_length=1, max_length=200,
        description="Same key twice = same email: the notifier sends each key at most once (replays send nothing)",
    )]
    recipient_id: str = Field(description="The person (profile id, helper id; for a sign-in link, a hash of the "
                                          "address): erasure and unsubscribe check it; their data key seals the email")
    category: str = Field(description="e.g. helper-confirmation, review-done, survey; for counters and unsubscribe")
    locale: str = Field("fr", description="Language of the email (fr or en)")
    sealed: Annotated[str, Field(pattern=r"^v1\.[A-Za-z0-9_-]+$", description=(
        "The email (`to`, `subject`, `text`) as JSON, AES-256-GCM sealed with the recipient's data key, associated "
        "data: event type and recipient id (shared/crypto/cipher.py)"))]

    def opened(self, key: bytes) -> Notification:
        """The whole email; raises shared.crypto.cipher.SealError when `key` is not the recipient's."""
        email = Email.model_validate(open_fields(key, self.sealed, EVENT_TYPE, self.recipient_id))
        return Notification(
            idempotency_key=self.idempotency_key, recipient_id=self.recipient_id, category=self.category,
            locale=self.locale, **email.model_dump(),
        )


def upcast_v1(data: dict[str, Any]) -> dict[str, Any]:
    """v1 carried the email in clear, sign-in links included. Sealing needs the recipient's key, which an upcaster
    has not; carrying the clear email on would keep live links flowing, which is what v2 ends. So a v1 record is
    refused (dead-lettered, never sent): drain the outboxes and this topic before upgrading (a sign-in link lives
    15 minutes; its owner asks for another)."""
    raise ValueError(f"{EVENT_TYPE} v1 carries its email in clear, refused since v2: {data.get('idempotency_key')}")
