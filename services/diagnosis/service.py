"""Service layer of the diagnosis: a batch of submitted profiles in, diagnoses and events out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from services.diagnosis.adapters.results import Diagnosis
from services.diagnosis.domain.challenges import diagnose
from services.diagnosis.model.employability import EmployabilityModel
from shared.crypto.keystore import PersonKeys
from shared.messaging.consumer import Consumer, Output
from shared.messaging.envelope import Envelope
from shared.messaging.factory import EventFactory
from shared.mongo import insert_ignoring_duplicates, run_sync
from shared.referential.repository import ReferentialCache
from shared.results import collection, doc_id, encode_result
from shared.schemas.diagnosis import DiagnosisCompleted
from shared.schemas.profile import ProfileSubmitted, SealedProfileSubmitted
from shared.topics import DIAGNOSIS_COMPLETED, PROFILE_SUBMITTED

COMPLETED = DIAGNOSIS_COMPLETED.event_types[0]


def compute(
    submitted: list[ProfileSubmitted], referential: ReferentialCache, model: EmployabilityModel, now: dt.datetime
) -> list[DiagnosisCompleted]:
    """Pure: rules per profile, one model call for the whole batch."""
    today = now.date()
    pairs = []
    for data in submitted:
        project = data.profile.main_project
        market = (
            referential.market_facts(project.city.departement_id, project.target_job.rome_code)
            if project.target_job else None
        )
        pairs.append((data.profile, market))
    estimates = model.predict_many(pairs, today)
    return [
        DiagnosisCompleted(
            profile_id=data.profile_id,
            profile_version=data.version,
            computed_at=now,
            profile=profile,
            market=market,
            diagnosis=diagnose(profile, market, today).model_copy(update={"employability": estimate}),
        )
        for data, (profile, market), estimate in zip(submitted, pairs, estimates, strict=True)
    ]


class DiagnosisStage(Consumer[SealedProfileSubmitted]):
    """Opens each profile with its person's data key and seals the diagnosis with it; the profile of a person
    whose key is gone (erased) is skipped: there is no one left to diagnose."""

    name = "diagnosis"
    topic = PROFILE_SUBMITTED

    def __init__(
        self, referential: ReferentialCache, model: EmployabilityModel, factory: EventFactory, keys: PersonKeys, *,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        batch_size: int = Consumer.batch_size, within: float = Consumer.within,
    ) -> None:
        self.referential = referential
        self.model = model
        self.factory = factory
        self.keys = keys
        self.clock = clock
        self.batch_size = batch_size
        self.within = within

    async def handle(self, events: list[Envelope[SealedProfileSubmitted]]) -> Output:
        # One result per profile version even if two events of the batch carry the same version.
        unique = list({doc_id(e.data.profile_id, e.data.version): e for e in events}.values())
        keys = await self.keys.lookup(e.data.profile_id for e in unique)
        fresh = [e for e in unique if e.data.profile_id in keys]
        computed = compute([e.data.opened(keys[e.data.profile_id]) for e in fresh], self.referential, self.model,
                           self.clock())
        outgoing = [
            self.factory.event(
                COMPLETED, c.profile_id, c.sealed(keys[c.profile_id], event.data.contact, event.time),
                entity=doc_id(c.profile_id, c.profile_version), time=c.computed_at, cause=event,
            )
            for event, c in zip(fresh, computed, strict=True)
        ]
        documents = [
            {"_id": doc_id(c.profile_id, c.profile_version), "profile_id": c.profile_id,
             "profile_version": c.profile_version, "source_event_id": event.id, "computed_at": c.computed_at,
             "result_blob": encode_result(c, include={"diagnosis", "market"})}
            for event, c in zip(fresh, computed, strict=True)
        ]

        async def store() -> int:
            stored_before = await run_sync(insert_ignoring_duplicates, collection(Diagnosis), documents)
            return stored_before + len(events) - len(unique)

        return Output(events=outgoing, store=store)
