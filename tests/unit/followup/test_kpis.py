"""Figures from surveys sent and answered."""

from __future__ import annotations

import datetime as dt

import pytest

from services.followup.domain.kpis import compute
from shared.schemas.followup import Group, Helped, Scores, Situation, SurveyAnswered, SurveyForm, SurveyKind, SurveySent

JAN = dt.datetime(2024, 1, 10, tzinfo=dt.UTC)
FEB = dt.datetime(2024, 2, 10, tzinfo=dt.UTC)
STATUS = SurveyKind.EMPLOYMENT_STATUS


def sent(pid: str, signed_up_at: dt.datetime = JAN, group: Group = Group.TREATED,
         kind: SurveyKind = STATUS) -> SurveySent:
    return SurveySent(profile_id=pid, kind=kind, round=1, signed_up_at=signed_up_at, group=group,
                      sent_at=signed_up_at + dt.timedelta(days=90))


def click(survey: SurveySent, seeking: bool) -> SurveyAnswered:
    return SurveyAnswered(**survey.model_dump(exclude={"sent_at"}), step="click", seeking=seeking,
                          answered_at=survey.sent_at + dt.timedelta(hours=1))


def form(survey: SurveySent, situation: Situation, helped: Helped | None = None, score: int | None = None,
         ) -> SurveyAnswered:
    return SurveyAnswered(
        **survey.model_dump(exclude={"sent_at"}), step="form", seeking=situation is Situation.SEEKING,
        answered_at=survey.sent_at + dt.timedelta(hours=2),
        form=SurveyForm(situation=situation, helped=helped, scores=Scores(motivation=score, new_ideas=score)),
    )


def test_response_rate_and_shares_by_signup_month() -> None:
    a, b, c, d = sent("a"), sent("b"), sent("c"), sent("d", FEB)
    answers = [
        click(a, seeking=False), form(a, Situation.WORKING, Helped.YES, score=5),
        click(b, seeking=True), form(b, Situation.SEEKING, Helped.NOT_AT_ALL, score=2),
        click(d, seeking=False),  # stopped seeking, situation unknown
    ]
    result = compute([a, b, c, d], answers)
    jan, feb = result.cohorts
    assert (jan.signup_month, jan.sent, jan.response_rate.count) == ("2024-01", 3, 2)
    assert jan.response_rate.share == 2 / 3
    assert jan.back_at_work.model_dump() == {"count": 1, "total": 2, "share": 0.5}
    assert jan.satisfied.model_dump() == {"count": 1, "total": 2, "share": 0.5}
    assert jan.helped_back_at_work.share == 1.0
    assert jan.helped_still_seeking.share == 0.0
    assert (feb.stopped_seeking.count, feb.back_at_work.total) == (1, 0)
    assert result.overall.sent == 4
    assert result.overall.response_rate.count == 3


def test_answers_to_other_surveys_or_unsent_ones_do_not_count() -> None:
    first = sent("a", kind=SurveyKind.FIRST_FOLLOWUP)
    stray = sent("zz")
    result = compute([first], [form(first, Situation.WORKING), form(stray, Situation.WORKING)])
    assert result.cohorts == []
    assert result.overall.response_rate.total == 0


def test_impact_compares_return_to_work_of_treated_and_control() -> None:
    treated = [sent(f"t{i}") for i in range(10)]
    control = [sent(f"c{i}", group=Group.CONTROL) for i in range(10)]
    answers = [form(s, Situation.WORKING if i < 6 else Situation.SEEKING) for i, s in enumerate(treated)]
    answers += [form(s, Situation.FREELANCE if i < 3 else Situation.FORMATION) for i, s in enumerate(control)]
    impact = compute(treated + control, answers).impact
    assert (impact.treated.respondents, impact.treated.back_at_work) == (10, 6)
    assert (impact.control.respondents, impact.control.back_at_work) == (10, 3)
    assert impact.difference == pytest.approx(0.3)
    assert impact.ci95_low is not None
    assert impact.ci95_high is not None
    assert impact.ci95_low < 0.3 < impact.ci95_high


def test_no_impact_estimate_without_both_groups() -> None:
    treated = sent("t")
    impact = compute([treated], [form(treated, Situation.WORKING)]).impact
    assert impact.difference is None
    assert impact.treated.rate == 1.0
