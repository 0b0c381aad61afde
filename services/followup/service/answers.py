"""Use cases of the emailed links: survey answers and unsubscribes, from the surveys or from the coaching emails
only (synchronous: call through run_sync).

Every check happens before the first write, so a refused link records nothing. An answer is stored with its
event the outbox way: the entry first, then the answer naming it; a reused link is refused by the answer's
unique id and leaves only its entry, named by nothing, which the relay drops."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pymongo.errors import DuplicateKeyError

from services.followup.adapters.store import Doc, Store
from services.followup.domain.errors import AlreadyAnswered, Erased, UnknownPerson, UnknownSurvey
from shared.crypto.keystore import KeyReader
from shared.messaging.factory import EventFactory
from shared.messaging.outbox import Outbox
from shared.schemas.followup import BACK_AT_WORK, Group, SurveyAnswered, SurveyForm, SurveyKind


@dataclass(frozen=True)
class Recorded:
    answer: SurveyAnswered
    entry: Doc  # the outbox entry of its event, for the relay


def _label(answer: SurveyAnswered) -> bool | None:
    """Back at work or not; None when only "stopped seeking" is known."""
    if answer.form is not None:
        return answer.form.situation in BACK_AT_WORK
    return False if answer.seeking else None


class Answers:
    def __init__(self, store: Store, outbox: Outbox, factory: EventFactory, keys: KeyReader) -> None:
        self.store = store
        self.outbox = outbox
        self.factory = factory
        self.keys = keys

    def _person(self, profile_id: str) -> dict[str, Any]:
        person = self.store.person(profile_id)
        if person is None:
            raise UnknownPerson(profile_id)
        if person["erased_at"] is not None:
            raise Erased(profile_id)
        return person

    def record(
        self, profile_id: str, survey_key: str, seeking: bool | None, form: SurveyForm | None, now: dt.datetime
    ) -> Recorded:
        """One-click (`seeking` given) or form (`form` given) answer to the survey the link was signed for."""
        person = self._person(profile_id)
        decision = self.store.decision(f"{profile_id}:{survey_key}")
        if decision is None or decision["action"] != "send":
            raise UnknownSurvey(survey_key)
        kind, round_ = survey_key.split(":")
        answer = SurveyAnswered(
            profile_id=profile_id, kind=SurveyKind(kind), round=int(round_),
            signed_up_at=person["signed_up_at"], group=Group(person["group"]),
            step="form" if form is not None else "click", answered_at=now,
            seeking=form.situation == "SEEKING" if form is not None else bool(seeking), form=form,
        )
        answer_id = f"{profile_id}:{survey_key}:{answer.step}"
        on_topic = answer.on_topic(self.keys.get(profile_id))
        event = self.factory.event("followup.survey.answered", profile_id, on_topic, entity=f"answered:{answer_id}",
                                   time=now)
        entry = Outbox.entry([event], now, requires=(self.store.answers.name, answer_id))
        self.outbox.add([entry])
        try:
            self.store.insert_answer({
                "_id": answer_id, "profile_id": profile_id, "survey_key": survey_key, "step": answer.step,
                "answered_at": now, "data": answer.model_dump(mode="json"), "outbox_entry": entry["_id"],
            })
        except DuplicateKeyError:
            raise AlreadyAnswered(answer_id) from None
        self.store.record_status(profile_id, survey_key, now, answer.seeking)
        label = _label(answer)
        if label is not None:
            self.store.save_training_example(f"{profile_id}:{survey_key}", {
                "profile_id": profile_id, "survey_key": survey_key, "group": person["group"],
                "features": person["features"], "signed_up_at": person["signed_up_at"],
                "days_since_signup": (now - person["signed_up_at"]).days, "back_at_work": label, "labelled_at": now,
            })
        return Recorded(answer, entry)

    def unsubscribe(self, profile_id: str, now: dt.datetime) -> None:
        self._person(profile_id)
        self.store.unsubscribe(profile_id, now)

    def unsubscribe_coaching(self, profile_id: str, now: dt.datetime) -> None:
        self._person(profile_id)
        self.store.unsubscribe_coaching(profile_id, now)
