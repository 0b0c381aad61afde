"""Events that are not what a consumer hopes for: the same events written again by the thousand (each is handled
once: no second diagnosis, advice or email), and poison (bytes that are no event, an event whose data is not its
schema's), kept on the dead-letter topic while the rest flows."""

from __future__ import annotations

import base64
import functools
import json
import time
import uuid

from shared.messaging.envelope import any_event
from shared.messaging.kafka import make_producer
from shared.topics import DEAD_LETTER, DIAGNOSIS_COMPLETED, PROFILE_SUBMITTED, URGENT_NOTIFICATIONS
from tests.faults.bench import LONG, Bench, assert_whole
from tests.faults.load import Load
from tests.faults.records import lag, records_since, replay
from tests.support import read_topic, wait_for

DUPLICATES = 10_000
# What a replay must be absorbed by: each group, on the topic it consumes.
CONSUMED = (("bob-diagnosis", PROFILE_SUBMITTED.name), ("bob-advice", DIAGNOSIS_COMPLETED.name),
            ("bob-notifier", URGENT_NOTIFICATIONS.name))


def absorbed(bench: Bench) -> bool:
    return all(lag(bench.kafka, group, topic) == 0 for group, topic in CONSUMED)


def test_ten_thousand_duplicate_events_replayed(bench: Bench) -> None:
    def fault(load: Load) -> str:
        since = int(time.time() * 1000) - 10_000
        for _ in range(5):
            load.wait_for_accepted()
        profiles = records_since(bench.kafka, PROFILE_SUBMITTED.name, since)
        sign_ins = records_since(bench.kafka, URGENT_NOTIFICATIONS.name, since)
        began = time.monotonic()
        sent = replay(bench.kafka, PROFILE_SUBMITTED.name, profiles, DUPLICATES)
        sent += replay(bench.kafka, URGENT_NOTIFICATIONS.name, sign_ins, 10 * len(sign_ins))
        wait_for("the replay absorbed", functools.partial(absorbed, bench), 900 if LONG else 600, every=2)
        return (f"{sent:,} records written again ({len(profiles)} profiles, {len(sign_ins)} sign-in links); "
                f"absorbed in {time.monotonic() - began:.0f} s")

    assert_whole(bench.run(f"{DUPLICATES:,} duplicate events replayed", fault))


def test_poison_messages_go_to_the_dead_letter_topic(bench: Bench) -> None:
    marker = uuid.uuid4().hex

    def fault(load: Load) -> str:
        load.wait_for_accepted()
        [good, *_] = records_since(bench.kafka, PROFILE_SUBMITTED.name, int(time.time() * 1000) - 30_000)
        event = json.loads(good.value)
        poison = [
            f"\xff{marker} is no event".encode("latin-1"),
            json.dumps({**event, "id": f"{marker}-1", "data": {"not": "a profile"}}).encode(),
            json.dumps({**event, "id": f"{marker}-2", "specversion": "0.1"}).encode(),
        ]
        producer = make_producer(bench.kafka)
        try:
            for value in poison:
                producer.send(PROFILE_SUBMITTED.name, key=good.key, value=value).get(timeout=30)
        finally:
            producer.close()
        kept = wait_for("the poison on the dead-letter topic", lambda: complete(dead_letters(bench, marker), poison),
                        120)
        return (f"{len(poison)} poison records, each a dead letter kept byte for byte by each of its "
                f"{len(kept)} consumers; the rest flowed")

    assert_whole(bench.run("poison messages", fault))


def dead_letters(bench: Bench, marker: str) -> dict[str, list[bytes]]:
    """By consumer, the records with the marker it refused (each consumer of a topic keeps its own)."""
    found: dict[str, list[bytes]] = {}
    for record in read_topic(bench.kafka, DEAD_LETTER.name):
        letter = any_event(record.value).data
        if letter.get("source_topic") == PROFILE_SUBMITTED.name and marker in letter.get("raw_text", ""):
            found.setdefault(letter["consumer"], []).append(base64.b64decode(letter["raw_base64"]))
    return found


def complete(found: dict[str, list[bytes]], poison: list[bytes]) -> dict[str, list[bytes]] | None:
    """Once the diagnosis has refused them all; then every consumer that refused one refused each, once."""
    if len(found.get("diagnosis", [])) < len(poison):
        return None
    for consumer, refused in found.items():
        assert sorted(refused) == sorted(poison), f"{consumer}: {len(refused)} dead letters"
    return found
