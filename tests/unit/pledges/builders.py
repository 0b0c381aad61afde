"""Small builders for the matching rules' inputs."""

from __future__ import annotations

import datetime as dt

from services.pledges.domain.kinds import DocumentKind, PledgeKind
from services.pledges.domain.matching import CoffeeRequest, OpenDocument, OpenPledge, Place
from shared.schemas.profile import AreaType

T0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
TOULOUSE = Place("Toulouse", "31")
BLAGNAC = Place("Blagnac", "31")
PARIS = Place("Paris", "75")


def at(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def pledge(pid: str, kind: PledgeKind = PledgeKind.HELP_RESUME, *, free: int = 3, since: int = 0,
           email: str | None = None, cities: tuple[Place, ...] = (), remote: bool = True,
           domains: tuple[str, ...] = ()) -> OpenPledge:
    return OpenPledge(pid, f"h-{pid}", email or f"{pid}@helper.org", kind, free, at(since), cities, remote, domains)


def document(did: str, kind: DocumentKind = DocumentKind.RESUME, *, free: int = 2, since: int = 0,
             email: str | None = None, reviewers: frozenset[str] = frozenset(), owner: str = "") -> OpenDocument:
    return OpenDocument(did, email or f"{did}@seeker.org", kind, free, at(since), reviewers, owner or f"s-{did}")


def coffee(pid: str, *, rome: str = "M1607", place: Place = TOULOUSE, mobility: AreaType = AreaType.CITY,
           since: int = 0, email: str | None = None) -> CoffeeRequest:
    return CoffeeRequest(pid, email or f"{pid}@seeker.org", rome, place, mobility, at(since))
