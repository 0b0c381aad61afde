"""Pushing profiles through the gateway and counting what the pipeline made of them: for the supervision and
scale-out tests and benchmarks/scale_out.py."""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from dataclasses import dataclass

import httpx

from shared.messaging.kafka import KafkaAccess, admin_client
from tests.support import AsProfileOwner, poll_ready, read_topic


def a_profile(year_of_birth: int = 1990) -> dict[str, object]:
    return {
        "email": "camille@example.org", "year_of_birth": year_of_birth, "highest_degree": "BAC_BACPRO",
        "frustrations": ["INTERVIEW"],
        "projects": [{
            "target_job": {"rome_code": "M1607"}, "city": {"name": "Toulouse", "departement_id": "31"},
            "mobility_area": "DEPARTEMENT", "seniority": "INTERMEDIARY", "job_search_has_not_started": True,
        }],
    }


def submit(client: httpx.Client, year_of_birth: int = 1990) -> str:
    created = client.post("/api/v1/profiles", json=a_profile(year_of_birth))
    assert created.status_code == 201, created.text
    profile_id: str = created.json()["profile_id"]
    return profile_id


def end_to_end(gateway_url: str, timeout: float = 180.0) -> str:
    """One new profile through the gateway until its advice is ready; returns its id."""
    with httpx.Client(base_url=gateway_url, timeout=10, auth=AsProfileOwner()) as client:
        profile_id = submit(client)
        poll_ready(client, f"/api/v1/profiles/{profile_id}/diagnosis", timeout)
        poll_ready(client, f"/api/v1/profiles/{profile_id}/advice", timeout)
    return profile_id


@dataclass(frozen=True)
class Tally:
    """Per profile id: how many distinct events (by event id) and how many records a topic holds."""

    events: Counter[str]
    records: Counter[str]

    def missing(self, profile_ids: set[str]) -> set[str]:
        return {p for p in profile_ids if self.events[p] == 0}

    def duplicated(self, profile_ids: set[str]) -> set[str]:
        """Profiles with more than one event: a second diagnosis or advice, not a redelivered record."""
        return {p for p in profile_ids if self.events[p] > 1}

    def redelivered(self, profile_ids: set[str]) -> int:
        """Records beyond the first of each event (the same event id written again, e.g. after a rebalance)."""
        return sum(self.records[p] - self.events[p] for p in profile_ids)


def tally(kafka: KafkaAccess, topic: str, profile_ids: set[str]) -> Tally:
    ids: dict[str, set[str]] = {}
    records: Counter[str] = Counter()
    for record in read_topic(kafka, topic):
        key = record.key.decode() if record.key else ""
        if key in profile_ids:
            records[key] += 1
            ids.setdefault(key, set()).add(json.loads(record.value)["id"])
    return Tally(Counter({k: len(v) for k, v in ids.items()}), records)


# kafka-python cannot decode Faust's member metadata and logs the whole group at each description.
logging.getLogger("kafka.admin._groups").setLevel(logging.ERROR)


def group_members(kafka: KafkaAccess, group: str) -> int:
    """The group's members once its partitions are assigned (0 while it rebalances)."""
    admin = admin_client(kafka)
    try:
        described = admin.describe_groups([group])[group]
    finally:
        admin.close()
    return len(described["members"]) if described["group_state"] == "Stable" else 0


def metric_sum(text: str, name: str, **labels: str) -> float:
    """The sum of a metric's samples whose labels include these (Prometheus text format)."""
    total = 0.0
    for line in text.splitlines():
        match = re.match(rf"{re.escape(name)}\{{(.*)\}} (\S+)$", line)
        if match and all(f'{k}="{v}"' in match.group(1) for k, v in labels.items()):
            total += float(match.group(2))
    return total
