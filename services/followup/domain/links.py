"""Signed links in survey emails (pyjwt, HS256 with the service's signing key)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import jwt
from jwt.types import Options

ALGORITHM = "HS256"
SURVEY_LINK_LIFETIME = dt.timedelta(days=60)
Purpose = Literal["survey", "unsubscribe"]


# Time claims are checked against the injected clock below, not the wall clock, so tests can move time.
_DECODE_OPTIONS: Options = {"require": ["sub", "pur", "iat"], "verify_exp": False, "verify_iat": False}


class BadLink(ValueError):
    """Forged, expired, or meant for something else."""


@dataclass(frozen=True)
class LinkClaims:
    purpose: Purpose
    profile_id: str
    survey_key: str | None  # set for survey links: "<kind>:<round>"


def sign(claims: LinkClaims, key: str, now: dt.datetime, lifetime: dt.timedelta | None) -> str:
    payload: dict[str, object] = {"pur": claims.purpose, "sub": claims.profile_id, "iat": now}
    if claims.survey_key is not None:
        payload["svy"] = claims.survey_key
    if lifetime is not None:
        payload["exp"] = now + lifetime
    return jwt.encode(payload, key, algorithm=ALGORITHM)


def verify(token: str, key: str, purpose: Purpose, now: dt.datetime) -> LinkClaims:
    try:
        payload = jwt.decode(token, key, algorithms=[ALGORITHM], options=_DECODE_OPTIONS)
    except jwt.PyJWTError as exc:
        raise BadLink(str(exc)) from None
    if "exp" in payload and now.timestamp() >= float(payload["exp"]):
        raise BadLink("link expired")
    if payload["pur"] != purpose or (purpose == "survey" and not isinstance(payload.get("svy"), str)):
        raise BadLink("link not meant for this")
    return LinkClaims(purpose=purpose, profile_id=str(payload["sub"]), survey_key=payload.get("svy"))
