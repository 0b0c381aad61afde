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


class ContractShare(BaseModel):
    model_config = ConfigDict(frozen=True)

    contract: str  # CDI, CDD_SHORT (<= 3 months), CDD_LONG, INTERIM
    percent_offers: Annotated[float, Field(ge=0, le=100)]


class JobMarket(BaseModel):
    """Another job group's market in the same département."""

    model_config = ConfigDict(frozen=True)

    rome_code: str
    name: str | None = None
    offers_per_10_candidates: Annotated[float, Field(ge=0)]


class PlaceMarket(BaseModel):
    """The same job group's market in another département."""

    model_config = ConfigDict(frozen=True)

    departement_id: str
    offers_per_10_candidates: Annotated[float, Field(ge=0)]


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
    # Close job groups (same ROME subdomain) with strictly more offers per candidate in this département, best
    # first; never one whose figure is worse or unknown, and none when this market's own figure is unknown.
    better_related_jobs: list[JobMarket] = []
    better_departement_markets: list[PlaceMarket] = []  # the figures of better_departements, same order
    # True when no local statistics row exists and only the job group's national figures are given.
    national_only: bool = False
    contract_mix: list[ContractShare] = []  # share of this market's offers per contract type, largest first
    # BMO survey (the job group's FAP family in this département): hiring projects this year, and the shares of them
    # employers judge difficult and seasonal.
    hiring_projects: Annotated[float, Field(ge=0)] | None = None
    difficult_hiring_percent: Annotated[float, Field(ge=0, le=100)] | None = None
    seasonal_hiring_percent: Annotated[float, Field(ge=0, le=100)] | None = None
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
