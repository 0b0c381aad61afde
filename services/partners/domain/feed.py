"""What a partner sees of an internal event (pure): pseudonymised with the partner's own key, times cut to the
day, ages in bands, nothing that stands for origin, health or family (the list and the reasons are in
shared/schemas/partner.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from shared.schemas.advice import AdviceGenerated
from shared.schemas.diagnosis import DiagnosisCompleted
from shared.schemas.engagement import SealedPlanChanged
from shared.schemas.followup import BACK_AT_WORK, SurveyAnswered
from shared.schemas.partner import (
    FeedActionProgressed,
    FeedAdviceReady,
    FeedDiagnosisReady,
    FeedEvent,
    FeedFollowupAnswered,
    FeedPersonErased,
    FeedProfileSubmitted,
)
from shared.schemas.profile import Frustration, ProfileSubmitted

PROFILE, DIAGNOSIS, ADVICE, FOLLOWUP, ACTION, ERASED = (
    "partner.profile-submitted", "partner.diagnosis-ready", "partner.advice-ready", "partner.followup-answered",
    "partner.action-progressed", "partner.person-erased",
)
# Blockers that stand for origin (LANGUAGE, FOREIGN_QUALIFICATIONS), family (STAY_AT_HOME_PARENT, CHILD_CARE) or a
# discrimination the person suffers (sensitive data).
DROPPED_FRUSTRATIONS = frozenset({
    Frustration.LANGUAGE, Frustration.FOREIGN_QUALIFICATIONS, Frustration.STAY_AT_HOME_PARENT, Frustration.CHILD_CARE,
    Frustration.AGE_DISCRIMINATION, Frustration.SEX_DISCRIMINATION, Frustration.RACE_DISCRIMINATION,
})
# Advice modules that stand for the same: origin, health, family, discrimination, and age beyond the age band.
DROPPED_MODULES = frozenset({
    "language-courses", "foreign-qualifications", "needs-for-handicap", "life-balance", "fight-discrimination",
    "senior",
})


def pseudonym(key: bytes, person_id: str) -> str:
    """Stable per person at one partner; another partner's key gives another pseudonym."""
    return hmac.new(key, person_id.encode(), hashlib.sha256).hexdigest()[:32]


def day(at: dt.datetime) -> dt.date:
    return at.astimezone(dt.UTC).date()


def age_band(age: int) -> str:
    for upper, label in ((25, "<25"), (35, "25-34"), (45, "35-44"), (55, "45-54")):
        if age < upper:
            return label
    return "55+"


def score_band(score: int) -> str:
    low = min(score // 20 * 20, 80)
    return f"{low}-{low + 19}" if low < 80 else "80-100"


def profile_view(key: bytes, submitted: ProfileSubmitted) -> FeedProfileSubmitted:
    profile = submitted.profile
    project = profile.main_project
    return FeedProfileSubmitted(
        pseudonym=pseudonym(key, submitted.profile_id), version=submitted.version, day=day(submitted.submitted_at),
        age_band=age_band(profile.age(submitted.submitted_at.date())), highest_degree=profile.highest_degree,
        rome_code=project.target_job.rome_code if project.target_job else None,
        departement_id=project.city.departement_id, mobility_area=project.mobility_area, project_kind=project.kind,
        search_started=not project.job_search_has_not_started and project.job_search_started_at is not None,
        frustrations=[f.value for f in profile.frustrations if f not in DROPPED_FRUSTRATIONS],
    )


def diagnosis_view(key: bytes, completed: DiagnosisCompleted) -> FeedDiagnosisReady:
    return FeedDiagnosisReady(
        pseudonym=pseudonym(key, completed.profile_id), version=completed.profile_version,
        day=day(completed.computed_at), main_challenge=completed.diagnosis.main_challenge.value,
        score_band=score_band(completed.diagnosis.overall_score),
    )


def advice_view(key: bytes, generated: AdviceGenerated) -> FeedAdviceReady:
    return FeedAdviceReady(
        pseudonym=pseudonym(key, generated.profile_id), version=generated.profile_version,
        day=day(generated.computed_at),
        module_ids=[item.module_id for item in generated.advice if item.module_id not in DROPPED_MODULES],
    )


def followup_view(key: bytes, answered: SurveyAnswered) -> FeedFollowupAnswered:
    form = answered.form
    return FeedFollowupAnswered(
        pseudonym=pseudonym(key, answered.profile_id), day=day(answered.answered_at), survey=answered.kind.value,
        round=answered.round, seeking=answered.seeking,
        back_at_work=None if form is None else form.situation in BACK_AT_WORK,
        helped=None if form is None or form.helped is None else form.helped.value,
    )


def action_view(key: bytes, changed: SealedPlanChanged) -> FeedActionProgressed:
    """From the event's clear fields only: its sealed part (strategy, action, note) is never opened here."""
    assert changed.state is not None, "only an action's change has a state"
    progress = changed.progress
    return FeedActionProgressed(
        pseudonym=pseudonym(key, changed.profile_id), day=day(changed.occurred_at), state=changed.state.value,
        total=progress.total, done=progress.done, stuck=progress.stuck,
    )


def erased_view(key: bytes, person_id: str, at: dt.datetime) -> FeedPersonErased:
    return FeedPersonErased(pseudonym=pseudonym(key, person_id), day=day(at))


def entity(event_type: str, data: FeedEvent, cause: str) -> str:
    """What a feed event's id derives from: the partner's pseudonym and the internal event's id, so a replay of
    the cause gives the same id (the same webhook-id) and two partners' ids differ."""
    return f"{event_type}:{data.pseudonym}:{cause}"
