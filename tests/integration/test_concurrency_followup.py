"""Two follow-up workers run their scheduler at the same moment (OS processes on the real FerretDB) over the same
people: each survey is decided once, so each person gets one survey event and one email on Kafka."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pymongo
import pytest

from services.followup.config import FollowupSettings
from services.followup.entrypoints.deps import wire
from shared.messaging.access import KafkaAccess
from shared.schemas.followup import Group
from shared.topics import SURVEYS
from tests import support
from tests.integration.concurrency_support import race
from tests.integration.test_followup_flow import (
    DAY,
    SEED,
    SHARE,
    SIGNUP,
    notifications,
    people,
    read_topic,
    relay_all,
    sign_up,
    submitted,
)

pytestmark = [pytest.mark.integration]
SCHEDULERS = 4
PEOPLE = 12


@pytest.fixture
def settings(kafka_bootstrap: KafkaAccess, mongo_url: str) -> Iterator[dict[str, Any]]:
    name = f"test_followup_race_{uuid.uuid4().hex[:12]}"
    yield {"kafka_bootstrap_servers": kafka_bootstrap.bootstrap_servers, "kafka_username": kafka_bootstrap.username,
           "kafka_password": kafka_bootstrap.password, "mongo_url": mongo_url, "mongo_db": name,
           "control_share": SHARE, "assignment_seed": SEED, "public_url": "https://bob.test"}
    client: pymongo.MongoClient[dict[str, Any]]
    with pymongo.MongoClient(mongo_url, serverSelectionTimeoutMS=5_000) as client:
        client.drop_database(name)


def test_schedulers_racing_send_each_survey_once(settings: dict[str, Any], kafka_bootstrap: KafkaAccess) -> None:
    support.use_key_store(settings["mongo_url"])
    deps = wire(FollowupSettings(**settings))
    deps.store.ensure_indexes()
    everyone = people({Group.TREATED: PEOPLE // 2, Group.CONTROL: PEOPLE - PEOPLE // 2})
    try:
        asyncio.run(sign_up(deps, [submitted(p) for p in everyone]))

        # Day 7: the first follow-up is due for everyone, and every scheduler sees it due.
        race(settings["mongo_url"], settings["mongo_db"], SCHEDULERS, [(settings, SIGNUP + 7 * DAY)], "schedule")
        asyncio.run(relay_all(deps.relay))
    finally:
        deps.relay.close()

    sent = Counter(e.subject for e in read_topic(kafka_bootstrap, SURVEYS.name, set(everyone))
                   if e.type == "followup.survey.sent")
    assert sent == dict.fromkeys(everyone, 1)
    mails = notifications(kafka_bootstrap, everyone, "first-followup:1", settings["mongo_url"])
    assert {p: len(m) for p, m in mails.items()} == dict.fromkeys(everyone, 1)
    # What stays in the outbox is the losers' entries, which no decision names: never sent, dropped once old.
    assert deps.outbox.pending(100, dt.datetime.now(dt.UTC)) == []
