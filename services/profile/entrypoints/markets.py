"""The local market of a job group in a département, for the market page: public (labour-market figures, nothing
about anyone), named in both languages, with the region's départements and the country's median to compare."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path
from pydantic import BaseModel, Field

from services.profile.entrypoints.deps import Referential
from shared import texts
from shared.auth.access import Public
from shared.schemas.diagnosis import Text
from shared.schemas.market import MarketFacts

router = APIRouter(prefix="/api/v1/referential", tags=["referential"])


class PlaceFigure(BaseModel):
    departement_id: str
    name: Text
    offers_per_10_candidates: float


class MarketOut(BaseModel):
    job: Text = Field(description="The job group, named in each language")
    place: Text = Field(description="The département, named in each language")
    facts: MarketFacts = Field(description="This département's figures (the national ones when it has no row)")
    region: list[PlaceFigure] = Field(description="The region's départements with a figure, this one included")
    national_median_offers_per_10_candidates: float | None
    departements_with_figures: int
    hiring_channel_percents: dict[str, float] = Field(description="Share of hires per channel, nationally")


@router.get("/markets/{rome_code}/{departement_id}", dependencies=[Public],
            responses={404: {"description": "Unknown job group or département"}})
async def read_market(
    referential: Referential,
    rome_code: Annotated[str, Path(pattern=r"^[A-N]\d{4}$")],
    departement_id: Annotated[str, Path(pattern=r"^(\d{2}|2[AB]|97\d)$")],
) -> MarketOut:
    facts = referential.market_facts(departement_id, rome_code)
    if facts is None:
        raise HTTPException(404, "unknown job group or département")
    median, counted = referential.national_median(rome_code)
    return MarketOut(
        job=texts.job_name(rome_code, facts.job_group_name),
        place=texts.departement_name(departement_id),
        facts=facts,
        region=[
            PlaceFigure(departement_id=dep, name=texts.departement_name(dep), offers_per_10_candidates=offers)
            for dep, offers in referential.regional_figures(departement_id, rome_code)
        ],
        national_median_offers_per_10_candidates=median,
        departements_with_figures=counted,
        hiring_channel_percents=referential.hiring_channel_percents(rome_code),
    )
