"""Which help a job seeker is offered, from their blockers or from their advice."""

from __future__ import annotations

from collections.abc import Iterable

from services.pledges.domain.kinds import PledgeKind
from shared.schemas.profile import Frustration

_BY_FRUSTRATION = {
    Frustration.RESUME: (PledgeKind.HELP_RESUME, PledgeKind.HELP_COVER_LETTER),
    Frustration.INTERVIEW: (PledgeKind.HELP_COFFEE,),
}
_BY_ADVICE_MODULE = {
    "improve-resume": (PledgeKind.HELP_RESUME,),
    "fresh-resume": (PledgeKind.HELP_RESUME,),
    # Spontaneous applications live or die by their cover letter.
    "spontaneous-application": (PledgeKind.HELP_COVER_LETTER,),
    "improve-interview": (PledgeKind.HELP_COFFEE,),
    "body-language": (PledgeKind.HELP_COFFEE,),
}


def _ordered(kinds: Iterable[PledgeKind]) -> list[PledgeKind]:
    wanted = set(kinds)
    return [kind for kind in PledgeKind if kind in wanted]


def kinds_for_frustrations(frustrations: Iterable[Frustration]) -> list[PledgeKind]:
    return _ordered(kind for f in frustrations for kind in _BY_FRUSTRATION.get(f, ()))


def kinds_for_advice(module_ids: Iterable[str]) -> list[PledgeKind]:
    return _ordered(kind for m in module_ids for kind in _BY_ADVICE_MODULE.get(m, ()))
