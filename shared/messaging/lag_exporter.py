"""Consumer lag measured from outside the workers: `python -m shared.messaging.lag_exporter` reads each service's
committed group offsets and the topics' end offsets, and serves them as Prometheus gauges. A worker that died or
stalls keeps its lag visible (and growing), where a worker reporting its own lag would vanish with it.

Why not Burrow: Debian's Burrow 1.2.1 cannot authenticate to this broker. Its SASL profile has no mechanism
setting and speaks PLAIN only (linkedin/Burrow#526), while every listener here requires SCRAM-SHA-512; it also
serves no Prometheus endpoint. This exporter connects as its own principal, `monitor`, which may only DESCRIBE the
services' groups and the topics they read (shared/messaging/acls.py: `monitor_rules`): it reads no record."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition  # type: ignore[import-untyped]
from prometheus_client import Counter, Gauge, start_http_server
from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.logs import configure_logging
from shared.messaging.access import KafkaAccess
from shared.messaging.acls import subscriptions
from shared.messaging.kafka import admin_client

log = logging.getLogger(__name__)

LAG = Gauge("bob_consumer_group_lag", "Records not yet consumed: end offset minus the group's committed offset",
            ["group", "topic", "partition"])
END_OFFSET = Gauge("bob_topic_end_offset", "Offset the next record of the partition will get (rate(): records/s)",
                   ["topic", "partition"])
ERRORS = Counter("bob_lag_exporter_errors_total", "Rounds that could not read the offsets")
ERRORS.inc(0)


class LagSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LAG_EXPORTER_")

    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    kafka_username: str | None = None
    kafka_password: SecretStr | None = None
    host: str = "127.0.0.1"
    port: int = 9308
    interval_seconds: float = 5.0
    log_level: str = "INFO"

    @property
    def kafka(self) -> KafkaAccess:
        password = self.kafka_password.get_secret_value() if self.kafka_password else None
        return KafkaAccess(self.kafka_bootstrap_servers, self.kafka_username, password)


def lag(end: Mapping[TopicPartition, int], committed: Mapping[TopicPartition, int]) -> dict[TopicPartition, int]:
    """Per partition: what the group has not consumed. A partition where it never committed counts from 0 (topics
    here keep their records from the first: nothing before offset 0 to skip)."""
    return {tp: max(0, offset - committed.get(tp, 0)) for tp, offset in end.items()}


class Exporter:
    def __init__(self, access: KafkaAccess, groups: Mapping[str, list[str]]) -> None:
        self.access = access
        self.groups = groups
        self._clients: tuple[KafkaConsumer, KafkaAdminClient] | None = None

    def measure(self) -> None:
        """One round (kept connections; dropped after a failure, so the next round reconnects)."""
        if self._clients is None:
            self._clients = (KafkaConsumer(**self.access.client_config(), group_id=None, enable_auto_commit=False),
                             admin_client(self.access))
        consumer, admin = self._clients
        try:
            topics = sorted({t for read in self.groups.values() for t in read})
            partitions = [TopicPartition(t, p) for t in topics for p in sorted(consumer.partitions_for_topic(t) or ())]
            end: dict[TopicPartition, int] = consumer.end_offsets(partitions)
            for tp, offset in end.items():
                END_OFFSET.labels(tp.topic, str(tp.partition)).set(offset)
            offsets = admin.list_group_offsets(list(self.groups))  # one OffsetFetch for every group
            for group, read in self.groups.items():
                committed = {tp: meta.offset for tp, meta in offsets.get(group, {}).items() if meta.offset >= 0}
                mine = {tp: offset for tp, offset in end.items() if tp.topic in read}
                for tp, behind in lag(mine, committed).items():
                    LAG.labels(group, tp.topic, str(tp.partition)).set(behind)
        except Exception:
            self._clients = None
            consumer.close()
            admin.close()
            raise

    def run(self, interval: float) -> None:
        while True:
            try:
                self.measure()
            except Exception:  # the broker away: the gauges keep their last values, the error counter says so
                ERRORS.inc()
                log.exception("could not read the consumer offsets")
            time.sleep(interval)


def main() -> None:
    settings = LagSettings()
    configure_logging("lag-exporter", settings.log_level)
    start_http_server(settings.port, addr=settings.host)
    Exporter(settings.kafka, subscriptions()).run(settings.interval_seconds)


if __name__ == "__main__":
    main()
