"""Signed links (JWT HS256): each says what it is for, whom it is about, and when it expires.

Single use is enforced by the caller, which records the link's `jti`."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from enum import StrEnum

import jwt


class Purpose(StrEnum):
    """Helpers confirm by signing in and open reviews with their access token: only unsubscribing is a link."""

    UNSUBSCRIBE = "unsubscribe"


class LinkError(Exception):
    """A link that must be refused; `expired` tells 410 (was valid once) from 400 (never valid)."""

    def __init__(self, reason: str, *, expired: bool = False) -> None:
        super().__init__(reason)
        self.expired = expired


@dataclass(frozen=True)
class Link:
    purpose: Purpose
    subject: str
    jti: str
    expires_at: dt.datetime


def sign(key: str, purpose: Purpose, subject: str, expires_at: dt.datetime, jti: str | None = None) -> str:
    claims = {"pur": purpose.value, "sub": subject, "jti": jti or uuid.uuid4().hex, "exp": int(expires_at.timestamp())}
    return jwt.encode(claims, key, algorithm="HS256")


def verify(key: str, token: str, purpose: Purpose, now: dt.datetime) -> Link:
    """The link's claims, or LinkError. The clock is injected; PyJWT's own expiry check is off for that."""
    try:
        claims = jwt.decode(
            token, key, algorithms=["HS256"], options={"verify_exp": False, "require": ["exp", "sub", "jti", "pur"]}
        )
    except jwt.InvalidTokenError:
        raise LinkError("invalid link") from None
    if claims["pur"] != purpose.value or not isinstance(claims["sub"], str):
        raise LinkError("invalid link")
    expires_at = dt.datetime.fromtimestamp(int(claims["exp"]), dt.UTC)
    if now >= expires_at:
        raise LinkError("link expired", expired=True)
    return Link(purpose, str(claims["sub"]), str(claims["jti"]), expires_at)
