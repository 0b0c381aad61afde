"""What a helper signs up with."""

from __future__ import annotations

from dataclasses import dataclass

from services.pledges.domain.kinds import PledgeKind
from services.pledges.domain.matching import Place

UNSUBSCRIBE = "unsubscribe"  # the purpose of the one signed link pledges sends (helpers sign in for the rest)


@dataclass(frozen=True)
class Pledge:
    kind: PledgeKind
    capacity: int


@dataclass(frozen=True)
class SignUp:
    name: str
    pledges: tuple[Pledge, ...]
    cities: tuple[Place, ...] = ()
    remote: bool = True
    domains: tuple[str, ...] = ()
