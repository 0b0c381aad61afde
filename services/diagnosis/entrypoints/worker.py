"""Faust worker: consumes `profile.submitted`, emits `diagnosis.completed`; answers privacy requests. The learning
loop: keeps the 3-month survey's answers, swaps the model when another version is released, and runs the
scheduled retraining (a candidate graded by the gate; releasing it stays an operator's command)."""

from __future__ import annotations

import datetime as dt
import logging

from services.diagnosis.adapters import privacy
from services.diagnosis.adapters.registry import Registry, service_registry
from services.diagnosis.config import DiagnosisSettings
from services.diagnosis.learning import export_registry, scheduled_retraining
from services.diagnosis.model.artifact import MODEL_CARD_PATH
from services.diagnosis.model.employability import EmployabilityModel
from services.diagnosis.service import DiagnosisStage, LiveModel, Outcomes, Releases
from shared.crypto.keystore import person_keys
from shared.logs import configure_logging
from shared.messaging.consumer import attach
from shared.messaging.factory import EventFactory
from shared.messaging.privacy import PrivacyAnswers
from shared.messaging.worker import create_faust_app, run_worker
from shared.mongo import connect, run_sync
from shared.referential.connection import connect_referential
from shared.referential.repository import ReferentialCache

settings = DiagnosisSettings()
configure_logging(f"{settings.service_name}-worker", settings.log_level)
app = create_faust_app("bob-diagnosis", settings)
log = logging.getLogger(__name__)


def released_model(registry: Registry, now: dt.datetime) -> LiveModel:
    """The released version; on the first start, the packaged model becomes the registry's first release."""
    packaged = EmployabilityModel.load()
    registry.ensure_initial(packaged, MODEL_CARD_PATH.read_text(encoding="utf-8"), {}, now)
    live = LiveModel(packaged)
    live.refresh(registry)
    return live


def main() -> None:
    connect(settings.mongo_url, settings.mongo_db)
    connect_referential(settings.mongo_url, settings.referential_db)
    factory = EventFactory(settings.service_name, settings.public_url)
    # Loaded once per worker, not per event.
    keys = person_keys(settings)
    live = released_model(service_registry(), dt.datetime.now(dt.UTC))
    export_registry(service_registry().versions())
    stage = DiagnosisStage(
        ReferentialCache.load(), live, factory, keys,
        batch_size=settings.batch_size, within=settings.batch_within_seconds,
    )
    attach(app, stage, factory)
    attach(app, Outcomes(service_registry), factory)
    attach(app, Releases(live, service_registry), factory)

    @app.timer(settings.model_poll_seconds)  # type: ignore[untyped-decorator]
    async def poll_release() -> None:
        try:
            await run_sync(live.refresh, service_registry())
            export_registry(await run_sync(service_registry().versions))
        except Exception:  # the database away: the next poll tries again
            log.exception("could not check the released model")

    @app.timer(settings.retrain_check_seconds)  # type: ignore[untyped-decorator]
    async def retrain_on_schedule() -> None:
        try:
            trained = await run_sync(scheduled_retraining, service_registry(), dt.datetime.now(dt.UTC),
                                     settings.retrain_interval_days)
        except Exception:
            log.exception("scheduled retraining failed")
            return
        if trained is None:
            return  # this period's run belongs to another worker, or is done
        log.info("scheduled retraining", extra={
            "version": trained.version, "status": trained.status,
            "failed_checks": [c.name for c in trained.candidate.blocking]})

    answers = PrivacyAnswers(settings.service_name, privacy.export_person, privacy.erase_person, factory, keys)
    attach(app, answers, factory)
    run_worker(app, settings)


if __name__ == "__main__":
    main()
