"""The demo follow-up answers `make run` seeds: past cohorts with a control group, so every impact chart has
something to show; deterministic, so seeding again adds nothing."""

from __future__ import annotations

import datetime as dt

from deploy.local import demo
from services.followup.domain.kpis import compute
from shared.schemas.followup import SurveyAnswered, SurveySent

NOW = dt.datetime(2026, 12, 2, 5, tzinfo=dt.UTC)


def test_every_demo_cohort_has_treated_and_control_answers_and_an_interval() -> None:
    docs = demo.documents(NOW)
    kpis = compute([SurveySent.model_validate(d["survey"]) for d in docs["decisions"]],
                   [SurveyAnswered.model_validate(a["data"]) for a in docs["answers"]])
    assert [c.signup_month for c in kpis.cohorts] == ["2026-03", "2026-04", "2026-05", "2026-06", "2026-07",
                                                      "2026-08"]
    for cohort in kpis.cohorts:
        assert cohort.impact.treated.respondents > 0
        assert cohort.impact.control.respondents > 0
        assert cohort.impact.ci95_low is not None
    assert all(s.sent_at < NOW for s in (SurveySent.model_validate(d["survey"]) for d in docs["decisions"]))
    assert all(p["_id"].startswith("demo-") and p["due_at"] is None for p in docs["people"])  # never scheduled


def test_the_demo_documents_are_the_same_each_time() -> None:
    assert demo.documents(NOW) == demo.documents(NOW)
