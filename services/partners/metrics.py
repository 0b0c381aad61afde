"""The partners service's own metrics (with the shared ones of shared/metrics.py)."""

import contextlib

from prometheus_client import Counter, Gauge

FEED_EVENTS = Counter("bob_partner_feed_events_total", "Feed events made for partners", ["partner", "type", "channel"])
DELIVERY_OUTCOMES = ("delivered", "failed", "given-up")  # failed: to be retried
DELIVERIES = Counter("bob_partner_webhook_deliveries_total", "Webhook delivery attempts by outcome",
                     ["partner", "outcome"])
PENDING = Gauge("bob_partner_webhook_pending", "Webhook deliveries waiting (first try or retry)", ["partner"])
RETRIES_PENDING = Gauge("bob_partner_webhook_retries_pending", "Deliveries waiting after a failed attempt",
                        ["partner"])
OLDEST_UNDELIVERED = Gauge("bob_partner_webhook_oldest_undelivered_seconds",
                           "Age of the oldest delivery not yet done", ["partner"])
DISABLED = Gauge("bob_partner_webhook_disabled", "1 when the partner's endpoint was disabled after failures",
                 ["partner"])


def forget(partner: str) -> None:
    """Drops a retired partner's series: a gauge left at its last value would keep an alert firing for good."""
    for gauge in (PENDING, RETRIES_PENDING, OLDEST_UNDELIVERED, DISABLED):
        with contextlib.suppress(KeyError):
            gauge.remove(partner)
    for outcome in DELIVERY_OUTCOMES:
        with contextlib.suppress(KeyError):
            DELIVERIES.remove(partner, outcome)
