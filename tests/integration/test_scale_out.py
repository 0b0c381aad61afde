"""Two copies of each pipeline worker in one consumer group: every profile gets exactly one diagnosis and one
advice, and both copies do part of the work."""

from __future__ import annotations

import dataclasses
import functools
import uuid

import httpx

from deploy.local.platform import Platform
from shared.messaging.kafka import KafkaAccess, admin_client, ensure_topics
from shared.topics import ADVICE_GENERATED, DIAGNOSIS_COMPLETED, PROFILE_SUBMITTED
from tests.scale_support import group_members, metric_sum, submit, tally
from tests.support import AsProfileOwner, poll_ready, wait_for

STAGES = frozenset({"diagnosis-worker", "advice-worker"})
PROFILES = 24


def two_members(kafka: KafkaAccess, group: str) -> bool:
    return group_members(kafka, group) == 2


def processed(platform: Platform, process: str, topic: str) -> float:
    port = platform.config.copy_metrics_ports.get(process) or platform.config.worker_metrics_ports[
        process.split("-")[0]]
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    return metric_sum(text, "bob_events_consumed_total", topic=topic, outcome="processed")


def test_two_workers_per_stage_give_each_profile_one_diagnosis_and_one_advice(
    platform: Platform, kafka_bootstrap: KafkaAccess
) -> None:
    platform.scale(2, STAGES)
    try:
        assert {"diagnosis-worker-2", "advice-worker-2"} <= platform.procs.running().keys()
        for group in ("bob-diagnosis", "bob-advice"):
            wait_for(f"two members in {group}", functools.partial(two_members, kafka_bootstrap, group), 120)

        with httpx.Client(base_url=platform.config.gateway_url, timeout=10, auth=AsProfileOwner()) as client:
            profile_ids = {submit(client, 1960 + i) for i in range(PROFILES)}
            for profile_id in profile_ids:
                poll_ready(client, f"/api/v1/profiles/{profile_id}/advice", 180)

        for topic in (DIAGNOSIS_COMPLETED.name, ADVICE_GENERATED.name):
            counted = tally(kafka_bootstrap, topic, profile_ids)
            assert counted.missing(profile_ids) == set(), topic
            assert counted.duplicated(profile_ids) == set(), topic
        # Both copies took partitions of the group and did part of the work.
        for process in ("diagnosis-worker", "diagnosis-worker-2"):
            assert processed(platform, process, "profile.submitted") > 0, process
        for process in ("advice-worker", "advice-worker-2"):
            assert processed(platform, process, "diagnosis.completed") > 0, process
    finally:
        platform.scale(1, STAGES)
    assert not {"diagnosis-worker-2", "advice-worker-2"} & platform.procs.running().keys()


def test_provisioning_raises_the_partition_count_of_an_existing_topic(kafka_bootstrap: KafkaAccess) -> None:
    spec = dataclasses.replace(PROFILE_SUBMITTED, name=f"scale-test-{uuid.uuid4().hex[:8]}", partitions=2)
    assert ensure_topics(kafka_bootstrap, [spec]) == [spec.name]
    assert ensure_topics(kafka_bootstrap, [dataclasses.replace(spec, partitions=6)]) == []
    admin = admin_client(kafka_bootstrap)
    try:
        [described] = admin.describe_topics([spec.name])
        assert len(described["partitions"]) == 6
        assert ensure_topics(kafka_bootstrap, [spec]) == []  # never lowered
        assert len(admin.describe_topics([spec.name])[0]["partitions"]) == 6
    finally:
        admin.delete_topics([spec.name])
        admin.close()
