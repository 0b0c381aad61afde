"""Service layer of the advice: a batch of diagnoses in, ranked advice and events out; and the followup
trial's assignments and releases stored, for the read API to gate the control group's advice."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from services.advice.adapters import experiment
from services.advice.adapters.results import AdviceList
from services.advice.domain.advise import advise
from shared.consumer import Decoded
from shared.events import Envelope
from shared.mongo import insert_ignoring_duplicates, run_sync
from shared.results import collection, doc_id, encode_result
from shared.schemas.advice import AdviceGenerated
from shared.schemas.diagnosis import DiagnosisCompleted
from shared.schemas.followup import AdviceReleased, GroupAssigned
from shared.stage import Stage, StageOutput
from shared.topics import ADVICE_GENERATED, ASSIGNMENTS, DIAGNOSIS_COMPLETED, RELEASES

SOURCE = "/services/advice"
EVENT_IDS = uuid.UUID("a3d5e0f4-7b8c-4e2a-b1d6-93c2f7e8a045")


class AdviceStage(Stage[DiagnosisCompleted]):
    name = "advice"
    source = DIAGNOSIS_COMPLETED
    event_type = DIAGNOSIS_COMPLETED.event_types[0]
    data_model = DiagnosisCompleted

    def __init__(self, clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)) -> None:
        self.clock = clock

    async def handle(self, items: list[Decoded[DiagnosisCompleted]]) -> StageOutput:
        # One result per profile version even if the batch holds the same event twice.
        fresh = list({doc_id(i.data.profile_id, i.data.profile_version): i for i in items}.values())
        now = self.clock()
        generated = [
            AdviceGenerated(
                profile_id=item.data.profile_id, profile_version=item.data.profile_version, computed_at=now,
                main_challenge=item.data.diagnosis.main_challenge, advice=advise(item.data, now.date()),
            )
            for item in fresh
        ]
        events = [
            (ADVICE_GENERATED.name, Envelope.wrap(
                type=ADVICE_GENERATED.event_types[0], source=SOURCE, subject=g.profile_id, data=g,
                id=str(uuid.uuid5(EVENT_IDS, doc_id(g.profile_id, g.profile_version))), time=now,
            ))
            for g in generated
        ]
        documents = [
            {"_id": doc_id(g.profile_id, g.profile_version), "profile_id": g.profile_id,
             "profile_version": g.profile_version, "source_event_id": item.event.id, "computed_at": now,
             "result_blob": encode_result(g, include={"main_challenge", "advice"})}
            for item, g in zip(fresh, generated, strict=True)
        ]

        async def store() -> int:
            stored_before = await run_sync(insert_ignoring_duplicates, collection(AdviceList), documents)
            return stored_before + len(items) - len(fresh)

        return StageOutput(events=events, store=store)


class AssignmentStage(Stage[GroupAssigned]):
    """Stores each person's trial group; idempotent upserts, so a replay is harmless."""

    name = "advice"
    source = ASSIGNMENTS
    event_type = ASSIGNMENTS.event_types[0]
    data_model = GroupAssigned

    async def handle(self, items: list[Decoded[GroupAssigned]]) -> StageOutput:
        async def store() -> None:
            await run_sync(experiment.save_assignments, [item.data for item in items])

        return StageOutput(store=store)


class ReleaseStage(Stage[AdviceReleased]):
    """Stores when a control person's advice was released."""

    name = "advice"
    source = RELEASES
    event_type = RELEASES.event_types[0]
    data_model = AdviceReleased

    async def handle(self, items: list[Decoded[AdviceReleased]]) -> StageOutput:
        async def store() -> None:
            await run_sync(experiment.save_releases, [item.data for item in items])

        return StageOutput(store=store)
