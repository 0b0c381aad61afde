"""Shared fixtures of the advice unit tests; the builders live in factories.py."""

from __future__ import annotations

import pytest

from shared.schemas.diagnosis import DiagnosisCompleted
from tests.unit.advice.factories import born_aged, make_event, started_days_ago


@pytest.fixture
def busy_event() -> DiagnosisCompleted:
    """A long search in a stuck market with several blockers: many modules fire."""
    return make_event(
        profile={"year_of_birth": born_aged(47), "frustrations": ["INTERVIEW", "NO_OFFER_ANSWERS", "MOTIVATION"]},
        project={
            "job_search_started_at": started_days_ago(250),
            "weekly_applications": "DECENT_AMOUNT",
            "total_interview_count": 1,
            "network_estimate": 1,
            "mobility_area": "CITY",
        },
        market={
            "offers_per_10_candidates": 2.0,
            "first_hiring_channel": "NETWORK",
            "related_rome_codes": ["M1602"],
            "better_related_jobs": [
                {"rome_code": "M1602", "name": "Opérations administratives", "offers_per_10_candidates": 4.0}
            ],
            "better_departements": ["32", "82"],
            "better_departement_markets": [
                {"departement_id": "32", "offers_per_10_candidates": 6.5},
                {"departement_id": "82", "offers_per_10_candidates": 3.2},
            ],
        },
        challenge="stuck-market",
    )
