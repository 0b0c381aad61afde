"""Ed25519 token keys, encoded as base64url of their 32 raw bytes.

Only the profile service holds a private key; every service verifies with the public key set. Rotation without
downtime: publish the new public key everywhere, then switch the signer's key id, then drop the old public key once
the longest-lived token signed with it (a refresh token) has expired."""

from __future__ import annotations

import base64
import hashlib
import secrets

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

DEV_KEY_ID = "dev-1"
_DEV_SEED = hashlib.sha256(b"bob dev-only token key: never used outside dev and test").digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def load_private(encoded: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(_unb64(encoded))


def load_public(encoded: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(_unb64(encoded))


def public_of(private: Ed25519PrivateKey) -> str:
    return _b64(private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))


def encode_private(private: Ed25519PrivateKey) -> str:
    return _b64(private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()))


def dev_private_key() -> str:
    """Deterministic, so that every dev and test process agrees without configuration. Refused in prod."""
    return encode_private(Ed25519PrivateKey.from_private_bytes(_DEV_SEED))


def dev_public_keys() -> dict[str, str]:
    return {DEV_KEY_ID: public_of(load_private(dev_private_key()))}


def generate() -> tuple[str, str, str]:
    """A new (key id, private, public) triple for production settings."""
    private = Ed25519PrivateKey.generate()
    return f"k-{secrets.token_hex(4)}", encode_private(private), public_of(private)


if __name__ == "__main__":
    kid, private, public = generate()
    print(f"AUTH_KEY_ID={kid}\nAUTH_PRIVATE_KEY={private}\nAUTH_PUBLIC_KEYS={{\"{kid}\": \"{public}\"}}")
