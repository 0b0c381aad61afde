"""What an erased person's pending events lose (pure: the records as the outbox stores them)."""

from __future__ import annotations

import datetime as dt

from services.followup.adapters.privacy import redacted_records
from shared.crypto.cipher import new_key
from shared.messaging.factory import EventFactory
from shared.messaging.outbox import Outbox
from shared.schemas.followup import AdviceReleased, Group, SurveyAnswered, SurveyForm, SurveyKind, SurveySent
from shared.schemas.notification import Notification
from shared.topics import REGISTRY, SURVEYS

NOW = dt.datetime(2026, 1, 15, 8, 0, tzinfo=dt.UTC)
FACTORY = EventFactory("followup", "https://bob.test")
SURVEY = {"profile_id": "p1", "kind": SurveyKind.EMPLOYMENT_STATUS, "round": 1, "signed_up_at": NOW,
          "group": Group.TREATED}


def test_only_the_survey_events_stay_and_answers_lose_their_free_text() -> None:
    form = SurveyForm.model_validate({"situation": "SEEKING", "scores": {"motivation": 4}, "free_text": "Camille"})
    answered = SurveyAnswered(**SURVEY, step="form", answered_at=NOW, seeking=True, form=form)
    entry = Outbox.entry([
        FACTORY.event("notification.requested", "p1", Notification(
            idempotency_key="k", recipient_id="p1", to="camille@example.org", subject="s", text="t",
            category="survey", locale="fr").sealed(new_key()), entity="k"),
        FACTORY.event("followup.survey.sent", "p1", SurveySent(**SURVEY, sent_at=NOW), entity="sent"),
        FACTORY.event("followup.advice.released", "p1", AdviceReleased(
            profile_id="p1", released_at=NOW, reason="survey-answered"), entity="released"),
        FACTORY.event("followup.survey.answered", "p1", answered, entity="answered"),
    ], NOW)

    kept = redacted_records(entry["records"])

    assert [r["topic"] for r in kept] == [SURVEYS.name, SURVEYS.name]
    assert kept[0] == entry["records"][1]
    event = REGISTRY.decode(kept[1]["value"].encode())
    assert isinstance(event.data, SurveyAnswered)
    assert event.data == answered.model_copy(update={"form": form.model_copy(update={"free_text": None})})
    assert event.id == REGISTRY.decode(entry["records"][3]["value"].encode()).id  # still deduplicated downstream
    assert redacted_records(kept) == kept  # a replayed erasure changes nothing
