"""People already stored before a benchmark's measured phase, so that its figures say whether the cost per profile
grows with what the platform holds (issue 12: 10,000 and 100,000 stored profiles).

For the pipeline, each stored person has what a submitted profile leaves behind: an account, a data key and a
profile version (written straight into the profile service's collections, as it writes them), then their
`profile.submitted` event goes through the running diagnosis and advice workers, which store their results as
they do for any profile. For the bare intake, its one collection gets as many documents."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from typing import Any

import pymongo
from kafka import KafkaProducer  # type: ignore[import-untyped]
from rich.console import Console

from benchmarks.personas import personas, submitted_events
from benchmarks.pipeline import AdviceWatcher
from deploy.local.platform import Platform
from services.profile.adapters import repository
from services.profile.adapters.documents import VERSIONS
from services.profile.config import ProfileSettings
from shared.crypto.keystore import KekRing, KeyStore, collection
from shared.messaging import binding
from shared.messaging.kafka import make_producer
from shared.mongo import MAX_WRITES_PER_COMMAND
from shared.topics import PROFILE_SUBMITTED

Doc = dict[str, Any]
BARE_COLLECTION = "bare_profiles"  # the bare intake's, in the profile service's database
console = Console(width=140)


def _insert(coll: pymongo.collection.Collection[Doc], docs: list[Doc]) -> None:
    for start in range(0, len(docs), MAX_WRITES_PER_COMMAND):
        coll.insert_many(docs[start : start + MAX_WRITES_PER_COMMAND], ordered=False)


def fill_pipeline(platform: Platform, n: int, chunk: int = 5_000) -> None:
    """N people stored through the profile service's collections and the running workers."""
    if n == 0:
        return
    settings = ProfileSettings(mongo_url=platform.config.mongo_url)
    client: pymongo.MongoClient[Doc] = pymongo.MongoClient(platform.config.mongo_url)
    profile_db = client[settings.mongo_db]
    keys = KeyStore(collection(settings), KekRing.from_settings(settings))
    producer: KafkaProducer = make_producer(platform.kafka(), linger_ms=5)
    started = time.monotonic()
    for done in range(0, n, chunk):
        count = min(chunk, n - done)
        now = dt.datetime.now(dt.UTC)
        people: dict[str, bytes] = {}
        events = submitted_events(personas(count, seed=1_000 + done), now, people)
        keys.add_all(people)
        _insert(profile_db["accounts"], [
            {"_id": pid, "email": f"{pid}@stored.example", "roles": [], "created_at": now, "erased_at": None}
            for pid in people
        ])
        _insert(profile_db[VERSIONS], [
            repository.document(e.subject, 1, e.data.opened(people[e.subject]).profile, now, uuid.uuid4().hex)
            for e in events
        ])
        watcher = AdviceWatcher(platform.kafka(), count)
        watcher.start()
        for key, value, headers in map(binding.record, events):
            producer.send(PROFILE_SUBMITTED.name, key=key, value=value, headers=headers)
        producer.flush()
        watcher.join(timeout=max(120.0, count / 20))
        watcher.done.set()
        if len(watcher.arrivals) < count:
            raise RuntimeError(f"stored people: only {len(watcher.arrivals)} of {count} advised")
        console.print(f"stored {done + count:,} of {n:,} people ({time.monotonic() - started:.0f} s)")
    producer.close()
    client.close()


def fill_bare(platform: Platform, n: int) -> None:
    """N documents in the bare intake's collection, shaped as it writes them."""
    if n == 0:
        return
    client: pymongo.MongoClient[Doc] = pymongo.MongoClient(platform.config.mongo_url)
    now = dt.datetime.now(dt.UTC)
    for done in range(0, n, 5_000):
        profiles = personas(min(5_000, n - done), seed=1_000 + done)
        _insert(client[ProfileSettings().mongo_db][BARE_COLLECTION], [
            {"_id": uuid.uuid4().hex, "profile": p.model_dump(mode="json"), "submitted_at": now} for p in profiles
        ])
    client.close()
