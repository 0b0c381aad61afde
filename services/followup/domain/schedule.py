"""When each follow-up survey is due, skipped, and when a control person's advice is released (pure).

Days count from sign-up: "day 90" is from 90 x 24 h after sign-up to just before 91 x 24 h."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from shared.schemas.followup import Group, SurveyKind

DAY = dt.timedelta(days=1)
FIRST_FOLLOWUP_DAYS = (6, 13)  # inclusive window
STATUS_DAYS = (90, 97)  # inclusive window of the first employment-status survey
STATUS_PERIOD_DAYS = 91  # "about every 3 months" while still seeking
RECENT_STATUS = dt.timedelta(days=30)
RELEASE_DAY = STATUS_DAYS[1] + 1  # a control person's advice is released once the survey window has passed


@dataclass(frozen=True, order=True)
class Survey:
    kind: SurveyKind
    round: int

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.round}"

    @property
    def window_days(self) -> tuple[int, int]:
        if self.kind is SurveyKind.FIRST_FOLLOWUP:
            return FIRST_FOLLOWUP_DAYS
        offset = (self.round - 1) * STATUS_PERIOD_DAYS
        return STATUS_DAYS[0] + offset, STATUS_DAYS[1] + offset


THREE_MONTH_SURVEY = Survey(SurveyKind.EMPLOYMENT_STATUS, 1)


class SkipReason(StrEnum):
    SEARCH_NOT_STARTED = "search-not-started"
    RECENT_STATUS = "recent-status"
    NO_EMAIL = "no-email"
    WINDOW_PASSED = "window-passed"  # eligible but never sent in time (e.g. a downtime longer than the window)


@dataclass(frozen=True)
class PersonState:
    signed_up_at: dt.datetime
    group: Group
    search_started: bool
    has_email: bool = True
    unsubscribed: bool = False
    erased: bool = False
    last_status_at: dt.datetime | None = None
    stopped_seeking: bool = False
    handled: frozenset[str] = frozenset()  # keys of surveys already sent or skipped
    answered: frozenset[str] = frozenset()
    released: bool = False


@dataclass(frozen=True)
class Send:
    survey: Survey


@dataclass(frozen=True)
class Skip:
    survey: Survey
    reason: SkipReason


ReleaseReason = Literal["survey-answered", "survey-window-passed"]


@dataclass(frozen=True)
class Release:
    reason: ReleaseReason


Action = Send | Skip | Release


@dataclass(frozen=True)
class Plan:
    actions: list[Action] = field(default_factory=list)
    next_check: dt.datetime | None = None  # None: nothing will ever be due by time alone


def _window(person: PersonState, survey: Survey) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the survey's window."""
    first, last = survey.window_days
    return person.signed_up_at + first * DAY, person.signed_up_at + (last + 1) * DAY


def _blocker(person: PersonState, survey: Survey, now: dt.datetime) -> SkipReason | None:
    """Why the survey cannot be sent now, or None when it can."""
    if not person.has_email:
        return SkipReason.NO_EMAIL
    if survey.kind is SurveyKind.FIRST_FOLLOWUP:
        return None
    if not person.search_started:
        return SkipReason.SEARCH_NOT_STARTED
    if person.last_status_at is not None and now - person.last_status_at < RECENT_STATUS:
        return SkipReason.RECENT_STATUS
    return None


def _surveys_started_by(person: PersonState, now: dt.datetime) -> list[Survey]:
    """Surveys whose window has opened; the status series ends once the person stopped seeking."""
    surveys = [Survey(SurveyKind.FIRST_FOLLOWUP, 1)]
    if not person.stopped_seeking:
        round_ = 1
        while _window(person, Survey(SurveyKind.EMPLOYMENT_STATUS, round_))[0] <= now:
            surveys.append(Survey(SurveyKind.EMPLOYMENT_STATUS, round_))
            round_ += 1
    return [s for s in surveys if _window(person, s)[0] <= now]


def _next_survey_start(person: PersonState, now: dt.datetime) -> dt.datetime | None:
    first = _window(person, Survey(SurveyKind.FIRST_FOLLOWUP, 1))[0]
    if now < first:
        return first
    if person.stopped_seeking:
        return None
    round_ = 1
    while (start := _window(person, Survey(SurveyKind.EMPLOYMENT_STATUS, round_))[0]) <= now:
        round_ += 1
    return start


def _release(person: PersonState, now: dt.datetime) -> tuple[Release | None, dt.datetime | None]:
    if person.group is not Group.CONTROL or person.released or person.erased:
        return None, None
    if THREE_MONTH_SURVEY.key in person.answered:
        return Release("survey-answered"), None
    release_at = person.signed_up_at + RELEASE_DAY * DAY
    if now >= release_at:
        return Release("survey-window-passed"), None
    return None, release_at


def plan(person: PersonState, now: dt.datetime) -> Plan:
    """What to do for this person now, and when to look again."""
    release, release_at = _release(person, now)
    actions: list[Action] = [release] if release else []
    checks: list[dt.datetime] = [release_at] if release_at else []
    if person.erased or person.unsubscribed:
        return Plan(actions, min(checks, default=None))
    for survey in _surveys_started_by(person, now):
        if survey.key in person.handled:
            continue
        start, end = _window(person, survey)
        blocker = _blocker(person, survey, now)
        if now >= end:
            actions.append(Skip(survey, blocker or SkipReason.WINDOW_PASSED))
        elif blocker is None:
            actions.append(Send(survey))
        else:
            # Still in the window: look again when a recent status gets old enough, else when it closes.
            if blocker is SkipReason.RECENT_STATUS and person.last_status_at is not None:
                checks.append(min(end, person.last_status_at + RECENT_STATUS))
            else:
                checks.append(end)
    if (next_start := _next_survey_start(person, now)) is not None:
        checks.append(next_start)
    return Plan(actions, min(checks, default=None))
