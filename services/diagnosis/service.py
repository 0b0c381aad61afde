"""Service layer of the diagnosis: a batch of submitted profiles in, diagnoses and events out."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from prometheus_client import Gauge, Histogram
from pymongo.collection import Collection

from services.diagnosis.adapters.registry import Registry, service_registry
from services.diagnosis.adapters.results import Diagnosis
from services.diagnosis.domain.challenges import diagnose
from services.diagnosis.model.employability import EmployabilityModel, FloatArray
from services.diagnosis.model.retrain import sensitive_groups
from shared.crypto.keystore import PersonKeys
from shared.messaging.consumer import Consumer, Output
from shared.messaging.envelope import Envelope
from shared.messaging.factory import EventFactory
from shared.mongo import insert_ignoring_duplicates, run_sync
from shared.referential.repository import ReferentialCache
from shared.results import collection, doc_id, drop_erased, encode_result
from shared.schemas.diagnosis import DiagnosisCompleted, ModelReleased
from shared.schemas.followup import BACK_AT_WORK, SURVEY_ANSWERED, SurveyAnswered, SurveyKind
from shared.schemas.profile import ProfileSubmitted, SealedProfileSubmitted
from shared.topics import DIAGNOSIS_COMPLETED, MODEL_RELEASES, PROFILE_SUBMITTED, SURVEYS

COMPLETED = DIAGNOSIS_COMPLETED.event_types[0]
log = logging.getLogger(__name__)
MODEL_INFO = Gauge("bob_diagnosis_model_info", "The employability model version this worker estimates with",
                   ["version"])
SCORES = Histogram("bob_diagnosis_employability_score", "Estimated P(back at work within 3 months)", ["version"],
                   buckets=tuple(i / 10 for i in range(1, 11)))


@dataclass(frozen=True)
class Assessed:
    completed: list[DiagnosisCompleted]
    features: FloatArray  # one row per diagnosis: what the estimate was computed from


def assess(
    submitted: list[ProfileSubmitted], referential: ReferentialCache, model: EmployabilityModel, now: dt.datetime
) -> Assessed:
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
    estimates, features = model.estimate(pairs, today)
    completed = [
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
    return Assessed(completed, features)


def compute(
    submitted: list[ProfileSubmitted], referential: ReferentialCache, model: EmployabilityModel, now: dt.datetime
) -> list[DiagnosisCompleted]:
    return assess(submitted, referential, model, now).completed


def model_input(c: DiagnosisCompleted, features: list[float]) -> dict[str, Any]:
    """What is kept of an estimate to learn from its outcome (adapters/registry.py, model_inputs)."""
    estimate = c.diagnosis.employability
    return {
        "_id": doc_id(c.profile_id, c.profile_version), "profile_id": c.profile_id,
        "profile_version": c.profile_version, "computed_at": c.computed_at, "features": features,
        "groups": sensitive_groups(c.profile, c.computed_at.date()),
        "model_version": estimate.model_version if estimate else None,
        "probability": estimate.probability_back_to_work_3_months if estimate else None,
    }


def model_inputs() -> Collection[dict[str, Any]]:
    return service_registry().inputs


class LiveModel:
    """The model the stage estimates with, swapped in place when another version is released: the next batch
    uses it, without a restart."""

    def __init__(self, model: EmployabilityModel) -> None:
        self.swap(model)

    def swap(self, model: EmployabilityModel) -> None:
        self.current = model
        MODEL_INFO.clear()
        MODEL_INFO.labels(model.version).set(1)

    def refresh(self, registry: Registry) -> bool:
        """Load the registry's released version if it is not the current one (synchronous); returns whether it
        changed. The release event triggers it in the worker that receives it, a timer in every other one."""
        version = registry.released_version()
        if version is None or version == self.current.version:
            return False
        self.swap(registry.load(version))
        log.info("employability model swapped", extra={"version": version})
        return True


class DiagnosisStage(Consumer[SealedProfileSubmitted]):
    """Opens each profile with its person's data key and seals the diagnosis with it; the profile of a person
    whose key is gone (erased) is skipped: there is no one left to diagnose."""

    name = "diagnosis"
    topic = PROFILE_SUBMITTED

    def __init__(
        self, referential: ReferentialCache, model: LiveModel, factory: EventFactory, keys: PersonKeys, *,
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
        model = self.model.current
        assessed = assess([e.data.opened(keys[e.data.profile_id]) for e in fresh], self.referential, model,
                          self.clock())
        computed = assessed.completed
        for c in computed:
            if c.diagnosis.employability is not None:
                SCORES.labels(model.version).observe(c.diagnosis.employability.probability_back_to_work_3_months)
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

        inputs = [model_input(c, row) for c, row in zip(computed, assessed.features.tolist(), strict=True)]

        async def store() -> int:
            stored_before = await run_sync(insert_ignoring_duplicates, collection(Diagnosis), documents)
            await run_sync(insert_ignoring_duplicates, model_inputs(), inputs)
            await run_sync(drop_erased, Diagnosis, documents, model_inputs())  # the erasure may have overtaken us
            return stored_before + len(events) - len(unique)

        return Output(events=outgoing, store=store)


def outcome(answer: SurveyAnswered) -> dict[str, Any] | None:
    """The 3-month survey's answer as a training label (adapters/registry.py, model_outcomes); None for any other
    survey, and for "stopped seeking" without a form (not necessarily back at work)."""
    if answer.kind is not SurveyKind.EMPLOYMENT_STATUS or answer.round != 1:
        return None
    if answer.form is not None:
        back = answer.form.situation in BACK_AT_WORK
    elif answer.seeking:
        back = False
    else:
        return None
    return {"_id": answer.profile_id, "signed_up_at": answer.signed_up_at, "answered_at": answer.answered_at,
            "back_at_work": back, "step": answer.step}


class Outcomes(Consumer[SurveyAnswered]):
    """Keeps the 3-month survey's answers: the labels the retraining job learns from."""

    name = "diagnosis"
    topic = SURVEYS
    types = (SURVEY_ANSWERED,)

    def __init__(self, registry: Callable[[], Registry]) -> None:
        self.registry = registry

    async def handle(self, events: list[Envelope[SurveyAnswered]]) -> Output:
        # In order: a person's click comes before their form (one partition per person).
        docs = [doc for e in events if (doc := outcome(e.data)) is not None]

        async def store() -> None:
            registry = self.registry()
            for doc in docs:
                await run_sync(registry.save_outcome, doc)

        return Output(store=store)


class Releases(Consumer[ModelReleased]):
    """A released (or rolled back) model version: load it now, without a restart."""

    name = "diagnosis"
    topic = MODEL_RELEASES

    def __init__(self, live: LiveModel, registry: Callable[[], Registry]) -> None:
        self.live = live
        self.registry = registry

    async def handle(self, events: list[Envelope[ModelReleased]]) -> Output:
        # The registry's pointer, not the event, says which version is released: events may arrive late.
        await run_sync(self.live.refresh, self.registry())
        return Output()
