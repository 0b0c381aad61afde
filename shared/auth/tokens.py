"""Signed tokens (EdDSA JWTs): short-lived access tokens for every API, and the profile service's own magic-link
and refresh tokens, which carry another audience so that they can never be used as access tokens."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections import OrderedDict
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from jwt.types import Options
from pydantic import BaseModel, ConfigDict

from shared.auth.keys import load_private, load_public

ISSUER = "bob"
ACCESS_AUDIENCE = "bob-api"
AUTH_AUDIENCE = "bob-auth"  # magic links and refresh tokens: read by the profile service only
LEEWAY = dt.timedelta(seconds=10)


class Role(StrEnum):
    JOB_SEEKER = "job_seeker"
    HELPER = "helper"
    OPERATOR = "operator"
    PARTNER = "partner"


SELF_SERVICE_ROLES = frozenset({Role.JOB_SEEKER, Role.HELPER})  # operator and partner are granted, never asked


class Principal(BaseModel):
    """Who calls, from a verified access token. `sub` is the account id, which is also the person's profile id."""

    model_config = ConfigDict(frozen=True)

    sub: str
    roles: frozenset[Role]
    email: str | None = None
    session_id: str | None = None

    def has(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))


class InvalidToken(Exception):
    """Bad signature, unknown key, wrong audience or type, or expired (`expired` is then True)."""

    def __init__(self, reason: str, expired: bool = False) -> None:
        super().__init__(reason)
        self.expired = expired


class TokenSigner:
    def __init__(self, key_id: str, private_key: str) -> None:
        self.key_id = key_id
        self._key: Ed25519PrivateKey = load_private(private_key)

    def sign(self, claims: Mapping[str, Any], audience: str, ttl: dt.timedelta, now: dt.datetime) -> str:
        body = {
            **claims, "iss": ISSUER, "aud": audience, "iat": int(now.timestamp()),
            "exp": int((now + ttl).timestamp()), "jti": claims.get("jti", uuid.uuid4().hex),
        }
        return jwt.encode(body, self._key, algorithm="EdDSA", headers={"kid": self.key_id})

    def access_token(self, principal: Principal, ttl: dt.timedelta, now: dt.datetime) -> str:
        claims: dict[str, Any] = {"typ": "access", "sub": principal.sub, "roles": sorted(principal.roles)}
        if principal.email is not None:
            claims["email"] = principal.email
        if principal.session_id is not None:
            claims["sid"] = principal.session_id
        return self.sign(claims, ACCESS_AUDIENCE, ttl, now)


class TokenVerifier:
    CACHE_SIZE = 10_000

    def __init__(self, public_keys: Mapping[str, str]) -> None:
        self._keys: dict[str, Ed25519PublicKey] = {kid: load_public(key) for kid, key in public_keys.items()}
        # A client sends the same access token many times; an EdDSA check costs ~115 µs, a lookup ~1 µs.
        self._verified: OrderedDict[str, tuple[Principal, float]] = OrderedDict()

    def claims(self, token: str, audience: str, typ: str, now: dt.datetime | None = None) -> dict[str, Any]:
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError:
            raise InvalidToken("malformed token") from None
        key = self._keys.get(kid) if isinstance(kid, str) else None
        if key is None:
            raise InvalidToken("unknown signing key")
        # With an injected clock (tests), expiry is checked below against it rather than the real one.
        real_clock = now is None
        options: Options = {"require": ["exp", "iat", "sub", "jti"], "verify_exp": real_clock, "verify_iat": real_clock}
        try:
            claims: dict[str, Any] = jwt.decode(
                token, key, algorithms=["EdDSA"], audience=audience, issuer=ISSUER, options=options,
                leeway=LEEWAY,
            )
        except jwt.ExpiredSignatureError:
            raise InvalidToken("token expired", expired=True) from None
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"invalid token: {exc}") from None
        if now is not None and claims["exp"] < (now - LEEWAY).timestamp():
            raise InvalidToken("token expired", expired=True)
        if claims.get("typ") != typ:
            raise InvalidToken("wrong token type")
        return claims

    def principal(self, token: str) -> Principal:
        hit = self._verified.get(token)
        if hit is not None and hit[1] > time.time():
            return hit[0]
        principal, expires = self._principal(token)
        self._verified[token] = (principal, expires)
        if len(self._verified) > self.CACHE_SIZE:
            self._verified.popitem(last=False)
        return principal

    def _principal(self, token: str) -> tuple[Principal, float]:
        claims = self.claims(token, ACCESS_AUDIENCE, "access")
        try:
            roles = frozenset(Role(r) for r in claims.get("roles", []))
        except ValueError:
            raise InvalidToken("unknown role") from None
        principal = Principal(sub=claims["sub"], roles=roles, email=claims.get("email"), session_id=claims.get("sid"))
        return principal, float(claims["exp"])
