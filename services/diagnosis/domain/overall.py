"""Sub-scores of one situation and the overall 0-100 score of a diagnosis."""

from __future__ import annotations

from services.diagnosis.domain import scores
from services.diagnosis.domain.situation import Situation
from shared.schemas.diagnosis import ChallengeId

# Overall score range per main challenge (DOMAIN.md); the sub-scores place it inside the range.
OVERALL_RANGES: dict[ChallengeId, tuple[float, float]] = {
    ChallengeId.UNDEFINED_PROJECT: (20.0, 30.0),
    ChallengeId.STUCK_MARKET: (35.0, 45.0),
    ChallengeId.FIND_WHAT_YOU_LIKE: (56.0, 66.0),
    ChallengeId.MISSING_DIPLOMA: (55.0, 62.0),
    ChallengeId.START_YOUR_SEARCH: (65.0, 75.0),
    ChallengeId.ENHANCE_METHODS_TO_INTERVIEW: (48.0, 68.0),
    ChallengeId.BRAVO: (60.0, 80.0),
}
NEUTRAL_POSITION = 0.5  # when no sub-score is known: middle of the range


def sub_scores_of(situation: Situation) -> dict[str, float]:
    """The known 0-100 sub-scores; unknown ones are left out."""
    candidates = (
        ("search_length", scores.search_length_score(situation.search_months)),
        ("interviews", scores.interviews_score(situation.interviews_per_month)),
        ("market", scores.market_score(situation.offers_per_10)),
        ("return_to_employment", scores.return_to_employment_score(situation.typical_unemployment_days)),
        ("network", scores.network_score(situation.network)),
        ("mobility", scores.mobility_score(situation.mobility)),
    )
    return {name: value for name, value in candidates if value is not None}


def overall_score(challenge: ChallengeId, sub_scores: dict[str, float]) -> int:
    """Range of the challenge, modulated by the mean of the known sub-scores."""
    low, high = OVERALL_RANGES[challenge]
    position = sum(sub_scores.values()) / (100.0 * len(sub_scores)) if sub_scores else NEUTRAL_POSITION
    return round(low + (high - low) * position)
