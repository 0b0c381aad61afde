"""Faust worker: consumes `profile.submitted`, emits `diagnosis.completed`; answers privacy requests."""

from __future__ import annotations

from services.diagnosis.adapters import privacy
from services.diagnosis.config import DiagnosisSettings
from services.diagnosis.model.employability import EmployabilityModel
from services.diagnosis.service import DiagnosisStage
from shared.crypto.keystore import person_keys
from shared.logs import configure_logging
from shared.messaging.consumer import attach
from shared.messaging.factory import EventFactory
from shared.messaging.privacy import PrivacyAnswers
from shared.messaging.worker import create_faust_app, run_worker
from shared.mongo import connect
from shared.referential.connection import connect_referential
from shared.referential.repository import ReferentialCache

settings = DiagnosisSettings()
configure_logging(f"{settings.service_name}-worker", settings.log_level)
app = create_faust_app("bob-diagnosis", settings)


def main() -> None:
    connect(settings.mongo_url, settings.mongo_db)
    connect_referential(settings.mongo_url, settings.referential_db)
    factory = EventFactory(settings.service_name, settings.public_url)
    # Loaded once per worker, not per event.
    keys = person_keys(settings)
    stage = DiagnosisStage(
        ReferentialCache.load(), EmployabilityModel.load(), factory, keys,
        batch_size=settings.batch_size, within=settings.batch_within_seconds,
    )
    attach(app, stage, factory)
    answers = PrivacyAnswers(settings.service_name, privacy.export_person, privacy.erase_person, factory, keys)
    attach(app, answers, factory)
    run_worker(app, settings)


if __name__ == "__main__":
    main()
