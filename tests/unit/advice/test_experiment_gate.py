"""Which trial assignments show the advice."""

from __future__ import annotations

import datetime as dt

from services.advice.adapters.experiment import Assignment
from shared.schemas.followup import Group

LATER = dt.datetime(2024, 4, 1, tzinfo=dt.UTC)


def test_treated_see_their_advice_at_once() -> None:
    assert Assignment(Group.TREATED, LATER, None).shows_advice


def test_control_see_it_only_once_released() -> None:
    assert not Assignment(Group.CONTROL, LATER, None).shows_advice
    assert Assignment(Group.CONTROL, LATER, LATER).shows_advice
