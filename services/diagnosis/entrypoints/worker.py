"""Faust worker: consumes `profile.submitted`, emits `diagnosis.completed`; answers privacy requests."""

from __future__ import annotations

from services.diagnosis import privacy
from services.diagnosis.config import DiagnosisSettings
from services.diagnosis.handler import DiagnosisStage
from services.diagnosis.model.employability import EmployabilityModel
from shared.faust_app import create_faust_app, run_worker
from shared.logs import configure_logging
from shared.mongo import connect
from shared.privacy_agent import attach_privacy
from shared.referential.connection import connect_referential
from shared.referential.repository import ReferentialCache
from shared.stage import attach_stage

settings = DiagnosisSettings()
configure_logging(f"{settings.service_name}-worker", settings.log_level)
app = create_faust_app("bob-diagnosis", settings)


def main() -> None:
    connect(settings.mongo_url, settings.mongo_db)
    connect_referential(settings.mongo_url, settings.referential_db)
    # Loaded once per worker, not per event.
    stage = DiagnosisStage(ReferentialCache.load(), EmployabilityModel.load())
    attach_stage(app, stage, settings.batch_size, settings.batch_within_seconds)
    attach_privacy(app, "diagnosis", privacy.export_person, privacy.erase_person)
    run_worker(app, settings)


if __name__ == "__main__":
    main()
