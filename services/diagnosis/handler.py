"""Service layer of the diagnosis: a batch of submitted profiles in, diagnoses and events out."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from services.diagnosis.adapters.results import Diagnosis
from services.diagnosis.domain.challenges import diagnose
from services.diagnosis.model.employability import EmployabilityModel
from shared.consumer import Decoded
from shared.events import Envelope
from shared.mongo import insert_ignoring_duplicates, run_sync
from shared.referential.repository import ReferentialCache
from shared.results import collection, doc_id, encode_result
from shared.schemas.diagnosis import DiagnosisCompleted
from shared.schemas.profile import ProfileSubmitted
from shared.stage import Stage, StageOutput
from shared.topics import DIAGNOSIS_COMPLETED, PROFILE_SUBMITTED

SOURCE = "/services/diagnosis"
EVENT_IDS = uuid.UUID("6f1c9a52-3d0e-4c57-9a44-0c5e0b8f9d11")


def compute(
    items: list[Decoded[ProfileSubmitted]], referential: ReferentialCache, model: EmployabilityModel, now: dt.datetime
) -> list[DiagnosisCompleted]:
    """Pure: rules per profile, one model call for the whole batch."""
    today = now.date()
    pairs = []
    for item in items:
        project = item.data.profile.main_project
        market = (
            referential.market_facts(project.city.departement_id, project.target_job.rome_code)
            if project.target_job else None
        )
        pairs.append((item.data.profile, market))
    estimates = model.predict_many(pairs, today)
    return [
        DiagnosisCompleted(
            profile_id=item.data.profile_id,
            profile_version=item.data.version,
            computed_at=now,
            profile=profile,
            market=market,
            diagnosis=diagnose(profile, market, today).model_copy(update={"employability": estimate}),
        )
        for item, (profile, market), estimate in zip(items, pairs, estimates, strict=True)
    ]


class DiagnosisStage(Stage[ProfileSubmitted]):
    name = "diagnosis"
    source = PROFILE_SUBMITTED
    event_type = PROFILE_SUBMITTED.event_types[0]
    data_model = ProfileSubmitted

    def __init__(
        self, referential: ReferentialCache, model: EmployabilityModel,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self.referential = referential
        self.model = model
        self.clock = clock

    async def handle(self, items: list[Decoded[ProfileSubmitted]]) -> StageOutput:
        # One result per profile version even if the batch holds the same event twice.
        fresh = list({doc_id(i.data.profile_id, i.data.version): i for i in items}.values())
        computed = compute(fresh, self.referential, self.model, self.clock())
        events = [
            (DIAGNOSIS_COMPLETED.name, Envelope.wrap(
                type=DIAGNOSIS_COMPLETED.event_types[0], source=SOURCE, subject=c.profile_id, data=c,
                id=str(uuid.uuid5(EVENT_IDS, doc_id(c.profile_id, c.profile_version))),
                time=c.computed_at,
            ))
            for c in computed
        ]
        documents = [
            {"_id": doc_id(c.profile_id, c.profile_version), "profile_id": c.profile_id,
             "profile_version": c.profile_version, "source_event_id": item.event.id, "computed_at": c.computed_at,
             "result_blob": encode_result(c, include={"diagnosis", "market"})}
            for item, c in zip(fresh, computed, strict=True)
        ]

        async def store() -> int:
            stored_before = await run_sync(insert_ignoring_duplicates, collection(Diagnosis), documents)
            return stored_before + len(items) - len(fresh)

        return StageOutput(events=events, store=store)
