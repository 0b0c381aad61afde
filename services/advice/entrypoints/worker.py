"""Faust worker: consumes `diagnosis.completed`, emits `advice.generated`; stores the followup trial's
assignments and releases (`followup.assignments`, `followup.releases`) that gate the advice read API; answers
privacy requests (`privacy.requests`)."""

from __future__ import annotations

from services.advice.adapters import privacy
from services.advice.config import AdviceSettings
from services.advice.service import AdviceStage, AssignmentStage, ReleaseStage
from shared.crypto.keystore import person_keys
from shared.logs import configure_logging
from shared.messaging.consumer import attach
from shared.messaging.factory import EventFactory
from shared.messaging.privacy import PrivacyAnswers
from shared.messaging.worker import create_faust_app, run_worker
from shared.mongo import connect

settings = AdviceSettings()
configure_logging(f"{settings.service_name}-worker", settings.log_level)
app = create_faust_app("bob-advice", settings)


def main() -> None:
    connect(settings.mongo_url, settings.mongo_db)
    factory = EventFactory(settings.service_name, settings.public_url)
    keys = person_keys(settings)
    stage = AdviceStage(factory, keys, batch_size=settings.batch_size, within=settings.batch_within_seconds)
    attach(app, stage, factory)
    attach(app, AssignmentStage(), factory)
    attach(app, ReleaseStage(), factory)
    answers = PrivacyAnswers(settings.service_name, privacy.export_person, privacy.erase_person, factory, keys)
    attach(app, answers, factory)
    run_worker(app, settings)


if __name__ == "__main__":
    main()
