"""Prometheus metrics every service exposes on /metrics."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter("bob_http_requests_total", "HTTP requests", ["service", "method", "route", "status"])
HTTP_LATENCY = Histogram(
    "bob_http_request_seconds", "HTTP request latency", ["service", "method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
EVENTS_PRODUCED = Counter("bob_events_produced_total", "Events produced", ["service", "topic"])
EVENTS_CONSUMED = Counter(
    "bob_events_consumed_total", "Events consumed", ["service", "topic", "outcome"]
)  # outcome: processed, duplicate, dead_letter
EVENT_LATENCY = Histogram(
    "bob_event_processing_seconds", "Time to process one batch of events", ["service", "topic"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
CONSUMER_LAG = Gauge("bob_consumer_lag", "Records behind the partition's end", ["service", "topic", "partition"])
OUTBOX_PENDING = Gauge("bob_outbox_pending", "Events stored but not yet relayed to Kafka", ["service"])
