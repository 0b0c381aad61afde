"""Prometheus metrics every service exposes on /metrics.

`service` is the service's name (profile, diagnosis, ...) in every process of that service, API or worker; a
worker's consumers are told apart by `consumer`. Labelled counters are created at zero when their labels are
known (`init_consumer`, `init_http`), so `rate()` and `increase()` see the first event: a series that appears
with the value 1 has no earlier sample to differ from."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter("bob_http_requests_total", "HTTP requests", ["service", "method", "route", "status"])
HTTP_LATENCY = Histogram(
    "bob_http_request_seconds", "HTTP request latency", ["service", "method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
EVENTS_PRODUCED = Counter("bob_events_produced_total", "Events produced", ["service", "topic"])
CONSUMED_OUTCOMES = ("processed", "duplicate", "dead_letter", "skipped")
EVENTS_CONSUMED = Counter(
    "bob_events_consumed_total", "Events consumed, by outcome", ["service", "consumer", "topic", "outcome"]
)
EVENT_LATENCY = Histogram(
    "bob_event_processing_seconds", "Time to process one batch of events", ["service", "consumer", "topic"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
# Read from the outbox collection itself, not from a process's memory: a backlog left by a restart or piling up
# while Kafka is away is seen by whichever process of the service relays.
OUTBOX_PENDING = Gauge("bob_outbox_pending", "Outbox entries stored but not yet relayed to Kafka", ["service"])
OUTBOX_OLDEST = Gauge(
    "bob_outbox_oldest_pending_seconds", "Age of the oldest outbox entry not yet relayed (0: none)", ["service"]
)
# From the profile.submitted event's time to the advice stored (the advice worker observes it).
PIPELINE_LATENCY = Histogram(
    "bob_pipeline_seconds", "Profile submitted to advice stored, from the events' times", ["service"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900),
)


def init_consumer(service: str, consumer: str, topic: str, produces: Iterable[str]) -> None:
    """Every outcome of one consumer, and every topic it may produce, at zero."""
    for outcome in CONSUMED_OUTCOMES:
        EVENTS_CONSUMED.labels(service, consumer, topic, outcome)
    init_produced(service, produces)


def init_produced(service: str, topics: Iterable[str]) -> None:
    """Every topic a service (a consumer, or an outbox relay) may produce, at zero."""
    for topic in topics:
        EVENTS_PRODUCED.labels(service, topic)


def init_http(service: str, routes: Iterable[tuple[str, str]]) -> None:
    """A 500 of every (method, route) at zero: the series the gateway's error alert watches."""
    for method, route in routes:
        HTTP_REQUESTS.labels(service, method, route, "500")
