"""Signed links: accepted as signed, refused when forged, expired or meant for something else."""

from __future__ import annotations

import datetime as dt

import jwt
import pytest

from services.followup.domain.links import SURVEY_LINK_LIFETIME, BadLink, LinkClaims, sign, verify

KEY = "k" * 64
NOW = dt.datetime(2024, 4, 1, tzinfo=dt.UTC)
SURVEY = LinkClaims("survey", "p1", "employment-status:1")


def test_round_trip() -> None:
    assert verify(sign(SURVEY, KEY, NOW, SURVEY_LINK_LIFETIME), KEY, "survey", NOW) == SURVEY


def test_forged_signature_refused() -> None:
    with pytest.raises(BadLink):
        verify(sign(SURVEY, "other-key" * 8, NOW, SURVEY_LINK_LIFETIME), KEY, "survey", NOW)


def test_tampered_payload_refused() -> None:
    header, _, signature = sign(SURVEY, KEY, NOW, SURVEY_LINK_LIFETIME).split(".")
    other = jwt.encode({"pur": "survey", "sub": "p2", "svy": "employment-status:1", "iat": NOW}, "x" * 64)
    with pytest.raises(BadLink):
        verify(".".join([header, other.split(".")[1], signature]), KEY, "survey", NOW)


def test_expired_refused_by_the_injected_clock() -> None:
    token = sign(SURVEY, KEY, NOW, SURVEY_LINK_LIFETIME)
    verify(token, KEY, "survey", NOW + SURVEY_LINK_LIFETIME - dt.timedelta(seconds=1))
    with pytest.raises(BadLink, match="expired"):
        verify(token, KEY, "survey", NOW + SURVEY_LINK_LIFETIME)


def test_unsubscribe_link_is_not_a_survey_link() -> None:
    token = sign(LinkClaims("unsubscribe", "p1", None), KEY, NOW, None)
    assert verify(token, KEY, "unsubscribe", NOW + dt.timedelta(days=3000)).profile_id == "p1"
    with pytest.raises(BadLink):
        verify(token, KEY, "survey", NOW)


def test_none_algorithm_refused() -> None:
    unsigned = jwt.encode({"pur": "survey", "sub": "p1", "svy": "x:1", "iat": NOW}, "", algorithm="none")
    with pytest.raises(BadLink):
        verify(unsigned, KEY, "survey", NOW)
