"""Signed links (shared/auth/links.py): accepted as signed until they expire, refused when forged or meant for
something else, each with its own jti so single use can be enforced; links without an expiry never expire."""

from __future__ import annotations

import datetime as dt

import jwt
import pytest

from shared.auth.links import LinkError, sign, verify

KEY = "k" * 32
NOW = dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


def test_a_signed_link_verifies_until_it_expires() -> None:
    token = sign(KEY, "unsubscribe", "helper-1", NOW, HOUR, jti="j1")
    link = verify(KEY, token, "unsubscribe", NOW)
    assert (link.purpose, link.subject, link.jti, link.expires_at) == ("unsubscribe", "helper-1", "j1", NOW + HOUR)
    with pytest.raises(LinkError) as expired:
        verify(KEY, token, "unsubscribe", NOW + HOUR)
    assert expired.value.expired


def test_a_link_without_lifetime_never_expires() -> None:
    link = verify(KEY, sign(KEY, "unsubscribe", "p1", NOW, None), "unsubscribe", NOW + dt.timedelta(days=3000))
    assert (link.subject, link.expires_at) == ("p1", None)


def test_a_forged_link_is_refused_as_never_valid() -> None:
    forged = sign("another-key" * 3, "unsubscribe", "helper-1", NOW, HOUR)
    for token in (forged, "not-a-jwt", forged[:-3] + "abc"):
        with pytest.raises(LinkError) as refused:
            verify(KEY, token, "unsubscribe", NOW)
        assert not refused.value.expired


def test_a_link_for_another_purpose_opens_nothing() -> None:
    claims = {"pur": "review", "sub": "helper-1", "jti": "j", "exp": int((NOW + HOUR).timestamp())}
    with pytest.raises(LinkError):
        verify(KEY, jwt.encode(claims, KEY, algorithm="HS256"), "unsubscribe", NOW)
    with pytest.raises(LinkError):
        verify(KEY, sign(KEY, "survey", "p1", NOW, HOUR), "unsubscribe", NOW)


def test_each_link_has_its_own_jti_so_reuse_is_detectable() -> None:
    first = verify(KEY, sign(KEY, "unsubscribe", "h", NOW, HOUR), "unsubscribe", NOW)
    second = verify(KEY, sign(KEY, "unsubscribe", "h", NOW, HOUR), "unsubscribe", NOW)
    assert first.jti != second.jti


def test_the_scope_says_what_within_the_purpose() -> None:
    assert verify(KEY, sign(KEY, "survey", "p1", NOW, HOUR, scope="s1"), "survey", NOW).scope == "s1"
