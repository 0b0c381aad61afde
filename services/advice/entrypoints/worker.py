"""Faust worker: consumes `diagnosis.completed`, emits `advice.generated`; stores the followup trial's
assignments and releases (`followup.assignments`, `followup.releases`) that gate the advice read API; answers
privacy requests (`privacy.requests`)."""

from __future__ import annotations

from services.advice import privacy
from services.advice.config import AdviceSettings
from services.advice.handler import AdviceStage, AssignmentStage, ReleaseStage
from shared.faust_app import create_faust_app, run_worker
from shared.logs import configure_logging
from shared.mongo import connect
from shared.privacy_agent import attach_privacy
from shared.stage import attach_stage

settings = AdviceSettings()
configure_logging(f"{settings.service_name}-worker", settings.log_level)
app = create_faust_app("bob-advice", settings)


def main() -> None:
    connect(settings.mongo_url, settings.mongo_db)
    attach_stage(app, AdviceStage(), settings.batch_size, settings.batch_within_seconds)
    attach_stage(app, AssignmentStage(), settings.batch_size, settings.batch_within_seconds)
    attach_stage(app, ReleaseStage(), settings.batch_size, settings.batch_within_seconds)
    attach_privacy(app, "advice", privacy.export_person, privacy.erase_person)
    run_worker(app, settings)


if __name__ == "__main__":
    main()
