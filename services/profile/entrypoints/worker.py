"""Faust worker of the profile service: answers privacy requests for its own data and gathers every service's
answers into export archives and erasure reports."""

from __future__ import annotations

import datetime as dt

import faust

from services.profile.config import ProfileSettings
from services.profile.privacy import gatherer, own_data
from shared.consumer import dead_letter
from shared.events import Envelope
from shared.faust_app import create_faust_app, run_worker, source_topic
from shared.logs import configure_logging
from shared.mongo import connect, run_sync
from shared.privacy_agent import attach_privacy
from shared.topics import DEAD_LETTER, PRIVACY_ANSWERS

settings = ProfileSettings()
configure_logging(f"{settings.service_name}-worker", settings.log_level)
app = create_faust_app("bob-profile", settings)


async def gather(stream: faust.StreamT[bytes]) -> None:
    dead = source_topic(app, DEAD_LETTER)
    async for raw in stream:
        try:
            event = Envelope.from_json(raw)
            await run_sync(gatherer.handle, event.type, event.data, dt.datetime.now(dt.UTC))
        except ValueError as exc:
            letter = dead_letter(raw, str(exc)[:2000], topic=PRIVACY_ANSWERS.name, consumer="profile-gatherer")
            await dead.send(key=letter.key, value=letter.to_json())


def main() -> None:
    connect(settings.mongo_url, settings.mongo_db)
    attach_privacy(app, "profile", own_data.export_person, own_data.erase_person)
    app.agent(source_topic(app, PRIVACY_ANSWERS), name="profile-gatherer")(gather)
    run_worker(app, settings)


if __name__ == "__main__":
    main()
