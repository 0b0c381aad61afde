"""Service layer of the advice: a batch of diagnoses in, ranked advice and events out; and the followup
trial's assignments and releases stored, for the read API to gate the control group's advice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from services.advice.adapters import experiment
from services.advice.adapters.results import AdviceList
from services.advice.domain.advise import advise
from shared.messaging.consumer import Consumer, Output
from shared.messaging.envelope import Envelope
from shared.messaging.factory import EventFactory
from shared.mongo import insert_ignoring_duplicates, run_sync
from shared.results import collection, doc_id, encode_result
from shared.schemas.advice import AdviceGenerated
from shared.schemas.diagnosis import DiagnosisCompleted
from shared.schemas.followup import AdviceReleased, GroupAssigned
from shared.topics import ADVICE_GENERATED, ASSIGNMENTS, DIAGNOSIS_COMPLETED, RELEASES

GENERATED = ADVICE_GENERATED.event_types[0]


class AdviceStage(Consumer[DiagnosisCompleted]):
    name = "advice"
    topic = DIAGNOSIS_COMPLETED

    def __init__(
        self, factory: EventFactory, *, clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        batch_size: int = Consumer.batch_size, within: float = Consumer.within,
    ) -> None:
        self.factory = factory
        self.clock = clock
        self.batch_size = batch_size
        self.within = within

    async def handle(self, events: list[Envelope[DiagnosisCompleted]]) -> Output:
        # One result per profile version even if two events of the batch carry the same version.
        fresh = list({doc_id(e.data.profile_id, e.data.profile_version): e for e in events}.values())
        now = self.clock()
        generated = [
            AdviceGenerated(
                profile_id=e.data.profile_id, profile_version=e.data.profile_version, computed_at=now,
                main_challenge=e.data.diagnosis.main_challenge, advice=advise(e.data, now.date()),
            )
            for e in fresh
        ]
        outgoing = [
            self.factory.event(
                GENERATED, g.profile_id, g, entity=doc_id(g.profile_id, g.profile_version), time=now, cause=event,
            )
            for event, g in zip(fresh, generated, strict=True)
        ]
        documents = [
            {"_id": doc_id(g.profile_id, g.profile_version), "profile_id": g.profile_id,
             "profile_version": g.profile_version, "source_event_id": event.id, "computed_at": now,
             "result_blob": encode_result(g, include={"main_challenge", "advice"})}
            for event, g in zip(fresh, generated, strict=True)
        ]

        async def store() -> int:
            stored_before = await run_sync(insert_ignoring_duplicates, collection(AdviceList), documents)
            return stored_before + len(events) - len(fresh)

        return Output(events=outgoing, store=store)


class AssignmentStage(Consumer[GroupAssigned]):
    """Stores each person's trial group; idempotent upserts, so a replay is harmless."""

    name = "advice"
    topic = ASSIGNMENTS

    async def handle(self, events: list[Envelope[GroupAssigned]]) -> Output:
        async def store() -> None:
            await run_sync(experiment.save_assignments, [e.data for e in events])

        return Output(store=store)


class ReleaseStage(Consumer[AdviceReleased]):
    """Stores when a control person's advice was released."""

    name = "advice"
    topic = RELEASES

    async def handle(self, events: list[Envelope[AdviceReleased]]) -> Output:
        async def store() -> None:
            await run_sync(experiment.save_releases, [e.data for e in events])

        return Output(store=store)
