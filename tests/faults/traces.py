"""What is left of people in the platform's stores, and whether its workers are done: the evidence the erasure
scenario reads (tests/faults/test_erasure_in_flight.py)."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import pymongo
from kafka import KafkaConsumer, TopicPartition  # type: ignore[import-untyped]
from pymongo.database import Database

from shared.messaging.acls import subscriptions
from shared.messaging.kafka import KafkaAccess, admin_client
from shared.messaging.lag_exporter import lag as behind

# The referential (jobs, cities, markets) holds no personal data and is by far the biggest: not scanned.
UNSCANNED = frozenset({"bob_referential"})


def places_mentioning(mongo_url: str, needles: list[str]) -> dict[str, set[str]]:
    """For each string, every database.collection of the services (`bob*`) with a document containing it
    (case-insensitive). One pass over the documents for all the strings."""
    wanted = {n: n.casefold() for n in needles}
    found: dict[str, set[str]] = defaultdict(set)
    client: pymongo.MongoClient[dict[str, Any]]
    with pymongo.MongoClient(mongo_url) as client:
        for db_name in client.list_database_names():
            if not db_name.startswith("bob") or db_name in UNSCANNED:
                continue
            database: Database[dict[str, Any]] = client[db_name]
            for name in database.list_collection_names():
                for doc in database[name].find():
                    text = json.dumps(doc, default=str, ensure_ascii=False).casefold()
                    for needle, folded in wanted.items():
                        if folded in text:
                            found[needle].add(f"{db_name}.{name}")
    return dict(found)


def lag(kafka: KafkaAccess, group: str) -> int:
    """Records of the topics the group reads that it has not committed yet (as the lag exporter counts them)."""
    consumer = KafkaConsumer(**kafka.client_config(), enable_auto_commit=False, group_id=None)
    admin = admin_client(kafka)
    try:
        topics = subscriptions()[group]
        partitions = [TopicPartition(t, p) for t in topics for p in sorted(consumer.partitions_for_topic(t) or ())]
        committed = {tp: meta.offset for tp, meta in admin.list_group_offsets([group]).get(group, {}).items()
                     if meta.offset >= 0}
        return sum(behind(consumer.end_offsets(partitions), committed).values())
    finally:
        consumer.close()
        admin.close()


def idle(kafka: KafkaAccess, group: str) -> bool:
    return lag(kafka, group) == 0
