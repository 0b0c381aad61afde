"""The one signed link pledges mails: the helper's unsubscribe link, good for the configured time and for
unsubscribing only."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from services.pledges.config import PledgesSettings
from services.pledges.domain.helpers import UNSUBSCRIBE
from services.pledges.service.helpers import unsubscribe_link
from shared.auth.links import LinkError, verify

SETTINGS = PledgesSettings(environment="test", unsubscribe_link_ttl_days=30, public_url="https://bob.example.org")
NOW = dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC)


def token_of(link: str) -> str:
    match = re.fullmatch(r"https://bob\.example\.org/#/unsubscribe/helper/([\w.-]+)", link)
    assert match, link
    return match.group(1)


def test_the_unsubscribe_link_names_the_helper_and_lasts_the_configured_time() -> None:
    token = token_of(unsubscribe_link(SETTINGS, "helper-1", NOW))
    link = verify(SETTINGS.key, token, UNSUBSCRIBE, NOW + dt.timedelta(days=29))
    assert (link.subject, link.expires_at) == ("helper-1", NOW + dt.timedelta(days=30))
    with pytest.raises(LinkError) as expired:
        verify(SETTINGS.key, token, UNSUBSCRIBE, NOW + dt.timedelta(days=30))
    assert expired.value.expired


def test_the_unsubscribe_link_opens_nothing_else_and_only_with_the_service_key() -> None:
    token = token_of(unsubscribe_link(SETTINGS, "helper-1", NOW))
    with pytest.raises(LinkError):
        verify(SETTINGS.key, token, "survey", NOW)
    with pytest.raises(LinkError):
        verify("another-key" * 3, token, UNSUBSCRIBE, NOW)
