"""Survey and unsubscribe links (shared/auth/links.py with the followup purposes): accepted as signed, refused
when forged, expired or meant for something else; links mailed before the shared module still work."""

from __future__ import annotations

import datetime as dt

import jwt
import pytest

from services.followup.domain.emails import SURVEY_LINK, SURVEY_LINK_LIFETIME, UNSUBSCRIBE_LINK
from shared.auth.links import LinkError, sign, verify

KEY = "k" * 64
NOW = dt.datetime(2024, 4, 1, tzinfo=dt.UTC)
SURVEY = "employment-status:1"


def survey_token(key: str = KEY) -> str:
    return sign(key, SURVEY_LINK, "p1", NOW, SURVEY_LINK_LIFETIME, scope=SURVEY)


def test_round_trip() -> None:
    link = verify(KEY, survey_token(), SURVEY_LINK, NOW)
    assert (link.subject, link.scope, link.expires_at) == ("p1", SURVEY, NOW + SURVEY_LINK_LIFETIME)


def test_a_link_mailed_in_the_old_format_still_verifies() -> None:
    """As services/followup/domain/links.py signed them: the survey in `svy`, no `jti`, 60 days to live."""
    old = jwt.encode({"pur": "survey", "sub": "p1", "iat": NOW, "svy": SURVEY, "exp": NOW + SURVEY_LINK_LIFETIME},
                     KEY, algorithm="HS256")
    link = verify(KEY, old, SURVEY_LINK, NOW + dt.timedelta(days=59))
    assert (link.subject, link.scope) == ("p1", SURVEY)
    old_unsubscribe = jwt.encode({"pur": "unsubscribe", "sub": "p1", "iat": NOW}, KEY, algorithm="HS256")
    assert verify(KEY, old_unsubscribe, UNSUBSCRIBE_LINK, NOW + dt.timedelta(days=3000)).subject == "p1"


def test_forged_or_tampered_refused() -> None:
    with pytest.raises(LinkError):
        verify(KEY, survey_token("other-key" * 8), SURVEY_LINK, NOW)
    header, _, signature = survey_token().split(".")
    other = jwt.encode({"pur": "survey", "sub": "p2", "scp": SURVEY, "iat": NOW}, "x" * 64)
    with pytest.raises(LinkError):
        verify(KEY, ".".join([header, other.split(".")[1], signature]), SURVEY_LINK, NOW)
    unsigned = jwt.encode({"pur": "survey", "sub": "p1", "scp": SURVEY, "iat": NOW}, "", algorithm="none")
    with pytest.raises(LinkError):
        verify(KEY, unsigned, SURVEY_LINK, NOW)


def test_expired_refused_by_the_injected_clock() -> None:
    token = survey_token()
    verify(KEY, token, SURVEY_LINK, NOW + SURVEY_LINK_LIFETIME - dt.timedelta(seconds=1))
    with pytest.raises(LinkError, match="expired") as refused:
        verify(KEY, token, SURVEY_LINK, NOW + SURVEY_LINK_LIFETIME)
    assert refused.value.expired


def test_unsubscribe_link_is_not_a_survey_link() -> None:
    token = sign(KEY, UNSUBSCRIBE_LINK, "p1", NOW, None)
    assert verify(KEY, token, UNSUBSCRIBE_LINK, NOW + dt.timedelta(days=3000)).subject == "p1"
    with pytest.raises(LinkError):
        verify(KEY, token, SURVEY_LINK, NOW)
