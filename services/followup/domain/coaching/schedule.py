"""When the next coaching email is due and which focus it carries (pure).

The first email goes at least 3 days after sign-up (plus up to a day of jitter), the next ones a period after
the last (WEEKLY 7 days, MONTHLY 30, each +/- 15%), as in Bob Emploi's focus.py. The jitter is drawn from the
person id and the email's rank, so every replan of the same state agrees. A due time at night in Paris moves to
9:00 the next morning, and one in the days around a survey moves to their end. Nothing is sent to someone who
did not opt in, unsubscribed from coaching, is back at work, was erased or has no address; the frequency is read
at every plan, so a change applies from the next email."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, replace
from enum import StrEnum
from zoneinfo import ZoneInfo

from services.followup.domain.coaching.catalogue import CoachingProfile, Focus, scores
from services.followup.domain.schedule import DAY, FIRST_FOLLOWUP_DAYS, STATUS_DAYS, STATUS_PERIOD_DAYS
from shared.schemas.profile import CoachingFrequency

FIRST_DELAY = 3 * DAY
FIRST_SPREAD = DAY  # the first email: between 3 and 4 days after sign-up
PERIODS = {CoachingFrequency.WEEKLY: 7 * DAY, CoachingFrequency.MONTHLY: 30 * DAY}
JITTER = 0.15  # each period +/- 15%
PARIS = ZoneInfo("Europe/Paris")
MORNING, EVENING = dt.time(9), dt.time(20)  # sending hours, Paris time: [9:00, 20:00)
SURVEY_MARGIN = 2 * DAY  # no coaching email from 2 days before a survey goes out to 2 days after


class Stop(StrEnum):
    """Why nothing more is planned (until the person's state changes)."""

    NOT_OPTED_IN = "not-opted-in"
    UNSUBSCRIBED = "unsubscribed"
    BACK_AT_WORK = "back-at-work"
    ERASED = "erased"
    NO_EMAIL = "no-email"
    NOTHING_LEFT = "nothing-left"  # every focus that fits was sent


class Hold(StrEnum):
    """Why a due email waits."""

    QUIET_HOURS = "quiet-hours"
    SURVEY_BLACKOUT = "survey-blackout"


@dataclass(frozen=True)
class CoachingState:
    person_id: str
    signed_up_at: dt.datetime
    frequency: CoachingFrequency
    profile: CoachingProfile
    has_email: bool = True
    unsubscribed: bool = False
    erased: bool = False
    back_at_work: bool = False
    sent: frozenset[Focus] = frozenset()
    last_sent_at: dt.datetime | None = None
    plan_actions_left: int = 0  # of the person's action plan, from engagement.actions


@dataclass(frozen=True)
class CoachingPlan:
    send: Focus | None = None
    next_check: dt.datetime | None = None  # None: nothing due by time alone
    stop: Stop | None = None
    held: Hold | None = None  # the due time was moved, by this first


def jitter(person_id: str, rank: int) -> float:
    """In [-1, 1), a pure function of the person and the email's rank."""
    digest = hashlib.sha256(f"coaching:{person_id}:{rank}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**63 - 1


def base_due(state: CoachingState) -> dt.datetime:
    """When the next email is due before quiet hours and surveys move it."""
    rank = len(state.sent)
    if state.last_sent_at is None:
        return state.signed_up_at + FIRST_DELAY + FIRST_SPREAD * (jitter(state.person_id, rank) + 1) / 2
    return state.last_sent_at + PERIODS[state.frequency] * (1 + JITTER * jitter(state.person_id, rank))


def _quiet(at: dt.datetime) -> dt.datetime:
    """`at`, or 9:00 Paris time after it when `at` is at night there."""
    local = at.astimezone(PARIS)
    if MORNING <= local.time() < EVENING:
        return at
    day = local.date() if local.time() < MORNING else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, MORNING, tzinfo=PARIS).astimezone(dt.UTC)


def survey_starts(signed_up_at: dt.datetime, until: dt.datetime) -> list[dt.datetime]:
    """When each survey goes out (its window opens), up to `until` plus a margin."""
    starts = [signed_up_at + FIRST_FOLLOWUP_DAYS[0] * DAY]
    round_ = 0
    while (start := signed_up_at + (STATUS_DAYS[0] + round_ * STATUS_PERIOD_DAYS) * DAY) <= until + SURVEY_MARGIN:
        starts.append(start)
        round_ += 1
    return starts


def _blackout(signed_up_at: dt.datetime, at: dt.datetime) -> dt.datetime:
    """`at`, or the end of the survey blackout it falls in."""
    for start in survey_starts(signed_up_at, at):
        if start - SURVEY_MARGIN <= at < start + SURVEY_MARGIN:
            return start + SURVEY_MARGIN
    return at


def settle(signed_up_at: dt.datetime, at: dt.datetime) -> tuple[dt.datetime, Hold | None]:
    """The first time from `at` outside quiet hours and survey blackouts, and what moved it first."""
    held: Hold | None = None
    while True:
        moved = _blackout(signed_up_at, at)
        if moved != at:
            held = held or Hold.SURVEY_BLACKOUT
        quiet = _quiet(moved)
        if quiet != moved:
            held = held or Hold.QUIET_HOURS
        if quiet == at:
            return at, held
        at = quiet


def _stop(state: CoachingState) -> Stop | None:
    if state.erased:
        return Stop.ERASED
    if state.frequency is CoachingFrequency.NONE:
        return Stop.NOT_OPTED_IN
    if state.unsubscribed:
        return Stop.UNSUBSCRIBED
    if state.back_at_work:
        return Stop.BACK_AT_WORK
    if not state.has_email:
        return Stop.NO_EMAIL
    return None


def _order(person_id: str, focus: Focus) -> bytes:
    """Ties between equally fitting focuses: a fixed order per person, so people do not all get the same one."""
    return hashlib.sha256(f"coaching-order:{person_id}:{focus}".encode()).digest()


def plan_coaching(state: CoachingState, now: dt.datetime) -> CoachingPlan:
    """The focus to send now (or none) and when to look again."""
    if (stop := _stop(state)) is not None:
        return CoachingPlan(stop=stop)
    fits = scores(state.profile, now.date(), state.plan_actions_left)
    left = [focus for focus, score in fits.items() if score > 0 and focus not in state.sent]
    if not left:
        return CoachingPlan(stop=Stop.NOTHING_LEFT)
    due, held = settle(state.signed_up_at, base_due(state))
    if now < due:
        return CoachingPlan(next_check=due, held=held)
    at, held_now = settle(state.signed_up_at, now)  # due already, but now may be at night or near a survey
    if at > now:
        return CoachingPlan(next_check=at, held=held_now)
    # Among equals, the person's own plan before our advice.
    focus = max(left, key=lambda f: (fits[f], f is Focus.ACTION_PLAN, _order(state.person_id, f)))
    after = plan_coaching(replace(state, sent=state.sent | {focus}, last_sent_at=now), now)
    return CoachingPlan(send=focus, next_check=after.next_check, held=held)
