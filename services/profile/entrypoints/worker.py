"""Faust worker of the profile service: answers privacy requests for its own data and gathers every service's
answers into export archives and erasure reports."""

from __future__ import annotations

from mongoengine.connection import get_db  # type: ignore[import-untyped]

from services.profile.config import ProfileSettings
from services.profile.privacy.gatherer import AnswersGatherer
from services.profile.privacy.own_data import OwnData
from shared.logs import configure_logging
from shared.messaging.consumer import attach
from shared.messaging.factory import EventFactory
from shared.messaging.outbox import Outbox
from shared.messaging.privacy import PrivacyAnswers
from shared.messaging.worker import create_faust_app, run_worker
from shared.mongo import connect

settings = ProfileSettings()
configure_logging(f"{settings.service_name}-worker", settings.log_level)
app = create_faust_app("bob-profile", settings)


def main() -> None:
    connect(settings.mongo_url, settings.mongo_db)
    factory = EventFactory(settings.service_name, settings.public_url)
    own = OwnData(Outbox(get_db))
    attach(app, PrivacyAnswers(settings.service_name, own.export, own.erase, factory), factory)
    attach(app, AnswersGatherer(), factory)
    run_worker(app, settings)


if __name__ == "__main__":
    main()
