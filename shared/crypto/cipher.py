"""AES-256-GCM sealing of a person's fields on events, and of data keys under a key-encryption key.

A token is `v1.<base64url(nonce | ciphertext+tag)>`, the nonce 96 random bits; a `v2` token is the same over the
plaintext deflated first (zlib, level 1), for the larger sealed parts of events: fewer bytes through Kafka and
base64. The associated data binds a token to where it belongs (for events: the event type and the person id), so a
sealed field copied into another event or another person's record does not open."""

from __future__ import annotations

import base64
import json
import os
import zlib
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = "v1"
DEFLATED = "v2"
KEY_BYTES = 32
NONCE_BYTES = 12


class SealError(ValueError):
    """A token that does not open with this key and associated data (wrong key, altered, or misplaced)."""


def new_key() -> bytes:
    return os.urandom(KEY_BYTES)


def seal(key: bytes, plaintext: bytes, associated: bytes, *, deflate: bool = False) -> str:
    version = DEFLATED if deflate else VERSION
    if deflate:
        plaintext = zlib.compress(plaintext, 1)
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, plaintext, _bound(version, associated))
    body = base64.urlsafe_b64encode(nonce + sealed).decode()
    return f"{version}.{body.rstrip('=')}"


def _bound(version: str, associated: bytes) -> bytes:
    # A v2 token's version is authenticated too: relabelled, a token does not open (v1 tokens predate this).
    return associated if version == VERSION else f"{version}\x00".encode() + associated


def unseal(key: bytes, token: str, associated: bytes) -> bytes:
    version, _, body = token.partition(".")
    if version not in (VERSION, DEFLATED) or not body:
        raise SealError(f"not a {VERSION} or {DEFLATED} sealed token")
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except ValueError:
        raise SealError("not base64url") from None
    if len(raw) < NONCE_BYTES + 16:
        raise SealError("too short")
    try:
        plaintext = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _bound(version, associated))
    except InvalidTag:
        raise SealError("does not open with this key") from None
    return zlib.decompress(plaintext) if version == DEFLATED else plaintext


def associated(event_type: str, person_id: str) -> bytes:
    """What binds an event's sealed field to its event type and person."""
    return f"{event_type}\x00{person_id}".encode()


def seal_fields(key: bytes, fields: dict[str, Any], event_type: str, person_id: str) -> str:
    """A person's sensitive fields of one event, as one token (their JSON, sealed)."""
    text = json.dumps(fields, separators=(",", ":"), sort_keys=True, default=str)
    return seal(key, text.encode(), associated(event_type, person_id))


def open_fields(key: bytes, token: str, event_type: str, person_id: str) -> dict[str, Any]:
    fields = json.loads(unseal(key, token, associated(event_type, person_id)))
    if not isinstance(fields, dict):
        raise SealError("sealed fields are not an object")
    return fields
