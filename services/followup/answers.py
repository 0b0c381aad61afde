"""Service layer of survey answers and unsubscribes (synchronous: call through run_sync).

Every check happens before the first write, so a refused link records nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pymongo.errors import DuplicateKeyError

from services.followup import events
from services.followup.adapters.store import Store
from services.followup.domain.links import LinkClaims
from shared.schemas.followup import BACK_AT_WORK, Group, SurveyAnswered, SurveyForm, SurveyKind


class UnknownSurvey(LookupError):
    """No such person, or this survey was never sent to them."""


class Erased(LookupError):
    pass


class AlreadyAnswered(Exception):
    """The link was already used for this step."""


def _person(store: Store, profile_id: str) -> dict[str, Any]:
    person = store.person(profile_id)
    if person is None:
        raise UnknownSurvey(profile_id)
    if person["erased_at"] is not None:
        raise Erased(profile_id)
    return person


def _label(answer: SurveyAnswered) -> bool | None:
    """Back at work or not; None when only "stopped seeking" is known."""
    if answer.form is not None:
        return answer.form.situation in BACK_AT_WORK
    return False if answer.seeking else None


def record_answer(
    store: Store, claims: LinkClaims, seeking: bool | None, form: SurveyForm | None, now: dt.datetime
) -> SurveyAnswered:
    """One-click (`seeking` given) or form (`form` given) answer to the survey the link was signed for."""
    assert claims.survey_key is not None
    person = _person(store, claims.profile_id)
    decision = store.decision(f"{claims.profile_id}:{claims.survey_key}")
    if decision is None or decision["action"] != "send":
        raise UnknownSurvey(claims.survey_key)
    kind, round_ = claims.survey_key.split(":")
    answer = SurveyAnswered(
        profile_id=claims.profile_id, kind=SurveyKind(kind), round=int(round_),
        signed_up_at=person["signed_up_at"], group=Group(person["group"]),
        step="form" if form is not None else "click", answered_at=now,
        seeking=form.situation == "SEEKING" if form is not None else bool(seeking), form=form,
    )
    answer_id = f"{claims.profile_id}:{claims.survey_key}:{answer.step}"
    try:
        store.insert_answer({
            "_id": answer_id, "profile_id": claims.profile_id, "survey_key": claims.survey_key,
            "step": answer.step, "answered_at": now, "data": answer.model_dump(mode="json"),
            "outbox": events.outbox([events.survey_answered(answer)]), "relayed": False,
        })
    except DuplicateKeyError:
        raise AlreadyAnswered(answer_id) from None
    store.record_status(claims.profile_id, claims.survey_key, now, answer.seeking)
    label = _label(answer)
    if label is not None:
        store.save_training_example(f"{claims.profile_id}:{claims.survey_key}", {
            "profile_id": claims.profile_id, "survey_key": claims.survey_key, "group": person["group"],
            "features": person["features"], "signed_up_at": person["signed_up_at"],
            "days_since_signup": (now - person["signed_up_at"]).days, "back_at_work": label, "labelled_at": now,
        })
    return answer


def unsubscribe(store: Store, claims: LinkClaims, now: dt.datetime) -> None:
    _person(store, claims.profile_id)
    store.unsubscribe(claims.profile_id, now)
