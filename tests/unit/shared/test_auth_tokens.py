"""Access tokens: who signed them, for whom, until when; key rotation without downtime."""

from __future__ import annotations

import datetime as dt

import jwt
import pytest

from shared.auth.keys import DEV_KEY_ID, dev_private_key, dev_public_keys, generate, load_private, public_of
from shared.auth.tokens import (
    ACCESS_AUDIENCE,
    AUTH_AUDIENCE,
    InvalidToken,
    Principal,
    Role,
    TokenSigner,
    TokenVerifier,
)

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
SEEKER = Principal(sub="a" * 32, roles=frozenset({Role.JOB_SEEKER}), email="lea@example.org", session_id="s1")


def test_an_access_token_round_trips_the_principal() -> None:
    token = TokenSigner(DEV_KEY_ID, dev_private_key()).access_token(SEEKER, dt.timedelta(minutes=15), NOW)
    assert TokenVerifier(dev_public_keys()).claims(token, ACCESS_AUDIENCE, "access", NOW)["sub"] == SEEKER.sub
    fresh = TokenSigner(DEV_KEY_ID, dev_private_key()).access_token(
        SEEKER, dt.timedelta(minutes=15), dt.datetime.now(dt.UTC)
    )
    assert TokenVerifier(dev_public_keys()).principal(fresh) == SEEKER


def test_expiry_is_enforced_with_a_small_leeway() -> None:
    token = TokenSigner(DEV_KEY_ID, dev_private_key()).access_token(SEEKER, dt.timedelta(minutes=15), NOW)
    verifier = TokenVerifier(dev_public_keys())
    verifier.claims(token, ACCESS_AUDIENCE, "access", NOW + dt.timedelta(minutes=15, seconds=5))
    with pytest.raises(InvalidToken) as caught:
        verifier.claims(token, ACCESS_AUDIENCE, "access", NOW + dt.timedelta(minutes=16))
    assert caught.value.expired


def test_a_magic_link_or_refresh_token_is_never_an_access_token() -> None:
    signer = TokenSigner(DEV_KEY_ID, dev_private_key())
    refresh = signer.sign({"typ": "refresh", "sub": SEEKER.sub, "sid": "s1", "gen": 0}, AUTH_AUDIENCE,
                          dt.timedelta(days=30), NOW)
    verifier = TokenVerifier(dev_public_keys())
    with pytest.raises(InvalidToken, match="(?i)audience"):
        verifier.claims(refresh, ACCESS_AUDIENCE, "access", NOW)
    with pytest.raises(InvalidToken, match="wrong token type"):
        verifier.claims(refresh, AUTH_AUDIENCE, "magic", NOW)


def test_tampered_foreign_and_unsigned_tokens_are_refused() -> None:
    verifier = TokenVerifier(dev_public_keys())
    token = TokenSigner(DEV_KEY_ID, dev_private_key()).access_token(SEEKER, dt.timedelta(minutes=15), NOW)
    head, body, signature = token.split(".")
    with pytest.raises(InvalidToken):
        verifier.claims(f"{head}.{body}.{signature[::-1]}", ACCESS_AUDIENCE, "access", NOW)
    kid, private, _ = generate()
    with pytest.raises(InvalidToken, match="unknown signing key"):
        verifier.claims(TokenSigner(kid, private).access_token(SEEKER, dt.timedelta(minutes=1), NOW),
                        ACCESS_AUDIENCE, "access", NOW)
    # A foreign key that claims our key id fails on the signature.
    with pytest.raises(InvalidToken):
        verifier.claims(TokenSigner(DEV_KEY_ID, private).access_token(SEEKER, dt.timedelta(minutes=1), NOW),
                        ACCESS_AUDIENCE, "access", NOW)
    unsigned = jwt.encode({"sub": SEEKER.sub, "typ": "access"}, key="", algorithm="none", headers={"kid": DEV_KEY_ID})
    with pytest.raises(InvalidToken):
        verifier.claims(unsigned, ACCESS_AUDIENCE, "access", NOW)
    with pytest.raises(InvalidToken, match="malformed"):
        verifier.claims("not a token", ACCESS_AUDIENCE, "access", NOW)


def test_rotation_verifies_old_and_new_keys_while_both_are_published() -> None:
    old_id, old_private = DEV_KEY_ID, dev_private_key()
    new_id, new_private, new_public = generate()
    both = TokenVerifier({**dev_public_keys(), new_id: new_public})
    before = TokenSigner(old_id, old_private).access_token(SEEKER, dt.timedelta(minutes=15), NOW)
    after = TokenSigner(new_id, new_private).access_token(SEEKER, dt.timedelta(minutes=15), NOW)
    assert both.claims(before, ACCESS_AUDIENCE, "access", NOW)["sub"] == both.claims(
        after, ACCESS_AUDIENCE, "access", NOW)["sub"]
    old_dropped = TokenVerifier({new_id: new_public})
    with pytest.raises(InvalidToken, match="unknown signing key"):
        old_dropped.claims(before, ACCESS_AUDIENCE, "access", NOW)


def test_generated_keys_are_consistent() -> None:
    _, private, public = generate()
    assert public_of(load_private(private)) == public


def test_the_verifier_remembers_good_tokens_and_never_bad_ones() -> None:
    verifier = TokenVerifier(dev_public_keys())
    signer = TokenSigner(DEV_KEY_ID, dev_private_key())
    now = dt.datetime.now(dt.UTC)
    good = signer.access_token(SEEKER, dt.timedelta(minutes=15), now)
    assert verifier.principal(good) is verifier.principal(good)
    expired = signer.access_token(SEEKER, dt.timedelta(minutes=15), now - dt.timedelta(minutes=30))
    for _ in range(2):
        with pytest.raises(InvalidToken, match="expired"):
            verifier.principal(expired)
