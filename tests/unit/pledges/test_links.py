"""Signed links (unsubscribing is the only one left): forged, expired, for another purpose, each its own jti."""

from __future__ import annotations

import datetime as dt

import jwt
import pytest

from services.pledges.domain.links import LinkError, Purpose, sign, verify

KEY = "k" * 32
NOW = dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC)


def test_a_signed_link_verifies_until_it_expires() -> None:
    token = sign(KEY, Purpose.UNSUBSCRIBE, "helper-1", NOW + dt.timedelta(hours=1), jti="j1")
    link = verify(KEY, token, Purpose.UNSUBSCRIBE, NOW)
    assert (link.subject, link.jti) == ("helper-1", "j1")
    with pytest.raises(LinkError) as expired:
        verify(KEY, token, Purpose.UNSUBSCRIBE, NOW + dt.timedelta(hours=1))
    assert expired.value.expired


def test_a_forged_link_is_refused_as_never_valid() -> None:
    forged = sign("another-key" * 3, Purpose.UNSUBSCRIBE, "helper-1", NOW + dt.timedelta(hours=1))
    for token in (forged, "not-a-jwt", forged[:-3] + "abc"):
        with pytest.raises(LinkError) as refused:
            verify(KEY, token, Purpose.UNSUBSCRIBE, NOW)
        assert not refused.value.expired


def test_a_link_for_another_purpose_opens_nothing() -> None:
    claims = {"pur": "review", "sub": "helper-1", "jti": "j", "exp": int((NOW + dt.timedelta(days=1)).timestamp())}
    with pytest.raises(LinkError):
        verify(KEY, jwt.encode(claims, KEY, algorithm="HS256"), Purpose.UNSUBSCRIBE, NOW)


def test_each_link_has_its_own_jti_so_reuse_is_detectable() -> None:
    first = verify(KEY, sign(KEY, Purpose.UNSUBSCRIBE, "h", NOW + dt.timedelta(hours=1)), Purpose.UNSUBSCRIBE, NOW)
    second = verify(KEY, sign(KEY, Purpose.UNSUBSCRIBE, "h", NOW + dt.timedelta(hours=1)), Purpose.UNSUBSCRIBE, NOW)
    assert first.jti != second.jti
