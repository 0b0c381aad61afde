"""Signed links in emails (pyjwt, HS256 with the service's signing key): each says what it is for (`pur`), whom it
is about (`sub`), when it was issued and when it expires (no `exp`: never, e.g. unsubscribing from an old email),
and optionally what within that (`scp`, e.g. which survey). Single use, where needed, is enforced by the caller,
which records the link's `jti`. The clock is injected so tests can move time."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import jwt
from jwt.types import Options

ALGORITHM = "HS256"
_DECODE_OPTIONS: Options = {"require": ["pur", "sub"], "verify_exp": False, "verify_iat": False}


class LinkError(ValueError):
    """A link that must be refused; `expired` tells 410 (was valid once) from 400 (never valid)."""

    def __init__(self, reason: str, *, expired: bool = False) -> None:
        super().__init__(reason)
        self.expired = expired


@dataclass(frozen=True)
class Link:
    purpose: str
    subject: str
    jti: str
    expires_at: dt.datetime | None
    scope: str | None = None


def sign(
    key: str, purpose: str, subject: str, now: dt.datetime, lifetime: dt.timedelta | None, *,
    scope: str | None = None, jti: str | None = None,
) -> str:
    claims: dict[str, object] = {"pur": purpose, "sub": subject, "iat": int(now.timestamp()),
                                 "jti": jti or uuid.uuid4().hex}
    if lifetime is not None:
        claims["exp"] = int((now + lifetime).timestamp())
    if scope is not None:
        claims["scp"] = scope
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def verify(key: str, token: str, purpose: str, now: dt.datetime) -> Link:
    """The link's claims, or LinkError."""
    try:
        claims = jwt.decode(token, key, algorithms=[ALGORITHM], options=_DECODE_OPTIONS)
    except jwt.PyJWTError:
        raise LinkError("invalid link") from None
    if claims["pur"] != purpose or not isinstance(claims["sub"], str):
        raise LinkError("link not meant for this")
    expires_at = dt.datetime.fromtimestamp(int(claims["exp"]), dt.UTC) if "exp" in claims else None
    if expires_at is not None and now >= expires_at:
        raise LinkError("link expired", expired=True)
    # Survey links sent before this module existed name their survey `svy` (they live 60 days).
    scope = claims.get("scp", claims.get("svy"))
    jti = str(claims.get("jti") or f"{claims['sub']}:{claims.get('iat')}:{scope}")
    return Link(str(claims["pur"]), claims["sub"], jti, expires_at, None if scope is None else str(scope))
