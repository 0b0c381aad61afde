"""Strategies per main challenge, each made of concrete actions drawn from the advice modules and their cards.

The catalogue (services/advice/data/strategies.json, read once at import) names each action's module (or card
group: `network` stands for the three network modules) and, where there is one, a resource of the cards'
catalogue. For one person, a strategy keeps the actions their advice contains; as in the original service, a
person always gets a choice, so when fewer than `MIN_PROPOSED` strategies have an action in the advice, the
challenge's other strategies are proposed whole, their actions marked as not from the advice. Pure.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from services.advice.domain.cards import MODULE_GROUP, RESOURCES
from shared.schemas.advice import AdviceItem
from shared.schemas.diagnosis import ChallengeId, Text

STRATEGIES_FILE = Path(__file__).resolve().parents[1] / "data" / "strategies.json"
MIN_PROPOSED = 2


@dataclass(frozen=True)
class Action:
    id: str
    module: str  # a module id or a card group (MODULE_GROUP's values)
    resource: str | None
    title: Text


@dataclass(frozen=True)
class Strategy:
    id: str
    challenges: tuple[ChallengeId, ...]
    title: Text
    why: Text
    actions: tuple[Action, ...]


@dataclass(frozen=True)
class Catalogue:
    actions: dict[str, Action]
    strategies: tuple[Strategy, ...]

    def for_challenge(self, challenge: ChallengeId) -> tuple[Strategy, ...]:
        return tuple(s for s in self.strategies if challenge in s.challenges)

    def strategy(self, strategy_id: str) -> Strategy | None:
        return next((s for s in self.strategies if s.id == strategy_id), None)


def load_catalogue(path: Path = STRATEGIES_FILE) -> Catalogue:
    data = json.loads(path.read_text(encoding="utf-8"))
    actions = {
        a["id"]: Action(id=a["id"], module=a["module"], resource=a.get("resource"), title=Text(**a["title"]))
        for a in data["actions"]
    }
    strategies = tuple(
        Strategy(id=s["id"], challenges=tuple(ChallengeId(c) for c in s["challenges"]), title=Text(**s["title"]),
                 why=Text(**s["why"]), actions=tuple(actions[a] for a in s["actions"]))
        for s in data["strategies"]
    )
    return Catalogue(actions, strategies)


CATALOGUE = load_catalogue()
_RESOURCES = {r.id: r for r in RESOURCES}


class ResourceOut(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    url: str


class ProposedAction(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    module_id: str = Field(description="The advice module (or card group, e.g. network) the action comes from")
    title: Text
    resource: ResourceOut | None = None
    in_advice: bool = Field(description="Whether the person's advice contains the action's module")


class ProposedStrategy(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    title: Text
    why: Text
    actions: list[ProposedAction]


def module_group(module_id: str) -> str:
    return MODULE_GROUP.get(module_id, module_id)


def _proposed(action: Action, in_advice: bool) -> ProposedAction:
    resource = _RESOURCES.get(action.resource) if action.resource else None
    return ProposedAction(
        id=action.id, module_id=action.module, title=action.title, in_advice=in_advice,
        resource=None if resource is None else ResourceOut(id=resource.id, name=resource.name, url=resource.url),
    )


def propose(
    challenge: ChallengeId, advice: Iterable[AdviceItem], catalogue: Catalogue = CATALOGUE
) -> list[ProposedStrategy]:
    """The challenge's strategies for this person, in catalogue order: those with actions in the advice (only
    those actions), completed up to MIN_PROPOSED with the challenge's others, whole."""
    modules = {module_group(item.module_id) for item in advice}
    matched: list[ProposedStrategy] = []
    unmatched: list[ProposedStrategy] = []
    for strategy in catalogue.for_challenge(challenge):
        kept = [_proposed(a, True) for a in strategy.actions if a.module in modules]
        target, actions = (matched, kept) if kept else (unmatched, [_proposed(a, False) for a in strategy.actions])
        target.append(ProposedStrategy(id=strategy.id, title=strategy.title, why=strategy.why, actions=actions))
    return matched + unmatched[:max(0, MIN_PROPOSED - len(matched))]
