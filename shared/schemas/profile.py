"""A job seeker's profile: the person, their blockers and their projects (DOMAIN.md, "Profile")."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared.schemas.sealed import Contact, Sealed, open_contact, open_model, seal_contact, seal_model


class Degree(StrEnum):
    NO_DEGREE = "NO_DEGREE"
    CAP_BEP = "CAP_BEP"
    BAC_BACPRO = "BAC_BACPRO"
    BTS_DUT_DEUG = "BTS_DUT_DEUG"
    LICENCE_MAITRISE = "LICENCE_MAITRISE"
    DEA_DESS_MASTER_PHD = "DEA_DESS_MASTER_PHD"

    @property
    def rank(self) -> int:
        return list(Degree).index(self)


class Gender(StrEnum):
    FEMININE = "FEMININE"
    MASCULINE = "MASCULINE"
    UNKNOWN_GENDER = "UNKNOWN_GENDER"


class FamilySituation(StrEnum):
    SINGLE = "SINGLE"
    IN_COUPLE = "IN_COUPLE"
    SINGLE_PARENT = "SINGLE_PARENT"
    FAMILY_WITH_KIDS = "FAMILY_WITH_KIDS"


class Frustration(StrEnum):
    NO_OFFERS = "NO_OFFERS"
    NO_OFFER_ANSWERS = "NO_OFFER_ANSWERS"
    RESUME = "RESUME"
    INTERVIEW = "INTERVIEW"
    TRAINING = "TRAINING"
    MOTIVATION = "MOTIVATION"
    TIME_MANAGEMENT = "TIME_MANAGEMENT"
    ATYPIC_PROFILE = "ATYPIC_PROFILE"
    AGE_DISCRIMINATION = "AGE_DISCRIMINATION"
    SEX_DISCRIMINATION = "SEX_DISCRIMINATION"
    RACE_DISCRIMINATION = "RACE_DISCRIMINATION"
    EXPERIENCE = "EXPERIENCE"
    SELF_CONFIDENCE = "SELF_CONFIDENCE"
    STAY_AT_HOME_PARENT = "STAY_AT_HOME_PARENT"
    LANGUAGE = "LANGUAGE"
    FOREIGN_QUALIFICATIONS = "FOREIGN_QUALIFICATIONS"
    CHILD_CARE = "CHILD_CARE"


# Sensitive personal data: stored, never logged, never sent to partners.
SENSITIVE_FRUSTRATIONS = frozenset(
    {Frustration.AGE_DISCRIMINATION, Frustration.SEX_DISCRIMINATION, Frustration.RACE_DISCRIMINATION}
)


class AreaType(StrEnum):
    CITY = "CITY"
    DEPARTEMENT = "DEPARTEMENT"
    REGION = "REGION"
    COUNTRY = "COUNTRY"
    WORLD = "WORLD"

    @property
    def rank(self) -> int:
        return list(AreaType).index(self)


class ProjectKind(StrEnum):
    FIND_A_FIRST_JOB = "FIND_A_FIRST_JOB"
    FIND_A_NEW_JOB = "FIND_A_NEW_JOB"
    FIND_ANOTHER_JOB = "FIND_ANOTHER_JOB"
    REORIENTATION = "REORIENTATION"
    CREATE_OR_TAKE_OVER_COMPANY = "CREATE_OR_TAKE_OVER_COMPANY"


class Seniority(StrEnum):
    NO_SENIORITY = "NO_SENIORITY"
    INTERN = "INTERN"
    JUNIOR = "JUNIOR"
    INTERMEDIARY = "INTERMEDIARY"
    SENIOR = "SENIOR"
    EXPERT = "EXPERT"

    @property
    def rank(self) -> int:
        return list(Seniority).index(self)


class PreviousJobSimilarity(StrEnum):
    DONE_THIS = "DONE_THIS"
    DONE_SIMILAR = "DONE_SIMILAR"
    NEVER_DONE = "NEVER_DONE"


class TrainingFulfillment(StrEnum):
    ENOUGH_DIPLOMAS = "ENOUGH_DIPLOMAS"
    ENOUGH_EXPERIENCE = "ENOUGH_EXPERIENCE"
    CURRENTLY_IN_TRAINING = "CURRENTLY_IN_TRAINING"
    NOT_SURE = "NOT_SURE"
    NO_TRAINING_REQUIRED = "NO_TRAINING_REQUIRED"


class Frequency(StrEnum):
    """Weekly counts: LESS_THAN_2, SOME (2-5), DECENT_AMOUNT (6-15), A_LOT (>15)."""

    LESS_THAN_2 = "LESS_THAN_2"
    SOME = "SOME"
    DECENT_AMOUNT = "DECENT_AMOUNT"
    A_LOT = "A_LOT"

    @property
    def rank(self) -> int:
        return list(Frequency).index(self)


class PassionLevel(StrEnum):
    ALIMENTARY_JOB = "ALIMENTARY_JOB"
    LIKEABLE_JOB = "LIKEABLE_JOB"
    PASSIONATING_JOB = "PASSIONATING_JOB"
    LIFE_GOAL_JOB = "LIFE_GOAL_JOB"

    @property
    def rank(self) -> int:
        return list(PassionLevel).index(self)


class ContractType(StrEnum):
    CDI = "CDI"
    CDD = "CDD"
    INTERIM = "INTERIM"
    INTERNSHIP = "INTERNSHIP"
    ALTERNANCE = "ALTERNANCE"


# A cheap syntactic check: profiles are parsed on every event, and email-validator costs ~20 µs each time.
Email = Annotated[str, Field(pattern=r"^[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}$", max_length=254)]
RomeCode = Annotated[str, Field(pattern=r"^[A-N]\d{4}$", examples=["M1607"])]
DepartementId = Annotated[str, Field(pattern=r"^(\d{2}|2[AB]|97\d)$", examples=["31", "2A", "974"])]


class ChallengeGuess(StrEnum):
    """The person's own guess of their main difficulty, asked before the diagnosis; the values are the diagnosis's
    challenge ids (shared/schemas/diagnosis.py::ChallengeId) so the diagnosis page can answer it."""

    UNDEFINED_PROJECT = "undefined-project"
    FIND_WHAT_YOU_LIKE = "find-what-you-like"
    STUCK_MARKET = "stuck-market"
    MISSING_DIPLOMA = "missing-diploma"
    START_YOUR_SEARCH = "start-your-search"
    ENHANCE_METHODS_TO_INTERVIEW = "enhance-methods-to-interview"


class CoachingFrequency(StrEnum):
    """How often the person lets us send coaching emails (never by default: they opt in)."""

    NONE = "NONE"
    MONTHLY = "MONTHLY"
    WEEKLY = "WEEKLY"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class TargetJob(_Strict):
    rome_code: RomeCode
    job_title_code_ogr: Annotated[str, Field(pattern=r"^\d{1,6}$")] | None = None


class City(_Strict):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    departement_id: DepartementId
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = None


class Project(_Strict):
    target_job: TargetJob | None = None
    city: City
    mobility_area: AreaType = AreaType.CITY
    kind: ProjectKind = ProjectKind.FIND_A_NEW_JOB
    seniority: Seniority | None = None
    previous_job_similarity: PreviousJobSimilarity | None = None
    training_fulfillment: TrainingFulfillment | None = None
    job_search_started_at: dt.date | None = None
    job_search_has_not_started: bool = False
    weekly_offers: Frequency | None = None
    weekly_applications: Frequency | None = None
    total_interview_count: Annotated[int, Field(ge=0, le=1000)] | None = None
    network_estimate: Annotated[int, Field(ge=1, le=3)] | None = None
    passion_level: PassionLevel | None = None
    has_resume: bool | None = None
    has_clear_project: bool | None = None
    employment_types: Annotated[list[ContractType], Field(max_length=5)] = []
    min_salary: Annotated[int, Field(ge=0, le=1_000_000)] | None = None

    @field_validator("job_search_started_at")
    @classmethod
    def _not_in_future(cls, value: dt.date | None) -> dt.date | None:
        if value is not None and value > dt.date.today():
            raise ValueError("the search cannot start in the future")
        if value is not None and value < dt.date(1950, 1, 1):
            raise ValueError("the search start date is too far in the past")
        return value

    @model_validator(mode="after")
    def _search_state_is_consistent(self) -> Project:
        if self.job_search_has_not_started and self.job_search_started_at is not None:
            raise ValueError("job_search_started_at must be empty when job_search_has_not_started is true")
        if len(set(self.employment_types)) != len(self.employment_types):
            raise ValueError("employment_types must not repeat")
        return self

    def search_length_months(self, today: dt.date) -> float | None:
        """Months of search (days / 30.5); None when not started or unknown."""
        if self.job_search_has_not_started or self.job_search_started_at is None:
            return None
        return max(0.0, (today - self.job_search_started_at).days / 30.5)


class SelfDiagnosis(_Strict):
    """What the person thinks holds them back: a challenge, or none when they do not know, and their own words."""

    challenge: ChallengeGuess | None = None
    note: Annotated[str, Field(max_length=500)] | None = None


class ProfileIn(_Strict):
    """What a client submits (POST or PUT)."""

    email: Email | None = None
    name: Annotated[str, Field(min_length=1, max_length=120)] | None = None
    year_of_birth: Annotated[int, Field(ge=1920)]
    gender: Gender | None = None
    highest_degree: Degree | None = None
    has_handicap: bool = False
    family_situation: FamilySituation | None = None
    has_driving_licence: bool | None = None
    languages: Annotated[list[Annotated[str, Field(pattern=r"^[a-z]{2}$")]], Field(max_length=20)] = []
    locale: Annotated[str, Field(pattern=r"^(fr|en)$")] = "fr"
    frustrations: Annotated[list[Frustration], Field(max_length=len(Frustration))] = []
    projects: Annotated[list[Project], Field(min_length=1, max_length=5)]
    self_diagnosis: SelfDiagnosis | None = None
    coaching_emails: CoachingFrequency = CoachingFrequency.NONE

    @field_validator("year_of_birth")
    @classmethod
    def _plausible_age(cls, value: int) -> int:
        if value > dt.date.today().year - 14:
            raise ValueError("a job seeker must be at least 14 years old")
        return value

    @field_validator("frustrations")
    @classmethod
    def _unique_frustrations(cls, value: list[Frustration]) -> list[Frustration]:
        if len(set(value)) != len(value):
            raise ValueError("frustrations must not repeat")
        return value

    @property
    def main_project(self) -> Project:
        return self.projects[0]

    def age(self, today: dt.date) -> int:
        return today.year - self.year_of_birth


EVENT_TYPE = "profile.submitted"
CONTACT_FIELDS = frozenset({"email", "name"})


class ProfileSubmitted(BaseModel):
    """One stored version of a profile, in clear: what the profile service stores and its consumers work on. On the
    `profile.submitted` topic it travels only sealed (`SealedProfileSubmitted`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    profile_id: str = Field(description="The job seeker's id (also their account id)")
    version: Annotated[int, Field(ge=1, description="The profile version: 1 at sign-up, then one more per update")]
    submitted_at: dt.datetime = Field(description="When this version was stored")
    profile: ProfileIn = Field(description="The whole profile as the person submitted it (personal data)")

    def sealed(self, key: bytes) -> SealedProfileSubmitted:
        """The event data: the profile without name or email, sealed with `key` (the person's data key); the email
        sealed apart for the consumers that write to the person. The name travels nowhere: no consumer needs it."""
        return SealedProfileSubmitted(
            profile_id=self.profile_id, version=self.version, submitted_at=self.submitted_at,
            sealed=seal_model(key, self.profile, EVENT_TYPE, self.profile_id, exclude=set(CONTACT_FIELDS)),
            contact=seal_contact(key, self.profile_id, self.profile.email),
        )


class SealedProfileSubmitted(BaseModel):
    """Data of the `profile.submitted` event (version 2)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    profile_id: str = Field(description="The job seeker's id (also their account id)")
    version: Annotated[int, Field(ge=1, description="The profile version: 1 at sign-up, then one more per update")]
    submitted_at: dt.datetime = Field(description="When this version was stored")
    sealed: Sealed = Field(description="The profile (ProfileIn without `email` and `name`), sealed")
    contact: Contact = None

    def opened(self, key: bytes, *, with_contact: bool = False) -> ProfileSubmitted:
        """The version in clear (its email only `with_contact`; never its name); raises SealError when `key` is not
        the person's."""
        profile = open_model(ProfileIn, key, self.sealed, EVENT_TYPE, self.profile_id)
        if with_contact:
            profile = profile.model_copy(update={"email": open_contact(key, self.contact, self.profile_id)})
        return ProfileSubmitted(profile_id=self.profile_id, version=self.version, submitted_at=self.submitted_at,
                                profile=profile)


def upcast_v1(data: dict[str, Any]) -> dict[str, Any]:
    """v1 carried the whole profile in clear (email, name, handicap, discrimination answers). Sealing needs the
    person's key, which an upcaster has not, and carrying the clear profile on is what v2 ends: a v1 record is
    refused (dead-lettered, kept byte for byte). Drain this topic before upgrading."""
    raise ValueError(f"{EVENT_TYPE} v1 carries the profile in clear, refused since v2: {data.get('profile_id')}")
