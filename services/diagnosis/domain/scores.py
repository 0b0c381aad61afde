"""The 0-100 sub-scores of the original diagnosis (DOMAIN.md, "Diagnosis").

Each function returns None when its input is unknown, so callers can leave the score out.
"""

from __future__ import annotations

from shared.schemas.profile import AreaType

# (months, score) points, linearly interpolated; flat after the last point.
SEARCH_LENGTH_POINTS: tuple[tuple[float, float], ...] = ((0.0, 100.0), (3.0, 50.0), (6.0, 30.0), (12.0, 0.0))
INTERVIEWS_POINTS_PER_MONTHLY_INTERVIEW = 15.0
MARKET_POINTS_PER_OFFER_PER_10 = 10.0
NETWORK_SCORES: dict[int, float] = {1: 0.0, 2: 60.0, 3: 100.0}
MOBILITY_SCORES: dict[str, float] = {
    AreaType.CITY: 0.0,
    AreaType.DEPARTEMENT: 50.0,
    AreaType.REGION: 70.0,
    AreaType.COUNTRY: 100.0,
    AreaType.WORLD: 100.0,
}


def search_length_score(months: float | None) -> float | None:
    """0 months -> 100, 3 -> 50, 6 -> 30, 12 and more -> 0, linear in between."""
    if months is None:
        return None
    prev_m, prev_s = SEARCH_LENGTH_POINTS[0]
    if months <= prev_m:
        return prev_s
    for m, s in SEARCH_LENGTH_POINTS[1:]:
        if months <= m:
            return prev_s + (s - prev_s) * (months - prev_m) / (m - prev_m)
        prev_m, prev_s = m, s
    return prev_s


def interviews_score(interviews_per_month: float | None) -> float | None:
    """15 points per monthly interview, capped at 100."""
    if interviews_per_month is None:
        return None
    return min(100.0, max(0.0, INTERVIEWS_POINTS_PER_MONTHLY_INTERVIEW * interviews_per_month))


def market_score(offers_per_10_candidates: float | None) -> float | None:
    """10 points per offer for 10 candidates, capped at 100; None when the statistics are missing."""
    if offers_per_10_candidates is None:
        return None
    return min(100.0, max(0.0, MARKET_POINTS_PER_OFFER_PER_10 * offers_per_10_candidates))


def return_to_employment_score(typical_unemployment_days: int | None) -> float | None:
    """100 * (1 - (days / 365) ** 0.7), floored at 0 (a year or more of typical unemployment)."""
    if typical_unemployment_days is None:
        return None
    share_of_year = max(0, typical_unemployment_days) / 365.0
    return max(0.0, 100.0 * (1.0 - float(share_of_year**0.7)))


def network_score(network_estimate: int | None) -> float | None:
    """1 (weak) -> 0, 2 -> 60, 3 (strong) -> 100."""
    if network_estimate is None:
        return None
    return NETWORK_SCORES.get(network_estimate)


def mobility_score(area: AreaType | None) -> float | None:
    """CITY 0, DEPARTEMENT 50, REGION 70, COUNTRY and WORLD 100."""
    if area is None:
        return None
    return MOBILITY_SCORES.get(area)
