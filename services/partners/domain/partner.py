"""A partner organisation: who it is, which event types it subscribes to (its scopes) and how it receives them."""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from enum import StrEnum
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from services.partners.domain.errors import RefusedUrl
from shared.topics import PARTNER_FEEDS

ERASED = "partner.person-erased"
# What a partner may subscribe to; a person's erasure reaches every partner that received the person, always.
SCOPES = tuple(t for t in PARTNER_FEEDS.event_types if t != ERASED)
Scope = Annotated[str, Field(pattern="^(" + "|".join(re.escape(s) for s in SCOPES) + ")$")]
Name = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$",
                            description="The partner's name: its Kafka user partner-<name>, its topic "
                                        "partner.<name>.events (lower-case letters, digits and hyphens)")]


class Delivery(StrEnum):
    KAFKA = "kafka"
    WEBHOOK = "webhook"


class Registration(BaseModel):
    """What an operator gives to register a partner."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Name
    title: Annotated[str, Field(min_length=1, max_length=200, description="The organisation's name")]
    contact: EmailStr
    scopes: Annotated[list[Scope], Field(min_length=1, max_length=len(SCOPES))]
    kafka: bool = True
    webhook_url: Annotated[str, Field(max_length=2000)] | None = None


class Webhook(BaseModel):
    """A partner's endpoint and its state."""

    model_config = ConfigDict(frozen=True)

    url: str
    enabled: bool = True
    failures_in_a_row: int = 0
    disabled_at: dt.datetime | None = None
    last_error: str | None = None  # why the last delivery failed, when it was disabled


class Partner(BaseModel):
    """A registered partner as stored (without its keys and secrets, which are sealed apart)."""

    model_config = ConfigDict(frozen=True)

    name: str
    title: str
    contact: str
    scopes: list[str]
    kafka: bool
    webhook: Webhook | None
    registered_at: dt.datetime

    def receives(self, event_type: str) -> bool:
        return event_type == ERASED or event_type in self.scopes

    @property
    def topic(self) -> str:
        return PARTNER_FEEDS.address(self.name)


def check_url(url: str, addresses: list[str], private_allowed: bool) -> None:
    """Refuse a webhook URL that is not http(s), or whose host resolves (`addresses`) to a loopback, private,
    link-local or otherwise reserved address, unless `private_allowed` (dev and test)."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise RefusedUrl("a webhook URL is http(s)://host/...")
    if parts.scheme == "http" and not private_allowed:
        raise RefusedUrl("a webhook URL is https")
    if private_allowed:
        return
    if not addresses:
        raise RefusedUrl(f"{parts.hostname} does not resolve")
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global or ip.is_multicast:
            raise RefusedUrl(f"{parts.hostname} resolves to a non-public address ({ip})")
