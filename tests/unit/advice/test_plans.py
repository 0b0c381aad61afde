"""The action plan's rules: choosing a strategy and actions, marking them, revisions and what each change emits."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from services.advice.domain import plan_email
from services.advice.domain.plans import (
    BadTargetDate,
    NoPlan,
    NoSuchAction,
    Plan,
    PlanError,
    PlanIn,
    StaleRevision,
    StateIn,
    UnknownAction,
    UnknownStrategy,
    choose,
    set_state,
)
from services.advice.domain.strategies import propose
from shared.schemas.advice import AdviceItem
from shared.schemas.diagnosis import ChallengeId, Text
from shared.schemas.engagement import ActionState

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(hours=2)
IN_A_WEEK = NOW.date() + dt.timedelta(days=7)
CHALLENGE = ChallengeId.STUCK_MARKET
PROPOSED = propose(CHALLENGE, [
    AdviceItem(module_id=m, score=2, title=Text(fr="t", en="t"), explanations=[])
    for m in ("network-application-medium", "commute", "follow-up")
])


def plan_in(strategy: str = "activate-network", *actions: tuple[str, dt.date | None], revision: int = 0) -> PlanIn:
    chosen = actions or (("network-list", IN_A_WEEK), ("follow-up-log", None))
    return PlanIn.model_validate({"strategy_id": strategy, "revision": revision,
                                  "actions": [{"id": i, "target_date": d} for i, d in chosen]})


def created() -> Plan:
    return choose("p1", None, plan_in(), CHALLENGE, PROPOSED, NOW).plan


def test_a_new_plan_is_revision_one_with_its_actions_to_do() -> None:
    change = choose("p1", None, plan_in(), CHALLENGE, PROPOSED, NOW)
    plan = change.plan
    assert (plan.revision, plan.strategy_id, plan.main_challenge) == (1, "activate-network", CHALLENGE)
    assert [(a.id, a.target_date, a.state) for a in plan.actions] == [
        ("network-list", IN_A_WEEK, ActionState.TODO), ("follow-up-log", None, ActionState.TODO)]
    assert plan.actions[0].module_id == "network"
    assert [(h.type, h.action and h.action.id) for h in change.happened] == [
        ("plan.created", None), ("action.added", "network-list"), ("action.added", "follow-up-log")]
    assert plan.progress.model_dump() == {"total": 2, "done": 0, "stuck": 0}


def test_marking_done_then_stuck_then_todo_again() -> None:
    plan = created()
    done = set_state(plan, "network-list", StateIn(state=ActionState.DONE), LATER)
    assert done is not None
    assert done.plan.revision == 2
    assert done.plan.action("network-list").state is ActionState.DONE
    assert [h.type for h in done.happened] == ["action.done"]
    assert done.plan.progress.done == 1
    stuck = set_state(done.plan, "follow-up-log", StateIn(state=ActionState.STUCK, note="no answer yet"), LATER)
    assert stuck is not None
    assert [h.type for h in stuck.happened] == ["action.stuck"]
    assert stuck.plan.action("follow-up-log").note == "no answer yet"
    assert stuck.plan.progress.model_dump() == {"total": 2, "done": 1, "stuck": 1}
    reopened = set_state(stuck.plan, "network-list", StateIn(state=ActionState.TODO), LATER)
    assert reopened is not None
    assert [h.type for h in reopened.happened] == ["action.reopened"]
    assert reopened.plan.revision == 4


def test_a_repeat_changes_nothing_and_a_new_note_alone_emits_nothing() -> None:
    plan = created()
    assert set_state(plan, "network-list", StateIn(state=ActionState.TODO), LATER) is None
    stuck = set_state(plan, "network-list", StateIn(state=ActionState.STUCK, note="a"), LATER)
    assert stuck is not None
    assert set_state(stuck.plan, "network-list", StateIn(state=ActionState.STUCK, note="a"), LATER) is None
    noted = set_state(stuck.plan, "network-list", StateIn(state=ActionState.STUCK, note="b"), LATER)
    assert noted is not None
    assert noted.happened == ()
    assert noted.plan.revision == 3


def test_changing_strategy_keeps_shared_actions_with_their_state() -> None:
    marked = set_state(created(), "follow-up-log", StateIn(state=ActionState.DONE), LATER)
    assert marked is not None
    request = plan_in("spontaneous-applications", ("follow-up-log", None), revision=2)
    change = choose("p1", marked.plan, request, CHALLENGE, PROPOSED, LATER)
    assert change.plan.strategy_id == "spontaneous-applications"
    assert change.plan.revision == 3
    assert change.plan.action("follow-up-log").state is ActionState.DONE
    assert change.plan.created_at == NOW
    assert [(h.type, h.action and h.action.id) for h in change.happened] == [
        ("plan.strategy-chosen", None), ("action.removed", "network-list")]


def test_a_stale_revision_is_refused() -> None:
    plan = created()
    with pytest.raises(StaleRevision):
        choose("p1", plan, plan_in(revision=0), CHALLENGE, PROPOSED, LATER)
    with pytest.raises(StaleRevision):
        choose("p1", None, plan_in(revision=3), CHALLENGE, PROPOSED, LATER)


@pytest.mark.parametrize(("request_", "error", "field"), [
    (lambda: plan_in("get-trained"), UnknownStrategy, "strategy_id"),  # not proposed for this challenge
    (lambda: plan_in("activate-network", ("commute-alerts", None)), UnknownAction, "actions"),
    (lambda: plan_in("activate-network", ("network-list", None), ("network-list", None)), UnknownAction, "actions"),
    (lambda: plan_in("activate-network", ("network-list", NOW.date() - dt.timedelta(days=3))), BadTargetDate,
     "actions"),
    (lambda: plan_in("activate-network", ("network-list", NOW.date() + dt.timedelta(days=400))), BadTargetDate,
     "actions"),
])
def test_refusals_name_the_field(request_: object, error: type[PlanError], field: str) -> None:
    with pytest.raises(error) as raised:
        choose("p1", None, request_(), CHALLENGE, PROPOSED, NOW)  # type: ignore[operator]
    assert raised.value.field == field


def test_marking_needs_a_plan_and_an_action_of_it() -> None:
    with pytest.raises(NoPlan):
        set_state(None, "network-list", StateIn(state=ActionState.DONE), NOW)
    with pytest.raises(NoSuchAction):
        set_state(created(), "commute-alerts", StateIn(state=ActionState.DONE), NOW)


@pytest.mark.parametrize("body", [
    {"strategy_id": "activate-network", "actions": []},
    {"strategy_id": "Activate Network!", "actions": [{"id": "network-list"}]},
    {"strategy_id": "activate-network", "actions": [{"id": "network-list", "target_date": "soon"}]},
    {"strategy_id": "activate-network", "actions": [{"id": f"a{i}"} for i in range(13)]},
    {"strategy_id": "activate-network", "actions": [{"id": "network-list"}], "revision": -1},
])
def test_malformed_bodies_are_refused(body: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        PlanIn.model_validate(body)


def test_a_note_is_short() -> None:
    with pytest.raises(ValidationError):
        StateIn.model_validate({"state": "stuck", "note": "x" * 501})
    with pytest.raises(ValidationError):
        StateIn.model_validate({"state": "abandoned"})


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_the_email_lists_the_actions_their_state_and_the_link(locale: str) -> None:
    done = set_state(created(), "network-list", StateIn(state=ActionState.DONE), LATER)
    assert done is not None
    subject, text = plan_email.render(done.plan, locale, "https://bob.example/#/plan")
    assert subject == {"fr": "Votre plan d'action", "en": "Your action plan"}[locale]
    assert {"fr": "Activez votre réseau", "en": "Activate your network"}[locale] in text
    assert {"fr": "[fait]", "en": "[done]"}[locale] in text
    assert IN_A_WEEK.isoformat() in text
    assert text.endswith("https://bob.example/#/plan")
