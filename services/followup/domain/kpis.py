"""Follow-up figures computed from surveys sent and answered (pure, so they can be recomputed from events).

Scope: the three-month employment-status survey (round 1), where the trial's outcome is measured."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import BaseModel

from services.followup.domain.proportions import newcombe_difference
from shared.schemas.followup import BACK_AT_WORK, Group, Helped, SurveyAnswered, SurveyKind, SurveySent

SATISFIED_MEAN_SCORE = 4.0  # mean of the 1-5 scores given
HELPED = frozenset({Helped.YES, Helped.YES_A_LOT})
IN_SCOPE = (SurveyKind.EMPLOYMENT_STATUS, 1)


class Share(BaseModel):
    count: int
    total: int
    share: float | None  # None when total is 0


def _share(count: int, total: int) -> Share:
    return Share(count=count, total=total, share=count / total if total else None)


class CohortKpis(BaseModel):
    signup_month: str  # "YYYY-MM", or "all"
    sent: int
    response_rate: Share  # answered / sent
    stopped_seeking: Share  # among respondents
    back_at_work: Share  # among respondents whose situation is known
    satisfied: Share  # mean score >= 4, among respondents who gave a score
    helped_back_at_work: Share  # said it helped (YES, YES_A_LOT), among those back at work who answered it
    helped_still_seeking: Share  # same, among those still seeking
    impact: ImpactEstimate  # treated minus control among this cohort's respondents


class GroupOutcome(BaseModel):
    group: Group
    respondents: int  # with a known situation
    back_at_work: int
    rate: float | None


class ImpactEstimate(BaseModel):
    """Return-to-work rate of TREATED minus CONTROL among respondents with a known situation."""

    treated: GroupOutcome
    control: GroupOutcome
    difference: float | None
    ci95_low: float | None
    ci95_high: float | None
    method: str = "Newcombe hybrid score interval (method 10, Wilson intervals), 95%"


CohortKpis.model_rebuild()


class Kpis(BaseModel):
    scope: str = "employment-status survey, round 1 (three months after sign-up)"
    cohorts: list[CohortKpis]
    overall: CohortKpis
    impact: ImpactEstimate


@dataclass
class Outcome:
    """One person's answer to one survey, the click and the form merged (the form wins)."""

    group: Group
    month: str
    seeking: bool
    back_at_work: bool | None = None  # None: stopped seeking, situation not given
    helped: Helped | None = None
    mean_score: float | None = None


def merge(answers: Iterable[SurveyAnswered]) -> dict[tuple[str, str], Outcome]:
    outcomes: dict[tuple[str, str], Outcome] = {}
    for answer in sorted(answers, key=lambda a: (a.step != "click", a.answered_at)):
        key = (answer.profile_id, answer.key)
        outcome = outcomes.setdefault(
            key, Outcome(answer.group, answer.signed_up_at.strftime("%Y-%m"), answer.seeking)
        )
        outcome.seeking = answer.seeking
        if answer.form is not None:
            outcome.back_at_work = answer.form.situation in BACK_AT_WORK
            outcome.helped = answer.form.helped
            scores = answer.form.scores.given()
            outcome.mean_score = sum(scores) / len(scores) if scores else None
        elif answer.seeking:
            outcome.back_at_work = False
    return outcomes


def _cohort(month: str, sent: int, outcomes: list[Outcome]) -> CohortKpis:
    known = [o for o in outcomes if o.back_at_work is not None]
    rated = [o for o in outcomes if o.mean_score is not None]
    back_helped = [o for o in known if o.back_at_work and o.helped is not None]
    seeking_helped = [o for o in outcomes if o.seeking and o.helped is not None]
    return CohortKpis(
        signup_month=month,
        sent=sent,
        response_rate=_share(len(outcomes), sent),
        stopped_seeking=_share(sum(not o.seeking for o in outcomes), len(outcomes)),
        back_at_work=_share(sum(bool(o.back_at_work) for o in known), len(known)),
        satisfied=_share(sum((o.mean_score or 0) >= SATISFIED_MEAN_SCORE for o in rated), len(rated)),
        helped_back_at_work=_share(sum(o.helped in HELPED for o in back_helped), len(back_helped)),
        helped_still_seeking=_share(sum(o.helped in HELPED for o in seeking_helped), len(seeking_helped)),
        impact=impact(outcomes),
    )


def _group_outcome(group: Group, outcomes: list[Outcome]) -> GroupOutcome:
    known = [o for o in outcomes if o.group is group and o.back_at_work is not None]
    back = sum(bool(o.back_at_work) for o in known)
    rate = back / len(known) if known else None
    return GroupOutcome(group=group, respondents=len(known), back_at_work=back, rate=rate)


def impact(outcomes: list[Outcome]) -> ImpactEstimate:
    treated, control = _group_outcome(Group.TREATED, outcomes), _group_outcome(Group.CONTROL, outcomes)
    if not treated.respondents or not control.respondents:
        return ImpactEstimate(treated=treated, control=control, difference=None, ci95_low=None, ci95_high=None)
    diff, low, high = newcombe_difference(
        treated.back_at_work, treated.respondents, control.back_at_work, control.respondents
    )
    return ImpactEstimate(treated=treated, control=control, difference=diff, ci95_low=low, ci95_high=high)


def compute(sent: Iterable[SurveySent], answers: Iterable[SurveyAnswered]) -> Kpis:
    in_scope_sent = {(s.profile_id, s.key): s for s in sent if (s.kind, s.round) == IN_SCOPE}
    # An answer counts only for a survey that was sent (a replayed or stray answer event changes nothing).
    outcomes = [
        o for key, o in merge(a for a in answers if (a.kind, a.round) == IN_SCOPE).items() if key in in_scope_sent
    ]
    sent_by_month: dict[str, int] = defaultdict(int)
    for survey in in_scope_sent.values():
        sent_by_month[survey.signed_up_at.strftime("%Y-%m")] += 1
    cohorts = [
        _cohort(month, count, [o for o in outcomes if o.month == month])
        for month, count in sorted(sent_by_month.items())
    ]
    return Kpis(cohorts=cohorts, overall=_cohort("all", len(in_scope_sent), outcomes), impact=impact(outcomes))
