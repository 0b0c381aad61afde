"""The `engagement.actions` consumer: how many actions of each person's plan are left, for the coaching emails'
action-plan reminder. It reads only what the events carry in clear (the plan's progress and revision): which
strategy and actions they are stays sealed, and the follow-up needs no key for it."""

from __future__ import annotations

from services.followup.adapters.store import Store
from shared.messaging.consumer import Consumer, Output
from shared.messaging.envelope import Envelope
from shared.mongo import run_sync
from shared.schemas.engagement import SealedPlanChanged
from shared.topics import ENGAGEMENT_ACTIONS


def actions_left(change: SealedPlanChanged) -> int:
    progress = change.progress
    return max(0, progress.total - progress.done - progress.stuck)


class PlanChanges(Consumer[SealedPlanChanged]):
    name = "followup-plans"
    topic = ENGAGEMENT_ACTIONS

    def __init__(self, store: Store) -> None:
        self.store = store

    async def handle(self, events: list[Envelope[SealedPlanChanged]]) -> Output:
        latest: dict[str, SealedPlanChanged] = {}
        for event in events:  # a batch may hold several revisions of one plan: the newest counts
            known = latest.get(event.data.profile_id)
            if known is None or event.data.revision > known.revision:
                latest[event.data.profile_id] = event.data

        async def store() -> None:
            for change in latest.values():
                await run_sync(self.store.record_plan, change.profile_id, change.revision, actions_left(change),
                               change.occurred_at)

        return Output(store=store)
