"""Pick, score and explain the advice modules for one completed diagnosis. Pure and fast."""

from __future__ import annotations

import datetime as dt

from services.advice.domain.cards import Person, card_for
from services.advice.domain.catalog import CATALOG, CompiledModule
from services.advice.domain.facts import Facts
from services.advice.domain.phrases import Reason, render
from shared.schemas.advice import AdviceItem
from shared.schemas.diagnosis import DiagnosisCompleted, Text


def advise(
    event: DiagnosisCompleted, today: dt.date, catalog: tuple[CompiledModule, ...] = CATALOG
) -> list[AdviceItem]:
    """Modules with a score > 0, exclusive ones resolved, by score desc then priority, with explanations.

    `today` dates the age and the search length; `catalog` is for tests.
    """
    facts = Facts(event, today)
    scored: list[tuple[int, CompiledModule, tuple[Reason, ...]]] = []
    for module in catalog:
        best = 0
        reasons: tuple[Reason, ...] = ()
        for rule, cap in module.triggers:
            verdict = rule(facts)
            if verdict is None or not verdict[0]:
                continue
            score = verdict[0]
            if score > cap:  # cheaper than min() in this hot loop
                score = cap
            if score > best:
                best, reasons = score, verdict[1]
            elif score == best:
                reasons += verdict[1]
        if best:
            scored.append((best, module, reasons))
    scored.sort(key=_rank)
    excluded: set[str] = set()
    advice = []
    person = Person(facts) if scored else None
    for score, module, reasons in scored:
        if module.id in excluded:
            continue
        excluded.update(module.excludes)
        advice.append(AdviceItem(
            module_id=module.id, score=score, title=module.title, explanations=_explain(module, reasons),
            card=card_for(module.id, facts, person),
        ))
    return advice


def _rank(item: tuple[int, CompiledModule, tuple[Reason, ...]]) -> tuple[int, int]:
    return (-item[0], item[1].priority)


def _explain(module: CompiledModule, reasons: tuple[Reason, ...]) -> list[Text]:
    # Same fact from several triggers is said once, in first-seen order.
    return [render(item) for item in dict.fromkeys(reasons)] or [module.pitch]
