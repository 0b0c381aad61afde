"""The follow-up's impact as Prometheus gauges, recomputed from the database by the worker every
`figures_interval_seconds` (not at each scrape: it reads every survey and answer). The same figures as
`GET /api/v1/followup/kpis` (domain/kpis.py), per sign-up month (`signup_month`, "all" for every month)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from prometheus_client import Gauge

from services.followup.domain.kpis import CohortKpis, Kpis
from shared.schemas.followup import Group

SHARES = ("response_rate", "stopped_seeking", "back_at_work", "satisfied", "helped_back_at_work",
          "helped_still_seeking")
SENT = Gauge("bob_followup_surveys_sent", "Employment-status surveys (round 1) sent", ["signup_month"])
SHARE = Gauge("bob_followup_share", "Share of a follow-up figure (see GET /api/v1/followup/kpis)",
              ["signup_month", "figure"])
RESPONDENTS = Gauge("bob_followup_respondents", "Respondents whose situation is known", ["signup_month", "group"])
BACK_AT_WORK = Gauge("bob_followup_back_at_work_rate", "Back at work among respondents, by trial group",
                     ["signup_month", "group"])
IMPACT = Gauge("bob_followup_impact", "Back-at-work rate of treated minus control, with its 95% interval",
               ["signup_month", "bound"])  # bound: difference, ci95_low, ci95_high
SIGNUPS = Gauge("bob_followup_signups", "People signed up, by month and trial group", ["signup_month", "group"])
OVERDUE = Gauge("bob_followup_overdue_people", "People whose survey or release is due for over an hour, undecided")
GAUGES = (SENT, SHARE, RESPONDENTS, BACK_AT_WORK, IMPACT, SIGNUPS)


def samples(kpis: Kpis, signups: Iterable[tuple[str, Group]]) -> list[tuple[Gauge, tuple[str, ...], float]]:
    """Every (gauge, labels, value) of these figures; a share or rate with nothing to divide by is left out
    (an absent series, not a misleading 0)."""
    found: list[tuple[Gauge, tuple[str, ...], float]] = []
    for cohort in [*kpis.cohorts, kpis.overall]:
        found += _cohort(cohort)
    for (month, group), count in sorted(Counter(signups).items()):
        found.append((SIGNUPS, (month, group.value), count))
    return found


def _cohort(cohort: CohortKpis) -> list[tuple[Gauge, tuple[str, ...], float]]:
    month = cohort.signup_month
    found: list[tuple[Gauge, tuple[str, ...], float]] = [(SENT, (month,), cohort.sent)]
    for figure in SHARES:
        share = getattr(cohort, figure).share
        if share is not None:
            found.append((SHARE, (month, figure), share))
    for outcome in (cohort.impact.treated, cohort.impact.control):
        found.append((RESPONDENTS, (month, outcome.group.value), outcome.respondents))
        if outcome.rate is not None:
            found.append((BACK_AT_WORK, (month, outcome.group.value), outcome.rate))
    bounds = {"difference": cohort.impact.difference, "ci95_low": cohort.impact.ci95_low,
              "ci95_high": cohort.impact.ci95_high}
    found += [(IMPACT, (month, bound), value) for bound, value in bounds.items() if value is not None]
    return found


def publish(found: list[tuple[Gauge, tuple[str, ...], float]], overdue: int) -> None:
    """Replace the gauges' series with these (a month or group that vanished leaves no stale series)."""
    for gauge in GAUGES:
        gauge.clear()
    for gauge, labels, value in found:
        gauge.labels(*labels).set(value)
    OVERDUE.set(overdue)
