"""The person's guess of their main difficulty uses the diagnosis's own challenge ids, so the diagnosis page can
answer it; and coaching emails are opt-in."""

import pytest
from pydantic import ValidationError

from shared.schemas.diagnosis import ChallengeId
from shared.schemas.profile import ChallengeGuess, CoachingFrequency, ProfileIn

BASE = {"year_of_birth": 1990, "projects": [{"city": {"name": "Lyon", "departement_id": "69"}}]}


def test_every_guess_is_a_challenge_the_diagnosis_can_find() -> None:
    assert {g.value for g in ChallengeGuess} <= {c.value for c in ChallengeId}
    assert ChallengeId.BRAVO.value not in {g.value for g in ChallengeGuess}


def test_coaching_emails_are_off_unless_chosen() -> None:
    assert ProfileIn.model_validate(BASE).coaching_emails is CoachingFrequency.NONE
    chosen = ProfileIn.model_validate({**BASE, "coaching_emails": "WEEKLY"})
    assert chosen.coaching_emails is CoachingFrequency.WEEKLY


def test_a_self_diagnosis_may_say_i_do_not_know_but_not_anything() -> None:
    unsure = ProfileIn.model_validate({**BASE, "self_diagnosis": {"note": "Je ne sais pas"}})
    assert unsure.self_diagnosis is not None
    assert unsure.self_diagnosis.challenge is None
    with pytest.raises(ValidationError, match="self_diagnosis.challenge"):
        ProfileIn.model_validate({**BASE, "self_diagnosis": {"challenge": "bravo"}})
    with pytest.raises(ValidationError, match="self_diagnosis.note"):
        ProfileIn.model_validate({**BASE, "self_diagnosis": {"note": "x" * 501}})
