"""Consumer lag as the exporter computes it, the monitor principal's rights, and counters created at zero."""

from __future__ import annotations

from kafka import TopicPartition  # type: ignore[import-untyped]
from prometheus_client import REGISTRY

from services.notifier import service as notifier
from shared.messaging import acls
from shared.messaging.access import KafkaAccess
from shared.messaging.lag_exporter import lag
from shared.messaging.outbox import Outbox, Relay
from shared.metrics import init_consumer
from shared.topics import REGISTRY as REGISTRY_OF_TOPICS


def test_lag_is_the_end_offset_minus_the_committed_one_and_never_negative() -> None:
    a, b, c = TopicPartition("t", 0), TopicPartition("t", 1), TopicPartition("t", 2)
    assert lag({a: 10, b: 5, c: 7}, {a: 4, b: 5}) == {a: 6, b: 0, c: 7}  # c: the group never committed there
    assert lag({a: 3}, {a: 9}) == {a: 0}  # a commit seen after the end offset was read


def test_the_monitor_may_only_describe_the_services_groups_and_the_topics_they_read() -> None:
    rules = acls.monitor_rules()
    assert {r.operation for r in rules} == {"DESCRIBE"}
    assert {r.user for r in rules} == {acls.MONITOR}
    assert not any(r.prefixed for r in rules)
    groups = acls.subscriptions()
    subscribing = {s for t in REGISTRY_OF_TOPICS.topics for s in t.subscribers if s in acls.PRINCIPALS}
    assert {r.name for r in rules if r.resource == "group"} == set(groups) == {
        acls.consumer_group(s) for s in subscribing}
    assert {r.name for r in rules if r.resource == "topic"} == {t for read in groups.values() for t in read}
    assert "diagnosis.completed" in groups["bob-advice"]


def test_labelled_counters_exist_at_zero_before_the_first_event() -> None:
    init_consumer("advice", "advice-test", "diagnosis.completed", ["advice.generated"])
    for outcome in ("processed", "duplicate", "dead_letter", "skipped"):
        labels = {"service": "advice", "consumer": "advice-test", "topic": "diagnosis.completed", "outcome": outcome}
        assert REGISTRY.get_sample_value("bob_events_consumed_total", labels) == 0
    assert REGISTRY.get_sample_value("bob_events_produced_total",
                                     {"service": "advice", "topic": "advice.generated"}) == 0
    for category in notifier.CATEGORIES:
        assert REGISTRY.get_sample_value("bob_notification_send_failures_total", {"category": category}) == 0


def test_a_relay_creates_the_produced_counters_of_its_service() -> None:
    Relay(Outbox(lambda: None), KafkaAccess("unused:9092"), "followup")  # type: ignore[arg-type, return-value]
    for topic in ("followup.surveys", "notification.requested"):
        assert REGISTRY.get_sample_value("bob_events_produced_total", {"service": "followup", "topic": topic}) \
            is not None, topic
