"""Who helps whom: pure matching rules of Bob Action.

Every candidate pair gets a proximity tier; pairs are then taken greedily by (tier, how long the request has
waited, how old the pledge is), so same city beats nearby beats remote, and among equals the longest-waiting
request goes first. Capacities are checked again atomically when the matches are stored."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum

from services.pledges.domain.kinds import REVIEWED_KIND, DocumentKind, PledgeKind
from shared.schemas.profile import AreaType


class Proximity(IntEnum):
    SAME_CITY = 0
    NEARBY = 1
    REMOTE = 2


@dataclass(frozen=True)
class Place:
    city: str
    departement_id: str

    def same_city(self, other: Place) -> bool:
        return self.departement_id == other.departement_id and self.city.casefold() == other.city.casefold()


@dataclass(frozen=True)
class OpenPledge:
    pledge_id: str
    helper_id: str
    helper_email: str
    kind: PledgeKind
    free: int  # slots left
    since: dt.datetime
    cities: tuple[Place, ...] = ()
    remote: bool = True
    domains: tuple[str, ...] = ()  # ROME prefixes, e.g. "M16"


@dataclass(frozen=True)
class OpenDocument:
    document_id: str
    owner_email: str
    kind: DocumentKind
    free: int  # reviews it can still get
    since: dt.datetime
    reviewers: frozenset[str] = frozenset()  # helper ids who already had it
    owner_id: str = ""  # the job seeker's profile id: the same account as a helper's id when one person is both


@dataclass(frozen=True)
class CoffeeRequest:
    profile_id: str
    email: str
    rome_code: str
    place: Place
    mobility: AreaType
    since: dt.datetime


@dataclass(frozen=True)
class Match:
    request_id: str  # document id or profile id
    pledge_id: str
    helper_id: str
    proximity: Proximity


def same_person(email_a: str, email_b: str) -> bool:
    return email_a.strip().casefold() == email_b.strip().casefold()


def can_review(document: OpenDocument, pledge: OpenPledge) -> bool:
    return (
        pledge.kind == REVIEWED_KIND[document.kind]
        and not same_person(document.owner_email, pledge.helper_email)
        and pledge.helper_id != document.owner_id
        and pledge.helper_id not in document.reviewers
    )


def coffee_proximity(request: CoffeeRequest, pledge: OpenPledge) -> Proximity | None:
    """How close a coffee helper is to the seeker, or None when they must not be matched."""
    if pledge.kind != PledgeKind.HELP_COFFEE or same_person(request.email, pledge.helper_email):
        return None
    if request.profile_id == pledge.helper_id:  # one account, seeking and helping
        return None
    if not any(request.rome_code.startswith(domain) for domain in pledge.domains):
        return None
    if any(request.place.same_city(place) for place in pledge.cities):
        return Proximity.SAME_CITY
    nearby = request.mobility.rank >= AreaType.DEPARTEMENT.rank
    if nearby and any(place.departement_id == request.place.departement_id for place in pledge.cities):
        return Proximity.NEARBY
    return Proximity.REMOTE if pledge.remote else None


def match_documents(documents: Iterable[OpenDocument], pledges: Iterable[OpenPledge]) -> list[Match]:
    docs, open_pledges = list(documents), list(pledges)
    candidates = [
        (Proximity.REMOTE, d.since, p.since, d.document_id, d.free, p)
        for d in docs for p in open_pledges if can_review(d, p)
    ]
    return _greedy(candidates)


def match_coffees(requests: Iterable[CoffeeRequest], pledges: Iterable[OpenPledge]) -> list[Match]:
    candidates = []
    open_pledges = list(pledges)
    for request in requests:
        for pledge in open_pledges:
            proximity = coffee_proximity(request, pledge)
            if proximity is not None:
                candidates.append((proximity, request.since, pledge.since, request.profile_id, 1, pledge))
    return _greedy(candidates)


def _greedy(candidates: list[tuple[Proximity, dt.datetime, dt.datetime, str, int, OpenPledge]]) -> list[Match]:
    candidates.sort(key=lambda c: (c[0], c[1], c[2], c[3], c[5].pledge_id))
    request_free: dict[str, int] = {}
    pledge_free: dict[str, int] = {}
    matches: list[Match] = []
    for proximity, _, _, request_id, free, pledge in candidates:
        request_left = request_free.setdefault(request_id, free)
        pledge_left = pledge_free.setdefault(pledge.pledge_id, pledge.free)
        if request_left <= 0 or pledge_left <= 0:
            continue
        if any(m.request_id == request_id and m.helper_id == pledge.helper_id for m in matches):
            continue
        request_free[request_id] -= 1
        pledge_free[pledge.pledge_id] -= 1
        matches.append(Match(request_id, pledge.pledge_id, pledge.helper_id, proximity))
    return matches
