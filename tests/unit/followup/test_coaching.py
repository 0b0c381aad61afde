"""The coaching email programme at its edges: first email, frequency and jitter bounds, quiet hours, survey
blackouts, stop conditions, each focus once, the rules and the texts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

import pytest

from services.followup.domain.coaching.catalogue import CoachingProfile, Focus, scores
from services.followup.domain.coaching.emails import TEXTS, coaching_email
from services.followup.domain.coaching.schedule import (
    JITTER,
    PARIS,
    SURVEY_MARGIN,
    CoachingState,
    Hold,
    Stop,
    jitter,
    plan_coaching,
    survey_starts,
)
from services.followup.domain.schedule import DAY
from services.followup.service.engagement import actions_left
from shared.schemas.engagement import Progress, SealedPlanChanged
from shared.schemas.profile import ChallengeGuess, CoachingFrequency, Frustration, TrainingFulfillment

SIGNUP = dt.datetime(2024, 1, 15, 8, 0, tzinfo=dt.UTC)  # 9:00 in Paris (winter)
EVERYTHING = CoachingProfile(
    frustrations=frozenset({Frustration.SELF_CONFIDENCE, Frustration.MOTIVATION, Frustration.TRAINING}),
    has_target_job=True,
)


def person(pid: str = "p1", **changes: object) -> CoachingState:
    base = CoachingState(person_id=pid, signed_up_at=SIGNUP, frequency=CoachingFrequency.WEEKLY,
                         profile=EVERYTHING)
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def simulate(state: CoachingState, days: int) -> list[tuple[dt.datetime, Focus]]:
    """What a scheduler that looks at each planned check would send over `days` after sign-up."""
    until, now, sent = state.signed_up_at + days * DAY, state.signed_up_at, []
    while True:
        plan = plan_coaching(state, now)
        if plan.send is not None:
            sent.append((now, plan.send))
            state = dataclasses.replace(state, sent=state.sent | {plan.send}, last_sent_at=now)
        if plan.next_check is None or plan.next_check > until:
            return sent
        assert plan.next_check > now
        now = plan.next_check


PEOPLE = [uuid.UUID(int=i).hex for i in range(60)]


def daytime(at: dt.datetime) -> bool:
    return dt.time(9) <= at.astimezone(PARIS).time() < dt.time(20)


@pytest.mark.parametrize("frequency", [CoachingFrequency.WEEKLY, CoachingFrequency.MONTHLY])
def test_sends_follow_the_frequency_within_the_jitter_and_never_at_night_or_near_a_survey(
    frequency: CoachingFrequency,
) -> None:
    period = 7 if frequency is CoachingFrequency.WEEKLY else 30
    for pid in PEOPLE:
        sent = simulate(person(pid, frequency=frequency), 200)
        times = [at for at, _ in sent]
        assert times[0] >= SIGNUP + 3 * DAY
        assert all(daytime(at) for at in times)
        starts = survey_starts(SIGNUP, times[-1])
        assert not [at for at in times for s in starts if s - SURVEY_MARGIN <= at < s + SURVEY_MARGIN]
        gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
        # At least the period less its jitter; at most that plus a night's wait, or a survey blackout and a night.
        assert all(gap >= period * (1 - JITTER) * DAY for gap in gaps)
        assert all(gap <= period * (1 + JITTER) * DAY + 2 * SURVEY_MARGIN + DAY for gap in gaps)
        assert len({focus for _, focus in sent}) == len(sent)  # each focus once
    firsts = {simulate(person(pid), 10)[0][0] for pid in PEOPLE}
    assert len(firsts) > 10  # jittered: not everyone at the same minute


def test_the_first_email_is_three_to_four_days_after_signup_or_after_the_first_survey() -> None:
    first_survey = survey_starts(SIGNUP, SIGNUP)[0]
    for pid in PEOPLE:
        at, _ = simulate(person(pid), 10)[0]
        assert SIGNUP + 3 * DAY <= at < first_survey - SURVEY_MARGIN or at == first_survey + SURVEY_MARGIN
        assert daytime(at)


def test_jitter_is_bounded_and_the_same_at_every_replan() -> None:
    values = [jitter(pid, rank) for pid in PEOPLE for rank in range(8)]
    assert all(-1 <= v < 1 for v in values)
    assert min(values) < -0.8
    assert max(values) > 0.8
    state = person(sent=frozenset({Focus.CONFIDENCE}), last_sent_at=SIGNUP + 10 * DAY)
    assert len({plan_coaching(state, SIGNUP + 11 * DAY + dt.timedelta(minutes=m)) for m in range(5)}) == 1


def test_a_due_email_at_night_waits_for_nine_in_the_morning_paris_time_summer_and_winter() -> None:
    for signup, morning_utc in ((SIGNUP, 8), (dt.datetime(2024, 7, 1, 7, tzinfo=dt.UTC), 7)):
        state = person(signed_up_at=signup, sent=frozenset({Focus.CONFIDENCE}), last_sent_at=signup + 20 * DAY)
        night = signup + 40 * DAY + dt.timedelta(hours=21 - morning_utc)  # 22:00 in Paris, long due
        plan = plan_coaching(state, night)
        assert (plan.send, plan.held) == (None, Hold.QUIET_HOURS)
        assert plan.next_check == (night + DAY).replace(hour=morning_utc, minute=0)
        assert plan_coaching(state, plan.next_check).send is not None


def test_none_in_the_days_around_a_survey() -> None:
    status_start = SIGNUP + 90 * DAY
    state = person(sent=frozenset({Focus.CONFIDENCE}), last_sent_at=status_start - 5 * DAY)
    plan = plan_coaching(state, status_start - DAY)
    assert (plan.send, plan.held) == (None, Hold.SURVEY_BLACKOUT)
    assert plan.next_check == status_start + SURVEY_MARGIN
    assert plan_coaching(state, status_start + SURVEY_MARGIN).send is not None


@pytest.mark.parametrize(("changes", "stop"), [
    ({"frequency": CoachingFrequency.NONE}, Stop.NOT_OPTED_IN),
    ({"unsubscribed": True}, Stop.UNSUBSCRIBED),
    ({"back_at_work": True}, Stop.BACK_AT_WORK),
    ({"erased": True}, Stop.ERASED),
    ({"has_email": False}, Stop.NO_EMAIL),
    ({"sent": frozenset(Focus)}, Stop.NOTHING_LEFT),
])
def test_stop_conditions_send_nothing_and_plan_nothing(changes: dict[str, object], stop: Stop) -> None:
    plan = plan_coaching(dataclasses.replace(person(), **changes), SIGNUP + 30 * DAY)  # type: ignore[arg-type]
    assert (plan.send, plan.next_check, plan.stop) == (None, None, stop)


def test_a_changed_frequency_applies_from_the_next_email() -> None:
    last = SIGNUP + 20 * DAY
    weekly = plan_coaching(person(sent=frozenset({Focus.CONFIDENCE}), last_sent_at=last), last)
    monthly = plan_coaching(person(sent=frozenset({Focus.CONFIDENCE}), last_sent_at=last,
                                   frequency=CoachingFrequency.MONTHLY), last)
    assert weekly.next_check is not None
    assert monthly.next_check is not None
    assert 7 * (1 - JITTER) * DAY <= weekly.next_check - last <= 7 * (1 + JITTER) * DAY + DAY
    assert 30 * (1 - JITTER) * DAY <= monthly.next_check - last <= 30 * (1 + JITTER) * DAY + DAY


def test_the_best_fitting_focus_goes_first_and_unfitting_ones_never() -> None:
    interview = CoachingProfile(frustrations=frozenset({Frustration.INTERVIEW}), network=3)
    assert simulate(person(profile=interview), 10)[0][1] is Focus.INTERVIEW
    sent = {focus for _, focus in simulate(person(profile=interview), 400)}
    assert sent == {Focus.NETWORK, Focus.SPONTANEOUS, Focus.CV, Focus.INTERVIEW}  # no market without a job
    fits = scores(interview, SIGNUP.date())
    assert fits[Focus.CONFIDENCE] == fits[Focus.MOTIVATION] == fits[Focus.TRAINING] == fits[Focus.LOCAL_MARKET] == 0


def test_rules_read_the_search_length_and_the_persons_own_guess() -> None:
    today = dt.date(2024, 6, 1)
    long_search = CoachingProfile(search_started_on=today - dt.timedelta(days=400))
    assert scores(long_search, today)[Focus.CONFIDENCE] == 2
    assert scores(long_search, today)[Focus.MOTIVATION] == 2
    stuck = CoachingProfile(challenge_guess=ChallengeGuess.STUCK_MARKET, has_target_job=True)
    assert scores(stuck, today)[Focus.LOCAL_MARKET] == 3
    assert scores(stuck, today)[Focus.SPONTANEOUS] == 3
    unsure = CoachingProfile(training=TrainingFulfillment.NOT_SURE)
    assert scores(unsure, today)[Focus.TRAINING] == 3
    assert CoachingProfile.from_doc(stuck.to_doc()) == stuck
    assert CoachingProfile.from_doc(None) == CoachingProfile()


def test_every_focus_has_a_short_text_in_both_languages_with_its_links() -> None:
    assert set(TEXTS) == set(Focus)
    for focus in Focus:
        for lang in ("fr", "en"):
            email = coaching_email(focus, lang, "https://bob.test", "tok.en")
            assert len(email.subject) <= 80
            assert len(email.text) < 800
            assert f"https://bob.test/#/{TEXTS[focus][lang].page}" in email.text
            assert "https://bob.test/#/unsubscribe/coaching/tok.en" in email.text
            assert email.list_unsubscribe == "https://bob.test/api/v1/followup/coaching/unsubscribe/tok.en"
    assert coaching_email(Focus.CV, "de", "https://b", "t").subject == TEXTS[Focus.CV]["fr"].subject


def test_the_persons_own_plan_is_reminded_first_while_actions_are_left_and_once() -> None:
    quiet = CoachingProfile(network=3)
    assert simulate(person(profile=quiet, plan_actions_left=2), 10)[0][1] is Focus.ACTION_PLAN
    sent = [focus for _, focus in simulate(person(profile=quiet, plan_actions_left=2), 400)]
    assert sent.count(Focus.ACTION_PLAN) == 1
    assert Focus.ACTION_PLAN not in {focus for _, focus in simulate(person(profile=quiet), 400)}


def test_actions_left_come_from_the_plans_progress_in_clear() -> None:
    change = SealedPlanChanged(profile_id="p", revision=3, occurred_at=SIGNUP, sealed="v1.x",
                               progress=Progress(total=5, done=2, stuck=1))
    assert actions_left(change) == 2
    assert actions_left(change.model_copy(update={"progress": Progress(total=2, done=2, stuck=0)})) == 0
