"""Schedule rules at their edges."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from services.followup.domain.schedule import (
    DAY,
    PersonState,
    Plan,
    Release,
    Send,
    Skip,
    SkipReason,
    Survey,
    plan,
)
from shared.schemas.followup import Group, SurveyKind

SIGNUP = dt.datetime(2024, 1, 1, 9, 0, tzinfo=dt.UTC)
FIRST = Survey(SurveyKind.FIRST_FOLLOWUP, 1)
STATUS_1 = Survey(SurveyKind.EMPLOYMENT_STATUS, 1)
STATUS_2 = Survey(SurveyKind.EMPLOYMENT_STATUS, 2)


def person(**changes: object) -> PersonState:
    base = PersonState(signed_up_at=SIGNUP, group=Group.TREATED, search_started=True, handled=frozenset({FIRST.key}))
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def at_day(day: int, hours: float = 1) -> dt.datetime:
    return SIGNUP + day * DAY + dt.timedelta(hours=hours)


def surveys(result: Plan, kind: type[Send | Skip]) -> list[Survey]:
    return [a.survey for a in result.actions if isinstance(a, kind)]


@pytest.mark.parametrize(("day", "due"), [(89, False), (90, True), (97, True)])
def test_status_survey_window(day: int, due: bool) -> None:
    assert (STATUS_1 in surveys(plan(person(), at_day(day)), Send)) is due


def test_day_89_looks_again_when_the_window_opens() -> None:
    assert plan(person(), at_day(89)).next_check == SIGNUP + 90 * DAY


def test_last_minute_of_day_97_is_still_in_the_window() -> None:
    assert surveys(plan(person(), SIGNUP + 98 * DAY - dt.timedelta(seconds=1)), Send) == [STATUS_1]


def test_day_98_unsent_is_recorded_as_skipped_not_sent() -> None:
    result = plan(person(), at_day(98))
    assert surveys(result, Send) == []
    assert [a for a in result.actions if isinstance(a, Skip)] == [Skip(STATUS_1, SkipReason.WINDOW_PASSED)]


def test_status_29_days_ago_waits_until_it_is_30_days_old() -> None:
    now = at_day(92)
    result = plan(person(last_status_at=now - 29 * DAY), now)
    assert result.actions == []
    assert result.next_check == now + DAY


def test_status_31_days_ago_does_not_block() -> None:
    now = at_day(92)
    assert surveys(plan(person(last_status_at=now - 31 * DAY), now), Send) == [STATUS_1]


def test_recent_status_through_the_whole_window_skips_the_round() -> None:
    result = plan(person(last_status_at=at_day(80)), at_day(98))
    assert [a for a in result.actions if isinstance(a, Skip)] == [Skip(STATUS_1, SkipReason.RECENT_STATUS)]


def test_search_not_started_gets_no_status_survey() -> None:
    assert plan(person(search_started=False), at_day(93)).actions == []
    skipped = plan(person(search_started=False), at_day(98)).actions
    assert skipped == [Skip(STATUS_1, SkipReason.SEARCH_NOT_STARTED)]


def test_unsubscribed_or_erased_get_nothing_ever() -> None:
    for state in (person(unsubscribed=True), person(erased=True)):
        for day in (7, 93, 185):
            result = plan(state, at_day(day))
            assert result.actions == []
            assert result.next_check is None


def test_first_followup_between_day_6_and_13() -> None:
    fresh = person(handled=frozenset())
    assert surveys(plan(fresh, at_day(5)), Send) == []
    assert surveys(plan(fresh, at_day(6)), Send) == [FIRST]
    assert surveys(plan(fresh, at_day(13)), Send) == [FIRST]
    assert surveys(plan(fresh, at_day(14)), Skip) == [FIRST]


def test_first_followup_does_not_need_a_started_search() -> None:
    assert surveys(plan(person(handled=frozenset(), search_started=False), at_day(7)), Send) == [FIRST]


def test_repeated_about_every_three_months_while_seeking() -> None:
    seeking = person(handled=frozenset({FIRST.key, STATUS_1.key}), last_status_at=at_day(91))
    assert plan(seeking, at_day(100)).next_check == SIGNUP + 181 * DAY
    assert surveys(plan(seeking, at_day(181)), Send) == [STATUS_2]


def test_no_more_status_surveys_once_stopped_seeking() -> None:
    stopped = person(handled=frozenset({FIRST.key, STATUS_1.key}), stopped_seeking=True, last_status_at=at_day(91))
    assert plan(stopped, at_day(181)).actions == []
    assert plan(stopped, at_day(100)).next_check is None


def test_catches_up_after_a_long_downtime_without_sending_stale_surveys() -> None:
    result = plan(person(handled=frozenset()), at_day(183))
    assert surveys(result, Skip) == [FIRST, STATUS_1]
    assert surveys(result, Send) == [STATUS_2]


def test_control_advice_released_after_the_survey_answer() -> None:
    control = person(group=Group.CONTROL, handled=frozenset({FIRST.key, STATUS_1.key}))
    answered = dataclasses.replace(control, answered=frozenset({STATUS_1.key}))
    assert Release("survey-answered") in plan(answered, at_day(92)).actions
    assert not any(isinstance(a, Release) for a in plan(control, at_day(92)).actions)


def test_control_advice_released_once_the_window_passed_even_when_unsubscribed() -> None:
    control = person(group=Group.CONTROL, unsubscribed=True)
    assert plan(control, at_day(50)).next_check == SIGNUP + 98 * DAY
    assert plan(control, at_day(98)).actions == [Release("survey-window-passed")]
    assert plan(dataclasses.replace(control, released=True), at_day(98)).actions == []


def test_treated_have_nothing_to_release() -> None:
    assert not any(isinstance(a, Release) for a in plan(person(), at_day(120)).actions)


def test_next_check_is_always_in_the_future() -> None:
    for day in range(0, 400, 3):
        for state in (person(), person(handled=frozenset()), person(group=Group.CONTROL, last_status_at=at_day(70))):
            next_check = plan(state, at_day(day)).next_check
            assert next_check is None or next_check > at_day(day)
