"""Use cases of the action plan (synchronous: call through run_sync): see the strategies and the plan, choose,
mark actions, email the plan to oneself. Each change is stored the outbox way: the entry of its events first, then
the plan's revision naming it; a refused revision (a conflict) leaves only an orphan entry, which the relay drops.

The plan follows the advice: none while the advice is pending, nor for the trial's control group while their
advice is withheld (the strategies would show it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

from prometheus_client import Counter
from pydantic import BaseModel, Field

from services.advice.adapters import experiment, plans
from services.advice.adapters.results import AdviceList
from services.advice.domain import plan_email
from services.advice.domain.plans import (
    Change,
    NoPlan,
    Plan,
    PlanError,
    PlanIn,
    StaleRevision,
    StateIn,
    choose,
    set_state,
)
from services.advice.domain.strategies import ProposedStrategy, propose
from shared.crypto.keystore import KeyReader
from shared.messaging.factory import EventFactory
from shared.messaging.outbox import Outbox
from shared.results import latest
from shared.schemas.advice import AdviceItem
from shared.schemas.diagnosis import ChallengeId
from shared.schemas.engagement import PlanChanged, PlanDetail, Progress
from shared.schemas.notification import Notification
from shared.topics import ENGAGEMENT_ACTIONS

Doc = dict[str, Any]
STATE_RETRIES = 3  # marking actions commutes: a conflict is retried on the fresh plan
PLAN_EVENTS = Counter("bob_action_plan_events_total", "Action plan changes stored, by event type", ["type"])
PLAN_EMAILS = Counter("bob_action_plan_emails_total", "Action plans emailed to their owner")
for _type in ENGAGEMENT_ACTIONS.event_types:
    PLAN_EVENTS.labels(_type)


class NoAdvice(PlanError):
    """No advice to build a plan from yet, or withheld (trial's control group)."""


class Erased(PlanError):
    """The person's data key is gone."""


class NoAddress(PlanError):
    """The person's token carries no email address."""


class PlanView(BaseModel):
    """What the plan page shows, in one GET (the client caches it for offline reading)."""

    status: Literal["pending", "withheld", "ready"]
    main_challenge: ChallengeId | None = None
    strategies: list[ProposedStrategy] = Field(default_factory=list)
    plan: Plan | None = None
    progress: Progress | None = None


class Saved(BaseModel):
    view: PlanView
    entry: Doc | None = None  # the outbox entry of its events, for the relay


class PlanUseCases:
    def __init__(
        self, outbox: Outbox, factory: EventFactory, keys: KeyReader, clock: Callable[[], dt.datetime],
        plan_url: str,
    ) -> None:
        self.outbox = outbox
        self.factory = factory
        self.keys = keys
        self.clock = clock
        self.plan_url = plan_url

    def _advice(self, profile_id: str) -> tuple[Literal["pending", "withheld", "ready"], ChallengeId | None,
                                                 list[AdviceItem]]:
        doc = latest(AdviceList, profile_id, None)
        assignment = experiment.find(profile_id)
        if doc is None or assignment is None:
            return "pending", None, []
        if not assignment.shows_advice:
            return "withheld", None, []
        result = doc.result
        return "ready", ChallengeId(result["main_challenge"]), [AdviceItem.model_validate(a) for a in result["advice"]]

    def view(self, profile_id: str) -> PlanView:
        status, challenge, advice = self._advice(profile_id)
        if challenge is None:
            return PlanView(status=status)
        plan = plans.load(profile_id)
        return PlanView(status=status, main_challenge=challenge, strategies=propose(challenge, advice), plan=plan,
                        progress=None if plan is None else plan.progress)

    def choose(self, profile_id: str, request: PlanIn) -> Saved:
        status, challenge, advice = self._advice(profile_id)
        if challenge is None:
            raise NoAdvice(status)
        now = self.clock()
        change = choose(profile_id, plans.load(profile_id), request, challenge, propose(challenge, advice), now)
        entry = self._store(change, now)
        return Saved(view=self.view(profile_id), entry=entry)

    def set_state(self, profile_id: str, action_id: str, request: StateIn) -> Saved:
        for attempt in range(STATE_RETRIES):
            now = self.clock()
            change = set_state(plans.load(profile_id), action_id, request, now)
            if change is None:
                return Saved(view=self.view(profile_id))
            try:
                entry = self._store(change, now)
            except StaleRevision:
                if attempt == STATE_RETRIES - 1:
                    raise
                continue
            return Saved(view=self.view(profile_id), entry=entry)
        raise AssertionError("unreachable")

    def _key(self, profile_id: str) -> bytes:
        key = self.keys.get(profile_id)
        if key is None:
            raise Erased(profile_id)
        return key

    def _store(self, change: Change, now: dt.datetime) -> Doc | None:
        plan = change.plan
        key = self._key(plan.profile_id)
        events = []
        for happened in change.happened:
            action = happened.action
            data = PlanChanged(
                profile_id=plan.profile_id, revision=plan.revision, occurred_at=now, progress=plan.progress,
                state=None if action is None else action.state,
                target_date=None if action is None else action.target_date,
                detail=PlanDetail(strategy_id=plan.strategy_id, action_id=None if action is None else action.id,
                                  module_id=None if action is None else action.module_id,
                                  note=None if action is None else action.note),
            )
            entity = f"{plan.profile_id}:{plan.revision}:{happened.type}:{'' if action is None else action.id}"
            events.append(self.factory.event(happened.type, plan.profile_id, data.sealed(key, happened.type),
                                             entity=entity, time=now))
        entry = None
        if events:
            entry = Outbox.entry(events, now, requires=(plans.REVISIONS, plans.revision_id(plan.profile_id,
                                                                                             plan.revision)))
            self.outbox.add([entry])
        plans.save(plan, None if entry is None else entry["_id"])
        for happened in change.happened:
            PLAN_EVENTS.labels(happened.type).inc()
        return entry

    def email(self, profile_id: str, address: str | None, locale: str) -> Doc:
        """Requests the email of the current plan to the person's own address (from their token): sealed with
        their key in the event, never stored here. Once per plan revision (the notifier's idempotency key)."""
        if address is None:
            raise NoAddress(profile_id)
        plan = plans.load(profile_id)
        if plan is None:
            raise NoPlan(profile_id)
        now = self.clock()
        subject, text = plan_email.render(plan, locale, self.plan_url)
        note = Notification(
            idempotency_key=f"action-plan:{profile_id}:{plan.revision}:{locale}", recipient_id=profile_id,
            category="action-plan", locale=locale, to=address, subject=subject, text=text,
        )
        event = self.factory.event("notification.requested", profile_id, note.sealed(self._key(profile_id)),
                                   entity=note.idempotency_key, time=now)
        entry = Outbox.entry([event], now, entry_id=f"plan-email:{note.idempotency_key}")
        self.outbox.add([entry])
        PLAN_EMAILS.inc()
        return entry
