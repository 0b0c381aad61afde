"""Labour-market facts for one (département, job group), as the diagnosis uses and forwards them."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class MarketState(StrEnum):
    MISSING_DATA = "MISSING_DATA"  # no statistics for this département and job group
    NO_OFFERS = "NO_OFFERS"  # statistics exist and show no offer at all
    STUCK = "STUCK"  # <= 3 offers per 10 candidates
    NORMAL = "NORMAL"
    EASY = "EASY"  # >= 7 offers per 10 candidates


STUCK_MAX_OFFERS_PER_10 = 3.0
EASY_MIN_OFFERS_PER_10 = 7.0


class DiplomaRequirement(BaseModel):
    model_config = ConfigDict(frozen=True)

    degree: str  # a Degree value
    percent_offers: Annotated[float, Field(ge=0, le=100)]


class MarketFacts(BaseModel):
    """Everything known about one job group in one département. Every field may be unknown."""

    model_config = ConfigDict(frozen=True)

    rome_code: str
    departement_id: str
    job_group_name: str | None = None
    # None = missing data; 0 = data says there are no offers.
    offers_per_10_candidates: Annotated[float, Field(ge=0)] | None = None
    diploma_requirements: list[DiplomaRequirement] = []
    first_hiring_channel: str | None = None  # SPONTANEOUS, NETWORK, AGENCY, OFFERS
    typical_unemployment_days: Annotated[int, Field(ge=0)] | None = None
    related_rome_codes: list[str] = []
    better_departements: list[str] = []  # nearby départements with a less stressed market
    synthetic: bool = False  # True when figures come from the demo seed, not official statistics

    @property
    def state(self) -> MarketState:
        value = self.offers_per_10_candidates
        if value is None:
            return MarketState.MISSING_DATA
        if value == 0:
            return MarketState.NO_OFFERS
        if value <= STUCK_MAX_OFFERS_PER_10:
            return MarketState.STUCK
        if value >= EASY_MIN_OFFERS_PER_10:
            return MarketState.EASY
        return MarketState.NORMAL
