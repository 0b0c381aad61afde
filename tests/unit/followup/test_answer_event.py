"""The survey answer on its topic: the form's free text travels only sealed with the person's data key; a v1
record (free text in clear) is read without it."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.crypto.cipher import SealError, new_key
from shared.messaging.factory import EventFactory
from shared.schemas.followup import Group, SurveyAnswered, SurveyForm, SurveyKind
from shared.topics import REGISTRY

NOW = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC)
TEXT = "Merci, j'ai retrouvé un poste grâce à l'atelier d'entretien"


def answered(free_text: str | None) -> SurveyAnswered:
    form = SurveyForm.model_validate({"situation": "WORKING", "helped": "YES", "free_text": free_text})
    return SurveyAnswered(profile_id="p1", kind=SurveyKind("employment-status"), round=1, signed_up_at=NOW,
                          group=Group.TREATED, step="form", answered_at=NOW, seeking=False, form=form)


def test_the_free_text_is_sealed_out_of_the_form() -> None:
    key = new_key()
    on_topic = answered(TEXT).on_topic(key)
    event = EventFactory("followup", "https://bob.test").event("followup.survey.answered", "p1", on_topic,
                                                             entity="a").event
    assert "retrouvé" not in event.to_json().decode()
    assert on_topic.form is not None
    assert on_topic.form.free_text is None
    assert on_topic.form.situation == "WORKING"  # what the figures use stays readable
    assert REGISTRY.decode(event.to_json()).data.opened_text(key) == TEXT
    with pytest.raises(SealError):
        on_topic.opened_text(new_key())
    assert on_topic.model_copy(update={"profile_id": "p2"}).free_text is not None
    with pytest.raises(SealError):
        on_topic.model_copy(update={"profile_id": "p2"}).opened_text(key)


def test_without_a_key_the_free_text_is_left_out_and_without_text_nothing_changes() -> None:
    gone = answered(TEXT).on_topic(None)
    assert gone.form is not None
    assert (gone.form.free_text, gone.free_text) == (None, None)
    assert answered(None).on_topic(new_key()) == answered(None)


def test_a_v1_answer_is_read_without_its_clear_free_text() -> None:
    v1 = answered(TEXT).model_dump(mode="json", exclude={"free_text"})
    upcast = REGISTRY.contract("followup.survey.answered").upcast(v1, 1)
    assert upcast["form"]["free_text"] is None
    assert upcast["form"]["situation"] == "WORKING"
