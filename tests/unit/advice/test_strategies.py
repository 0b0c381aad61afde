"""Strategies per main challenge: the catalogue's shape, and what one person is proposed."""

from __future__ import annotations

import pytest

from services.advice.domain.advise import advise
from services.advice.domain.cards import MODULE_GROUP, RESOURCES
from services.advice.domain.modules import MODULES
from services.advice.domain.strategies import CATALOGUE, MIN_PROPOSED, propose
from shared.schemas.advice import AdviceItem
from shared.schemas.diagnosis import ChallengeId, DiagnosisCompleted, Text
from tests.unit.advice.factories import TODAY, make_event

MODULE_IDS = {m.id for m in MODULES}
MODULES_OF = {**{m: {m} for m in MODULE_IDS}, **{
    group: {m for m, g in MODULE_GROUP.items() if g == group} for group in set(MODULE_GROUP.values())}}
RESOURCES_BY_ID = {r.id: r for r in RESOURCES}


def item(module_id: str) -> AdviceItem:
    return AdviceItem(module_id=module_id, score=2, title=Text(fr="t", en="t"), explanations=[])


@pytest.mark.parametrize("challenge", list(ChallengeId))
def test_each_main_challenge_has_two_to_four_strategies(challenge: ChallengeId) -> None:
    assert 2 <= len(CATALOGUE.for_challenge(challenge)) <= 4


def test_every_action_names_a_real_module_and_a_resource_of_that_module() -> None:
    for action in CATALOGUE.actions.values():
        assert action.module in MODULES_OF, action.id
        if action.resource is not None:
            resource = RESOURCES_BY_ID[action.resource]
            assert resource.modules & MODULES_OF[action.module], f"{action.id}: {resource.id} is not for its module"


def test_texts_are_in_both_languages_and_ids_unique() -> None:
    ids = [s.id for s in CATALOGUE.strategies]
    assert len(ids) == len(set(ids))
    for strategy in CATALOGUE.strategies:
        assert strategy.actions, strategy.id
        assert len({a.id for a in strategy.actions}) == len(strategy.actions)
        for text in (strategy.title, strategy.why, *(a.title for a in strategy.actions)):
            assert text.fr.strip()
            assert text.en.strip()
            assert text.fr != text.en


def test_a_strategy_keeps_only_the_actions_of_the_advice() -> None:
    proposed = propose(ChallengeId.STUCK_MARKET, [item("network-application-weak"), item("commute"),
                                                  item("follow-up")])
    by_id = {s.id: s for s in proposed}
    assert list(by_id) == ["activate-network", "spontaneous-applications", "widen-area"]
    assert [a.id for a in by_id["activate-network"].actions] == [
        "network-list", "network-message", "network-referral", "follow-up-log"]
    assert [a.id for a in by_id["widen-area"].actions] == ["commute-alerts", "commute-times"]
    assert [a.id for a in by_id["spontaneous-applications"].actions] == ["follow-up-log"]
    assert all(a.in_advice for s in proposed for a in s.actions)
    assert by_id["activate-network"].actions[0].resource is not None
    assert by_id["activate-network"].actions[0].resource.url.startswith("https://")


def test_too_few_matches_are_completed_with_whole_strategies_marked_as_not_from_the_advice() -> None:
    proposed = propose(ChallengeId.MISSING_DIPLOMA, [item("vae")])
    assert [s.id for s in proposed] == ["diploma-recognised", "activate-network"]
    assert [a.in_advice for a in proposed[0].actions] == [True, True]
    assert proposed[1].actions
    assert not any(a.in_advice for a in proposed[1].actions)


@pytest.mark.parametrize("challenge", list(ChallengeId))
def test_real_advice_gets_two_to_four_strategies_of_its_modules(
    challenge: ChallengeId, busy_event: DiagnosisCompleted
) -> None:
    for event in (make_event(challenge=challenge.value), busy_event):
        advice = advise(event, TODAY)
        proposed = propose(challenge, advice)
        assert MIN_PROPOSED <= len(proposed) <= 4
        advised = {MODULE_GROUP.get(a.module_id, a.module_id) for a in advice}
        for strategy in proposed:
            assert all(a.in_advice == (a.module_id in advised) for a in strategy.actions)
