"""The follow-up figures as Prometheus gauges: the KPIs' values per sign-up month, impact bounds included, and no
series for a share with nothing to divide by."""

from __future__ import annotations

from prometheus_client import REGISTRY

from services.followup import metrics
from services.followup.domain.kpis import compute
from shared.schemas.followup import Group, Situation
from tests.unit.followup.test_kpis import FEB, JAN, form, sent


def value(name: str, **labels: str) -> float | None:
    return REGISTRY.get_sample_value(name, labels)


def test_the_gauges_carry_the_kpis_per_month_with_the_impact_interval() -> None:
    treated = [sent(f"t{i}", JAN) for i in range(6)]
    control = [sent(f"c{i}", JAN, Group.CONTROL) for i in range(4)]
    late = sent("f", FEB)
    answers = [form(s, Situation.WORKING if i < 4 else Situation.SEEKING) for i, s in enumerate(treated)]
    answers += [form(s, Situation.WORKING if i < 1 else Situation.SEEKING) for i, s in enumerate(control)]
    kpis = compute([*treated, *control, late], answers)
    signups = [("2024-01", Group.TREATED)] * 6 + [("2024-01", Group.CONTROL)] * 4 + [("2024-02", Group.TREATED)]
    metrics.publish(metrics.samples(kpis, signups), overdue=2)

    assert value("bob_followup_surveys_sent", signup_month="2024-01") == 10
    assert value("bob_followup_surveys_sent", signup_month="all") == 11
    assert value("bob_followup_share", signup_month="2024-01", figure="response_rate") == 1.0
    assert value("bob_followup_back_at_work_rate", signup_month="2024-01", group="TREATED") == 4 / 6
    assert value("bob_followup_back_at_work_rate", signup_month="2024-01", group="CONTROL") == 1 / 4
    jan = next(c for c in kpis.cohorts if c.signup_month == "2024-01").impact
    assert value("bob_followup_impact", signup_month="2024-01", bound="difference") == jan.difference
    assert value("bob_followup_impact", signup_month="2024-01", bound="ci95_low") == jan.ci95_low
    assert value("bob_followup_impact", signup_month="2024-01", bound="ci95_high") == jan.ci95_high
    assert jan.ci95_low is not None
    assert jan.ci95_high is not None
    assert jan.ci95_low < 4 / 6 - 1 / 4 < jan.ci95_high
    assert value("bob_followup_signups", signup_month="2024-01", group="CONTROL") == 4
    assert value("bob_followup_overdue_people") == 2
    # February: sent, nobody answered yet: a response rate of 0, no back-at-work share, no impact.
    assert value("bob_followup_share", signup_month="2024-02", figure="response_rate") == 0
    assert value("bob_followup_share", signup_month="2024-02", figure="back_at_work") is None
    assert value("bob_followup_impact", signup_month="2024-02", bound="difference") is None

    # Recomputed without February's survey: its series go, rather than stay stale.
    metrics.publish(metrics.samples(compute([*treated, *control], answers), signups[:10]), overdue=0)
    assert value("bob_followup_surveys_sent", signup_month="2024-02") is None
    assert value("bob_followup_signups", signup_month="2024-02", group="TREATED") is None
