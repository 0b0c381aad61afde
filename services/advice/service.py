"""Service layer of the advice: a batch of diagnoses in, ranked advice and events out; and the followup
trial's assignments and releases stored, for the read API to gate the control group's advice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from services.advice.adapters import experiment
from services.advice.adapters.results import AdviceList
from services.advice.domain.advise import advise
from shared import metrics
from shared.crypto.keystore import PersonKeys
from shared.messaging.consumer import Consumer, Output
from shared.messaging.envelope import Envelope
from shared.messaging.factory import EventFactory
from shared.mongo import insert_ignoring_duplicates, run_sync
from shared.results import collection, doc_id, drop_erased, encode_result
from shared.schemas.advice import AdviceGenerated
from shared.schemas.diagnosis import SealedDiagnosisCompleted
from shared.schemas.followup import AdviceReleased, GroupAssigned
from shared.topics import ADVICE_GENERATED, ASSIGNMENTS, DIAGNOSIS_COMPLETED, RELEASES

GENERATED = ADVICE_GENERATED.event_types[0]


class AdviceStage(Consumer[SealedDiagnosisCompleted]):
    """Opens each diagnosis with its person's data key and seals the advice with it; a person whose key is gone
    (erased) is skipped."""

    name = "advice"
    topic = DIAGNOSIS_COMPLETED

    def __init__(
        self, factory: EventFactory, keys: PersonKeys, *,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        batch_size: int = Consumer.batch_size, within: float = Consumer.within,
    ) -> None:
        self.factory = factory
        self.keys = keys
        self.clock = clock
        self.batch_size = batch_size
        self.within = within
        metrics.PIPELINE_LATENCY.labels(factory.service)  # at zero from the start (see shared/metrics.py)

    async def handle(self, events: list[Envelope[SealedDiagnosisCompleted]]) -> Output:
        # One result per profile version even if two events of the batch carry the same version.
        unique = list({doc_id(e.data.profile_id, e.data.profile_version): e for e in events}.values())
        keys = await self.keys.lookup(e.data.profile_id for e in unique)
        fresh = [e for e in unique if e.data.profile_id in keys]
        now = self.clock()
        generated = []
        for e in fresh:
            diagnosed = e.data.opened(keys[e.data.profile_id])
            generated.append(AdviceGenerated(
                profile_id=diagnosed.profile_id, profile_version=diagnosed.profile_version, computed_at=now,
                main_challenge=diagnosed.diagnosis.main_challenge, advice=advise(diagnosed, now.date()),
            ))
        outgoing = [
            self.factory.event(
                GENERATED, g.profile_id, g.sealed(keys[g.profile_id]), entity=doc_id(g.profile_id, g.profile_version),
                time=now, cause=event,
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
            await run_sync(drop_erased, AdviceList, documents)  # the erasure may have overtaken us
            if not stored_before:  # a replay's times would measure the replay, not the pipeline
                stored = self.clock()
                for e in fresh:
                    if e.data.submitted_at is not None:
                        metrics.PIPELINE_LATENCY.labels(self.factory.service).observe(
                            max(0.0, (stored - e.data.submitted_at).total_seconds()))
            return stored_before + len(events) - len(unique)

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
