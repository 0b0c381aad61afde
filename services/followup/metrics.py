"""Prometheus metrics of the followup service."""

from __future__ import annotations

from prometheus_client import Counter

# outcome: "sent", "released", or the reason a survey was skipped
DECISIONS = Counter("bob_followup_decisions_total", "Scheduler decisions", ["kind", "outcome"])
EMIT_FAILURES = Counter("bob_followup_emit_failures_total", "Outbox sends that failed and will be retried")
