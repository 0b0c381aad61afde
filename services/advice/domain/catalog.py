"""The modules compiled once at import: rule ids parsed (a bad id fails here), exclusions resolved."""

from __future__ import annotations

from services.advice.domain.modules import EXCLUSIVE_GROUPS, MODULES, Module
from services.advice.domain.rules import RuleFn, compile_rule
from shared.schemas.diagnosis import Text


class CompiledModule:
    __slots__ = ("excludes", "id", "pitch", "priority", "title", "triggers")

    def __init__(self, module: Module, priority: int, excludes: frozenset[str]) -> None:
        self.id: str = module.id
        self.priority: int = priority
        self.title: Text = module.title
        self.pitch: Text = module.pitch
        self.triggers: tuple[tuple[RuleFn, int], ...] = tuple(
            (compile_rule(rule_id), cap) for rule_id, cap in module.triggers.items()
        )
        self.excludes: frozenset[str] = excludes


def compile_modules(
    modules: tuple[Module, ...], groups: tuple[frozenset[str], ...]
) -> tuple[CompiledModule, ...]:
    ids = [module.id for module in modules]
    if len(set(ids)) != len(ids):
        raise ValueError(f"duplicate module ids in {ids}")
    for group in groups:
        if not group <= set(ids):
            raise ValueError(f"exclusive group names unknown modules: {sorted(group - set(ids))}")
    compiled = []
    for priority, module in enumerate(modules):
        if not module.triggers:
            raise ValueError(f"module {module.id} has no trigger")
        for rule_id, cap in module.triggers.items():
            if not 1 <= cap <= 3:
                raise ValueError(f"module {module.id}: trigger {rule_id} has cap {cap}, expected 1..3")
        excludes = frozenset().union(*(group - {module.id} for group in groups if module.id in group))
        compiled.append(CompiledModule(module, priority, excludes))
    return tuple(compiled)


CATALOG: tuple[CompiledModule, ...] = compile_modules(MODULES, EXCLUSIVE_GROUPS)
