"""Several copies of each worker: names, metrics ports, and topics with partitions enough for every copy."""

from __future__ import annotations

from pathlib import Path

import pytest

from deploy.local import monitoring
from deploy.local.platform import Platform, PlatformConfig
from deploy.local.services import MAX_WORKERS, PROCESSES, instances
from shared.messaging.access import KafkaAccess
from shared.topics import ALL_TOPICS, SINGLE_PARTITION


def test_every_topic_a_worker_reads_has_a_partition_for_each_copy() -> None:
    consumed = [t for t in ALL_TOPICS if not t.per_partner and t.name not in SINGLE_PARTITION]
    assert consumed
    assert all(t.partitions >= MAX_WORKERS for t in consumed)


def test_two_workers_per_stage_run_as_copies_with_ports_of_their_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOB_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("BOB_WORKERS", "2")
    for variable in ("BOB_WORKER_METRICS_PORT_BASE", "BOB_NOTIFIER_METRICS_PORT", "BOB_SERVICE_PORT_BASE"):
        monkeypatch.delenv(variable, raising=False)
    config = PlatformConfig.from_env()
    config.external_kafka, config.external_mongo = KafkaAccess("kafka:9092"), "mongodb://mongo"
    platform = Platform(config)
    addresses = platform.metrics_addresses()
    workers = [p for p in PROCESSES if p.role == "worker"]
    assert {f"{p.name}-2" for p in workers} <= addresses.keys()
    assert addresses["advice-worker-2"] == "127.0.0.1:9203"
    assert addresses["notifier-worker-2"] == "127.0.0.1:9250"
    assert len(set(addresses.values())) == len(addresses)
    assert platform.service_env("advice", "advice-worker-2")["ADVICE_WORKER_METRICS_PORT"] == "9203"
    assert platform.service_env("advice", "advice-worker")["ADVICE_WORKER_METRICS_PORT"] == "9103"
    scraped = {t.process for t in monitoring.targets(addresses)}
    assert {"advice-worker", "advice-worker-2", "profile-api"} <= scraped
    assert sum(1 for _, copy in instances(2) if copy == 2) == len(workers)


def test_the_number_of_copies_is_bounded() -> None:
    with pytest.raises(ValueError, match="between 1 and"):
        instances(MAX_WORKERS + 1)
