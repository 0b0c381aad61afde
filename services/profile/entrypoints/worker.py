"""Faust worker of the profile service: answers privacy requests for its own data and gathers every service's
answers into export archives and erasure reports."""

from __future__ import annotations

import logging

from mongoengine.connection import get_db  # type: ignore[import-untyped]

from services.profile.accounts import store as accounts
from services.profile.config import ProfileSettings
from services.profile.privacy.gatherer import AnswersGatherer
from services.profile.privacy.own_data import OwnData
from shared.crypto.keystore import KekRing, KeyStore, PersonKeys, collection
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


log = logging.getLogger(__name__)


def main() -> None:
    connect(settings.mongo_url, settings.mongo_db)
    factory = EventFactory(settings.service_name, settings.public_url)
    keys = KeyStore(collection(settings), KekRing.from_settings(settings))
    # Accounts opened before data keys existed get theirs, so emails to them can be sealed (idempotent).
    created = keys.ensure_all(a["_id"] for a in accounts.accounts().find({"erased_at": None}, {"_id": 1}))
    log.info("data keys ensured", extra={"keys_created": created})
    own = OwnData(Outbox(get_db), keys)
    cached = PersonKeys(keys)  # the key store's owner reads through a cache like every service
    attach(app, PrivacyAnswers(settings.service_name, own.export, own.erase, factory, cached), factory)
    attach(app, AnswersGatherer(cached), factory)
    run_worker(app, settings)


if __name__ == "__main__":
    main()
