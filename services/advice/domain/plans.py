"""A person's action plan: a strategy, the actions they chose with target dates, each todo, done or stuck. Pure:
the caller passes the current plan, the strategies proposed to the person and the time; each change returns the
next revision of the plan with what happened, for the events."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from services.advice.domain.strategies import ProposedStrategy
from shared.schemas.diagnosis import ChallengeId, Text
from shared.schemas.engagement import NOTE_MAX, ActionState, Progress

MAX_ACTIONS = 12
MAX_DAYS_AHEAD = 366
ActionId = Annotated[str, Field(pattern=r"^[a-z0-9-]{1,60}$")]


class PlanError(Exception):
    """A refused change; `field` names the request field at fault, when one is."""

    field: str | None = None


class UnknownStrategy(PlanError):
    field = "strategy_id"


class UnknownAction(PlanError):
    field = "actions"


class BadTargetDate(PlanError):
    field = "actions"


class NoSuchAction(PlanError):
    """The plan has no action with this id (404)."""


class NoPlan(PlanError):
    """The person has no plan yet (404)."""


class StaleRevision(PlanError):
    """The plan changed since the revision the caller saw (409)."""


class PlannedAction(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: ActionId
    module_id: str
    title: Text
    target_date: dt.date | None = None
    state: ActionState = ActionState.TODO
    note: Annotated[str | None, Field(max_length=NOTE_MAX)] = None
    updated_at: dt.datetime


class Plan(BaseModel):
    """Stored as it is (one document per person) and served."""

    model_config = ConfigDict(frozen=True)

    profile_id: str
    revision: Annotated[int, Field(ge=1)]
    main_challenge: ChallengeId
    strategy_id: str
    actions: list[PlannedAction]
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def progress(self) -> Progress:
        states = [a.state for a in self.actions]
        return Progress(total=len(states), done=states.count(ActionState.DONE), stuck=states.count(ActionState.STUCK))

    def action(self, action_id: str) -> PlannedAction:
        found = next((a for a in self.actions if a.id == action_id), None)
        if found is None:
            raise NoSuchAction(action_id)
        return found


class ChosenAction(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: ActionId
    target_date: dt.date | None = None


class PlanIn(BaseModel):
    """PUT body: the strategy and the actions chosen; `revision` is the plan's revision the person saw (none or 0
    to create it), so that a change made meanwhile on another device is not overwritten."""

    model_config = ConfigDict(extra="forbid")

    strategy_id: Annotated[str, Field(pattern=r"^[a-z0-9-]{1,60}$")]
    actions: Annotated[list[ChosenAction], Field(min_length=1, max_length=MAX_ACTIONS)]
    revision: Annotated[int | None, Field(ge=0)] = None


class StateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    state: ActionState
    note: Annotated[str | None, Field(max_length=NOTE_MAX)] = None


@dataclass(frozen=True)
class Happened:
    """One event to emit: its type and, for an action's change, the action after it."""

    type: str
    action: PlannedAction | None = None


@dataclass(frozen=True)
class Change:
    plan: Plan
    happened: tuple[Happened, ...]


STATE_EVENTS = {ActionState.DONE: "action.done", ActionState.STUCK: "action.stuck", ActionState.TODO: "action.reopened"}


def _check_date(value: dt.date | None, today: dt.date) -> None:
    # A day of slack for the person's time zone.
    if value is not None and not today - dt.timedelta(days=1) <= value <= today + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise BadTargetDate(f"target_date {value} must be between today and {MAX_DAYS_AHEAD} days ahead")


def _check_revision(current: Plan | None, seen: int | None) -> None:
    expected = 0 if current is None else current.revision
    if (seen or 0) != expected:
        raise StaleRevision(f"the plan is at revision {expected}, not {seen or 0}")


def choose(
    profile_id: str, current: Plan | None, request: PlanIn, challenge: ChallengeId,
    proposed: list[ProposedStrategy], now: dt.datetime,
) -> Change:
    """Creates the plan or replaces its strategy and actions; an action kept keeps its state and note."""
    _check_revision(current, request.revision)
    strategy = next((s for s in proposed if s.id == request.strategy_id), None)
    if strategy is None:
        raise UnknownStrategy(f"{request.strategy_id} is not a strategy proposed to this person")
    offered = {a.id: a for a in strategy.actions}
    ids = [a.id for a in request.actions]
    if len(set(ids)) != len(ids):
        raise UnknownAction("an action is chosen twice")
    unknown = [i for i in ids if i not in offered]
    if unknown:
        raise UnknownAction(f"{', '.join(unknown)}: not an action of {strategy.id}")
    for chosen in request.actions:
        _check_date(chosen.target_date, now.date())
    before = {a.id: a for a in current.actions} if current is not None else {}
    actions = []
    for chosen in request.actions:
        previous = before.get(chosen.id)
        if previous is not None and previous.target_date == chosen.target_date:
            actions.append(previous)
        else:
            actions.append(PlannedAction(
                id=chosen.id, module_id=offered[chosen.id].module_id, title=offered[chosen.id].title,
                target_date=chosen.target_date, state=previous.state if previous else ActionState.TODO,
                note=previous.note if previous else None, updated_at=now,
            ))
    plan = Plan(
        profile_id=profile_id, revision=1 if current is None else current.revision + 1, main_challenge=challenge,
        strategy_id=strategy.id, actions=actions, created_at=now if current is None else current.created_at,
        updated_at=now,
    )
    happened: list[Happened] = []
    if current is None:
        happened.append(Happened("plan.created"))
    elif current.strategy_id != strategy.id:
        happened.append(Happened("plan.strategy-chosen"))
    happened += [Happened("action.added", a) for a in actions if a.id not in before]
    happened += [Happened("action.removed", a) for a in before.values() if a.id not in set(ids)]
    return Change(plan, tuple(happened))


def set_state(current: Plan | None, action_id: str, request: StateIn, now: dt.datetime) -> Change | None:
    """Marks an action done, stuck or todo again, with an optional note; None when nothing changes (a repeat)."""
    if current is None:
        raise NoPlan(action_id)
    action = current.action(action_id)
    if action.state is request.state and action.note == request.note:
        return None
    changed = action.model_copy(update={"state": request.state, "note": request.note, "updated_at": now})
    plan = current.model_copy(update={
        "revision": current.revision + 1, "updated_at": now,
        "actions": [changed if a.id == action_id else a for a in current.actions],
    })
    happened = (Happened(STATE_EVENTS[request.state], changed),) if action.state is not request.state else ()
    return Change(plan, happened)
