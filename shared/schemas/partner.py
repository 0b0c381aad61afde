"""Data of the partner-visible events: pseudonymised per partner, no name, email, city, exact time or birth year."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

# The per-partner feeds (topic partner.{partner}.events, and the same bodies by webhook). Every field below is what
# one partner may learn about one person. What every feed event leaves out, and why:
# - who the person is: id, name, email, city (the département stays), exact birth year (an age band instead);
# - when exactly: every time is the day only, so no event joins back to the internal one by its timestamp;
# - origin: languages, locale, frustrations LANGUAGE and FOREIGN_QUALIFICATIONS, advice modules language-courses
#   and foreign-qualifications; health: handicap, advice module needs-for-handicap; family: family situation,
#   frustrations STAY_AT_HOME_PARENT and CHILD_CARE, advice module life-balance; discrimination answers (age, sex,
#   race) and the advice module fight-discrimination; gender; senior (an age stand-in beyond the band);
# - free text, survey scores and features (they may describe the person in their own words).
# The pseudonym is HMAC-SHA256 with the partner's own key: two partners cannot join their feeds on it.

Pseudonym = Field(description="HMAC-SHA256 of the person id with this partner's own key: stable for this partner, "
                              "different at every other partner, irreversible without the platform's key")
Day = Field(description="The day it happened (UTC): never a finer time, so it cannot be joined back to the "
                        "platform's internal events")


class FeedEvent(BaseModel):
    """What every feed event carries: whom it is about (for this partner) and the day."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    pseudonym: str = Pseudonym
    day: dt.date = Day


class FeedProfileSubmitted(FeedEvent):
    """partner.profile-submitted: a person stored a version of their profile. Reveals an age band, the degree, the
    target job group and département, how far they would move, the kind of project, whether the search started and
    the blockers that say nothing of origin, health, family or discrimination (see the list above)."""

    version: int = Field(description="The profile version (1 at sign-up, then one more per update)")
    age_band: str = Field(description="<25, 25-34, 35-44, 45-54 or 55+: a band, never the birth year")
    highest_degree: str | None = Field(description="A Degree value, when known")
    rome_code: str | None = Field(description="Target job group (ROME code), when the person has one")
    departement_id: str = Field(description="The département of the main project (never the city)")
    mobility_area: str = Field(description="How far the person would go: CITY, DEPARTEMENT, REGION, COUNTRY, WORLD")
    project_kind: str = Field(description="A ProjectKind value, e.g. FIND_A_NEW_JOB")
    search_started: bool = Field(description="Whether the job search has started")
    frustrations: list[str] = Field(description="Blockers, without those standing for origin, family or "
                                                "discrimination")


class FeedDiagnosisReady(FeedEvent):
    """partner.diagnosis-ready: the person's situation was diagnosed. Reveals the main challenge (one of seven, from
    the labour market and the project) and a band of the overall score; not the sub-scores, the employability
    estimate's factors or the sentence shown to the person."""

    version: int = Field(description="The profile version diagnosed")
    main_challenge: str = Field(description="A ChallengeId value, e.g. stuck-market")
    score_band: str = Field(description="The overall score (0-100) in bands of 20: 0-19, 20-39, ... 80-100")


class FeedAdviceReady(FeedEvent):
    """partner.advice-ready: the person's advice list is ready. Reveals the ids of the advice modules, best first,
    without the modules that stand for origin, health, family, discrimination or age (see the list above) and
    without the explanations (they quote the person's situation)."""

    version: int = Field(description="The profile version advised")
    module_ids: list[str] = Field(description="Advice module ids, best first")


class FeedFollowupAnswered(FeedEvent):
    """partner.followup-answered: the person answered a follow-up survey. Reveals whether they are back at work and
    whether the platform helped; not their exact situation, scores, features or free text."""

    survey: str = Field(description="first-followup or employment-status")
    round: int = Field(description="1 for the first survey of its kind, then one more each time")
    seeking: bool = Field(description="Whether the person is still seeking a job")
    back_at_work: bool | None = Field(description="Working, in alternance, freelance or running a company; None "
                                                   "before the form is filled")
    helped: str | None = Field(description="YES_A_LOT, YES or NOT_AT_ALL, when answered")


class FeedActionProgressed(FeedEvent):
    """partner.action-progressed: the person marked an action of their action plan done or stuck. Reveals that
    state and the plan's counts; not which strategy or action (an action may be about health, origin or
    discrimination), its date or the person's note."""

    state: str = Field(description="done or stuck")
    total: int = Field(description="Actions in the person's plan")
    done: int = Field(description="Of which done")
    stuck: int = Field(description="Of which stuck")


class FeedPersonErased(FeedEvent):
    """partner.person-erased: the person asked to be erased. The partner must delete everything it holds under this
    pseudonym; no more events about it follow. Sent only to partners that received this person."""
