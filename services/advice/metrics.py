"""The in-app feedback as Prometheus gauges, recomputed from the database by the advice API every
`feedback_figures_seconds` (the summary reads the whole feedback collection, so never at each scrape)."""

from __future__ import annotations

from prometheus_client import Gauge

from services.advice.domain.feedback import Summary

JUDGED = Gauge("bob_feedback_challenge_judged", "Main challenges judged by the people diagnosed", ["challenge"])
AGREED = Gauge("bob_feedback_challenge_agreed", "Main challenges the people diagnosed agreed with", ["challenge"])
AGREEMENT = Gauge("bob_feedback_challenge_agreement_ratio", "Share of judged main challenges that people agreed with")
RATINGS = Gauge("bob_feedback_advice_ratings", "Star ratings given to a piece of advice, by module", ["module"])
STARS = Gauge("bob_feedback_advice_stars_mean", "Mean stars (1 to 5) given to a piece of advice, by module",
              ["module"])
NOTES = Gauge("bob_feedback_notes", "People who left a note on their diagnosis and advice")


def publish(summary: Summary) -> None:
    for challenge, (judged, agreed) in summary.agreement_by_challenge.items():
        JUDGED.labels(challenge).set(judged)
        AGREED.labels(challenge).set(agreed)
    AGREEMENT.set(summary.agreement_rate or 0.0)
    for rated in summary.ratings:
        RATINGS.labels(rated.module_id).set(rated.count)
        STARS.labels(rated.module_id).set(rated.mean)
    NOTES.set(summary.notes)
