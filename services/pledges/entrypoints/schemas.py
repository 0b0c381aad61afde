"""Bodies and answers of the pledges API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.pledges.domain.helpers import Pledge, SignUp
from services.pledges.domain.kinds import MAX_COFFEES_PER_PLEDGE, MAX_DOCUMENTS_PER_PLEDGE, PledgeKind
from services.pledges.domain.matching import Place
from shared.schemas.profile import AreaType, DepartementId, RomeCode

RomePrefix = Annotated[str, Field(pattern=r"^[A-N](\d{2}(\d{2})?)?$", examples=["M16", "M1607", "K"])]
Name = Annotated[str, Field(min_length=1, max_length=120)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class CityIn(_Strict):
    name: Name
    departement_id: DepartementId

    @property
    def place(self) -> Place:
        return Place(self.name, self.departement_id)


class PledgeIn(_Strict):
    kind: PledgeKind
    capacity: Annotated[int, Field(ge=1, le=MAX_COFFEES_PER_PLEDGE)] = 1

    @model_validator(mode="after")
    def _documents_capped(self) -> PledgeIn:
        if self.kind != PledgeKind.HELP_COFFEE and self.capacity > MAX_DOCUMENTS_PER_PLEDGE:
            raise ValueError(f"a helper reviews at most {MAX_DOCUMENTS_PER_PLEDGE} documents per pledge")
        return self


class HelperIn(_Strict):
    """The helper's email is not in the body: it is the verified email of the access token."""

    name: Name
    cities: Annotated[list[CityIn], Field(max_length=10)] = []
    remote: bool = True
    domains: Annotated[list[RomePrefix], Field(max_length=20)] = []
    pledges: Annotated[list[PledgeIn], Field(min_length=1, max_length=3)]

    @model_validator(mode="after")
    def _consistent(self) -> HelperIn:
        kinds = [p.kind for p in self.pledges]
        if len(set(kinds)) != len(kinds):
            raise ValueError("each kind is pledged at most once")
        if PledgeKind.HELP_COFFEE in kinds and not self.domains:
            raise ValueError("a coffee pledge needs at least one domain (ROME prefix)")
        if PledgeKind.HELP_COFFEE in kinds and not self.cities and not self.remote:
            raise ValueError("a coffee pledge needs a city or remote availability")
        return self

    @property
    def sign_up(self) -> SignUp:
        return SignUp(
            name=self.name, pledges=tuple(Pledge(p.kind, p.capacity) for p in self.pledges),
            cities=tuple(c.place for c in self.cities), remote=self.remote, domains=tuple(self.domains),
        )


class HelperOut(BaseModel):
    helper_id: str
    status: str


class PledgeOut(BaseModel):
    kind: PledgeKind
    capacity: int
    free: int
    done: int
    active: bool


class HelperProfileOut(BaseModel):
    helper_id: str
    name: str
    cities: list[CityIn]
    remote: bool
    domains: list[str]
    pledges: list[PledgeOut]


class CoffeeIn(_Strict):
    """The job seeker (profile id and email) is the one the access token names."""

    opt_in: bool
    rome_code: RomeCode
    city: CityIn
    mobility_area: AreaType = AreaType.CITY


class CoffeeOut(BaseModel):
    profile_id: str
    opted_in: bool
    matched: bool


class DocumentOut(BaseModel):
    document_id: str
    kind: str
    media_type: str
    size: int


class ReviewIn(_Strict):
    text: Annotated[str, Field(min_length=10, max_length=10_000)]


class ReviewOut(BaseModel):
    review_id: str
    kind: str
    state: str
    document_url: str

    @classmethod
    def of(cls, review: dict[str, Any]) -> ReviewOut:
        return cls(review_id=review["_id"], kind=review["kind"], state=review["state"],
                   document_url=f"/api/v1/reviews/{review['_id']}/document")


class ReceivedReview(BaseModel):
    review_id: str
    state: str
    text: str | None  # once the review is done


class DocumentRequest(BaseModel):
    document_id: str
    kind: str
    uploaded_at: dt.datetime
    reviews: list[ReceivedReview]


class CoffeeState(BaseModel):
    opted_in: bool
    matched: bool


class HelpRequestsOut(BaseModel):
    """What a job seeker asked for, and the reviews they received."""

    documents: list[DocumentRequest]
    coffee: CoffeeState | None


class KindCounts(BaseModel):
    total: int
    by_kind: dict[str, int]


class StatsOut(BaseModel):
    pledges: KindCounts
    fulfilled: KindCounts
    reviews_done: KindCounts
    coffees: int
    helpers: int
