"""Each challenge rule on its own, with its edges, read from the train of `diagnose`."""

from __future__ import annotations

from typing import Any

import pytest

from services.diagnosis.domain import situation
from services.diagnosis.domain.challenges import diagnose
from shared import texts
from shared.schemas.diagnosis import ChallengeId, DiagnosisResult, TrainStatus
from shared.schemas.market import MarketFacts
from shared.schemas.profile import (
    Degree,
    Frustration,
    PassionLevel,
    PreviousJobSimilarity,
    ProfileIn,
    ProjectKind,
    Seniority,
    TrainingFulfillment,
)
from tests.unit.diagnosis.builders import TODAY, market, profile, started

NEEDS = TrainStatus.NEEDS_ATTENTION
PASSED = TrainStatus.PASSED
NOT_RELEVANT = TrainStatus.NOT_RELEVANT
C = ChallengeId


def run(p: ProfileIn, m: MarketFacts | None = None) -> DiagnosisResult:
    return diagnose(p, market() if m is None else m, TODAY)


def step(result: DiagnosisResult, challenge: ChallengeId) -> tuple[TrainStatus, list[str]]:
    found = next(s for s in result.train if s.challenge is challenge)
    return found.status, found.missing_fields


def test_default_profile_reaches_bravo() -> None:
    result = run(profile(), market(requirements=(("BAC_BACPRO", 50.0),)))
    assert result.main_challenge is C.BRAVO
    assert [s.status for s in result.train] == [PASSED] * 7
    assert result.missing_fields == []


# --- 1. undefined-project


def test_no_target_job_is_undefined_project_and_names_the_field() -> None:
    result = diagnose(profile(target_job=None), None, TODAY)
    assert result.main_challenge is C.UNDEFINED_PROJECT
    assert step(result, C.UNDEFINED_PROJECT) == (NEEDS, ["projects[0].target_job"])
    assert step(result, C.STUCK_MARKET) == (NOT_RELEVANT, ["projects[0].target_job"])
    assert "métier cible" in result.sentence.fr
    assert "target job" in result.sentence.en


def test_project_said_unclear_is_undefined_project() -> None:
    result = run(profile(has_clear_project=False))
    assert result.main_challenge is C.UNDEFINED_PROJECT
    assert step(result, C.UNDEFINED_PROJECT) == (NEEDS, [])
    assert "not clear" in result.sentence.en


def test_unknown_clarity_passes_but_asks_for_it() -> None:
    result = run(profile(has_clear_project=None))
    assert result.main_challenge is C.BRAVO
    assert step(result, C.UNDEFINED_PROJECT) == (PASSED, ["projects[0].has_clear_project"])


# --- 2. stuck-market


def test_exactly_three_offers_per_ten_candidates_is_stuck() -> None:
    result = run(profile(), market(3.0))
    assert result.main_challenge is C.STUCK_MARKET
    assert result.sentence.fr.startswith("Votre marché est saturé : 3 offres pour 10 candidats")
    assert "3 offers for 10 candidates" in result.sentence.en


def test_just_above_three_offers_is_not_stuck() -> None:
    result = run(profile(), market(3.01))
    assert step(result, C.STUCK_MARKET) == (PASSED, [])
    assert result.main_challenge is C.BRAVO


@pytest.mark.parametrize(
    ("offers", "fr", "en"),
    [
        (2.0, "2 offres pour 10 candidats", "2 offers for 10 candidates"),
        (2.5, "2,5 offres pour 10 candidats", "2.5 offers for 10 candidates"),
        (1.0, "1 offre pour 10 candidats", "1 offer for 10 candidates"),
        (0.44, "0,4 offre pour 10 candidats", "0.4 offers for 10 candidates"),
    ],
)
def test_stuck_sentence_names_the_ratio(offers: float, fr: str, en: str) -> None:
    result = run(profile(), market(offers, job_group_name="Assistanat de direction"))
    assert fr in result.sentence.fr
    assert en in result.sentence.en
    # M1607 is named in English from our table, in French by its ROME title.
    assert "for secretarial work in Haute-Garonne" in result.sentence.en
    assert "pour « Assistanat de direction » en Haute-Garonne" in result.sentence.fr


def test_no_offers_at_all_is_stuck() -> None:
    result = run(profile(), market(0.0))
    assert result.main_challenge is C.STUCK_MARKET
    assert "aucune offre" in result.sentence.fr
    assert "no offers at all" in result.sentence.en


@pytest.mark.parametrize("facts", [None, market(None)], ids=["no facts", "missing tension data"])
def test_missing_market_data_is_not_a_blocker_and_is_noted(facts: MarketFacts | None) -> None:
    result = diagnose(profile(), facts, TODAY)
    assert step(result, C.STUCK_MARKET) == (NOT_RELEVANT, [])
    assert result.main_challenge is C.BRAVO
    assert "Pas de statistiques de marché" in result.sentence.fr
    assert "No market statistics" in result.sentence.en
    assert "market" not in result.sub_scores


# --- 3. find-what-you-like


# The cases of the original's own tests (bayesimpact/bob-emploi frontend/server/test/categories_test.py,
# FindWhatYouLikeTestCase); the builder's market has 5 offers per 10 candidates, "competitive enough".
ALIMENTARY = PassionLevel.ALIMENTARY_JOB
LIKEABLE = PassionLevel.LIKEABLE_JOB


def fwyl(age: int = 35, frustrations: tuple[Frustration, ...] = (), **project: Any) -> tuple[TrainStatus, list[str]]:
    settled: dict[str, Any] = {
        "passion_level": ALIMENTARY, "seniority": Seniority.JUNIOR, "job_search_started_at": started(45),
        "previous_job_similarity": PreviousJobSimilarity.NEVER_DONE,
    }
    return step(run(profile(age=age, frustrations=frustrations, **(settled | project))), C.FIND_WHAT_YOU_LIKE)


def test_young_inexperienced_person_in_a_job_not_liked_should_find_what_they_like() -> None:
    result = run(profile(age=25, passion_level=ALIMENTARY, seniority=Seniority.JUNIOR))
    assert result.main_challenge is C.FIND_WHAT_YOU_LIKE
    assert "25 ans" in result.sentence.fr


def test_young_but_experienced_passes() -> None:
    assert fwyl(age=25, seniority=Seniority.SENIOR) == (PASSED, [])
    assert fwyl(age=30, seniority=Seniority.INTERMEDIARY) == (NEEDS, [])
    assert fwyl(age=25, seniority=None) == (NOT_RELEVANT, ["projects[0].seniority"])


def test_a_passionating_job_or_an_easy_market_passes() -> None:
    assert fwyl(passion_level=PassionLevel.PASSIONATING_JOB) == (PASSED, [])
    assert step(run(profile(age=20, passion_level=ALIMENTARY), market(7.0)), C.FIND_WHAT_YOU_LIKE) == (PASSED, [])


def test_older_person_aiming_at_a_never_done_job_early_in_the_search_needs_it() -> None:
    assert fwyl() == (NEEDS, [])
    assert fwyl(previous_job_similarity=PreviousJobSimilarity.DONE_SIMILAR) == (PASSED, [])
    assert fwyl(previous_job_similarity=PreviousJobSimilarity.DONE_SIMILAR, kind=ProjectKind.REORIENTATION) == (
        NEEDS, []
    )


@pytest.mark.parametrize(("days", "status"), [(60, NEEDS), (61, PASSED)])  # 2 months = 61 days
def test_searching_for_two_months_passes(days: int, status: TrainStatus) -> None:
    assert fwyl(job_search_started_at=started(days)) == (status, [])


def test_an_employed_person_searches_for_six_months_before_it_passes() -> None:
    assert fwyl(kind=ProjectKind.FIND_ANOTHER_JOB, job_search_started_at=started(120)) == (NEEDS, [])
    assert fwyl(kind=ProjectKind.FIND_ANOTHER_JOB, job_search_started_at=started(184)) == (PASSED, [])


def test_reorienting_after_a_long_search_passes() -> None:
    assert fwyl(kind=ProjectKind.REORIENTATION, job_search_started_at=started(213)) == (PASSED, [])


def test_search_not_started_for_a_never_done_job_needs_it_only_without_motivation() -> None:
    not_started: dict[str, Any] = {
        "job_search_started_at": None, "job_search_has_not_started": True, "passion_level": LIKEABLE,
    }
    assert fwyl(**not_started) == (PASSED, [])
    assert fwyl(frustrations=(Frustration.MOTIVATION,), **not_started) == (NEEDS, [])


def test_a_company_creator_needs_it_only_without_motivation() -> None:
    creator: dict[str, Any] = {"kind": ProjectKind.CREATE_OR_TAKE_OVER_COMPANY, "passion_level": LIKEABLE}
    assert fwyl(**creator) == (PASSED, [])
    assert fwyl(frustrations=(Frustration.MOTIVATION,), **creator) == (NEEDS, [])


def test_unknown_answers_that_would_change_the_outcome_are_named() -> None:
    assert fwyl(passion_level=None) == (NOT_RELEVANT, ["projects[0].passion_level"])
    assert fwyl(previous_job_similarity=None) == (NOT_RELEVANT, ["projects[0].previous_job_similarity"])
    assert fwyl(job_search_started_at=None) == (NOT_RELEVANT, ["projects[0].job_search_started_at"])
    # Unknown, but nothing it could be would change the outcome: an easy market passes anyway.
    assert step(run(profile(passion_level=None), market(8.0)), C.FIND_WHAT_YOU_LIKE) == (PASSED, [])


def test_reorientation_sentence() -> None:
    result = run(profile(age=45, kind=ProjectKind.REORIENTATION, passion_level=LIKEABLE,
                         job_search_started_at=started(20)))
    assert result.main_challenge is C.FIND_WHAT_YOU_LIKE
    assert "reconversion" in result.sentence.fr


# --- 4. missing-diploma

BTS_45 = (("BTS_DUT_DEUG", 45.0),)


def test_required_diploma_above_the_persons_and_unsure_is_missing_diploma() -> None:
    result = run(profile(training_fulfillment=TrainingFulfillment.NOT_SURE), market(requirements=BTS_45))
    assert result.main_challenge is C.MISSING_DIPLOMA
    assert "45 % des offres" in result.sentence.fr
    assert "45% of offers" in result.sentence.en
    assert "BTS" in result.sentence.en


@pytest.mark.parametrize(("percent", "status"), [(30.0, NEEDS), (29.9, PASSED)])
def test_diploma_share_threshold_is_30_percent(percent: float, status: TrainStatus) -> None:
    result = run(
        profile(training_fulfillment=TrainingFulfillment.NOT_SURE),
        market(requirements=(("BTS_DUT_DEUG", percent), ("NO_DEGREE", 70.0 - percent))),
    )
    assert step(result, C.MISSING_DIPLOMA) == (status, [])


@pytest.mark.parametrize(
    ("training", "status"),
    [
        # As the original's _MissingDiplomaFilter: experience does not replace a diploma (that is the VAE).
        (TrainingFulfillment.CURRENTLY_IN_TRAINING, PASSED),
        (TrainingFulfillment.ENOUGH_DIPLOMAS, PASSED),
        (TrainingFulfillment.ENOUGH_EXPERIENCE, NEEDS),
        (TrainingFulfillment.NO_TRAINING_REQUIRED, NEEDS),
    ],
)
def test_training_answer_decides_the_diploma_rule(training: TrainingFulfillment, status: TrainStatus) -> None:
    result = run(profile(training_fulfillment=training), market(requirements=BTS_45))
    assert step(result, C.MISSING_DIPLOMA) == (status, [])


def test_company_creators_and_old_experts_need_no_diploma() -> None:
    unsure: dict[str, Any] = {"training_fulfillment": TrainingFulfillment.NOT_SURE}
    creator = run(profile(kind=ProjectKind.CREATE_OR_TAKE_OVER_COMPANY, **unsure), market(requirements=BTS_45))
    assert step(creator, C.MISSING_DIPLOMA) == (PASSED, [])
    expert: dict[str, Any] = {"seniority": Seniority.EXPERT, **unsure}
    assert step(run(profile(age=50, **expert), market(requirements=BTS_45)), C.MISSING_DIPLOMA) == (PASSED, [])
    assert step(run(profile(age=49, **expert), market(requirements=BTS_45)), C.MISSING_DIPLOMA) == (NEEDS, [])


def test_unknown_training_counts_as_unsure_and_is_named() -> None:
    result = run(profile(training_fulfillment=None), market(requirements=BTS_45))
    assert step(result, C.MISSING_DIPLOMA) == (NEEDS, ["projects[0].training_fulfillment"])


def test_a_degree_at_the_required_level_passes() -> None:
    result = run(
        profile(degree=Degree.BTS_DUT_DEUG, training_fulfillment=TrainingFulfillment.NOT_SURE),
        market(requirements=BTS_45),
    )
    assert step(result, C.MISSING_DIPLOMA) == (PASSED, [])


def test_unknown_degree_is_not_relevant_and_named() -> None:
    result = run(
        profile(degree=None, training_fulfillment=TrainingFulfillment.NOT_SURE), market(requirements=BTS_45)
    )
    assert step(result, C.MISSING_DIPLOMA) == (NOT_RELEVANT, ["highest_degree"])


@pytest.mark.parametrize("requirements", [(), (("PHD_OF_SOMETHING", 90.0),)], ids=["none", "unknown degree"])
def test_no_usable_requirement_data_is_not_relevant(requirements: tuple[tuple[str, float], ...]) -> None:
    result = run(profile(training_fulfillment=TrainingFulfillment.NOT_SURE), market(requirements=requirements))
    assert step(result, C.MISSING_DIPLOMA) == (NOT_RELEVANT, [])


# --- 5. start-your-search


def test_search_not_started_is_start_your_search() -> None:
    result = run(profile(job_search_started_at=None, job_search_has_not_started=True))
    assert result.main_challenge is C.START_YOUR_SEARCH
    assert step(result, C.ENHANCE_METHODS_TO_INTERVIEW) == (NOT_RELEVANT, [])
    assert "pas encore commencé" in result.sentence.fr


def test_unknown_search_start_is_named() -> None:
    result = run(profile(job_search_started_at=None))
    assert step(result, C.START_YOUR_SEARCH) == (NOT_RELEVANT, ["projects[0].job_search_started_at"])
    assert step(result, C.ENHANCE_METHODS_TO_INTERVIEW) == (NOT_RELEVANT, ["projects[0].job_search_started_at"])
    assert result.missing_fields == ["projects[0].job_search_started_at"]


# --- 6. enhance-methods-to-interview


@pytest.mark.parametrize(
    ("days", "interviews", "status"),
    [
        (305, 9, NEEDS),  # 10 months: 0.9 a month
        (305, 10, PASSED),  # exactly 1 a month
        (183, 5, NEEDS),  # 6 months: 0.83 a month
        (183, 7, PASSED),  # 1.17 a month
        (30, 0, NOT_RELEVANT),  # under a month: too early to judge
        (31, 0, NEEDS),
    ],
)
def test_interviews_per_month_threshold(days: int, interviews: int, status: TrainStatus) -> None:
    result = run(profile(job_search_started_at=started(days), total_interview_count=interviews))
    assert step(result, C.ENHANCE_METHODS_TO_INTERVIEW) == (status, [])


def test_enhance_methods_sentence_names_interviews_and_months() -> None:
    result = run(profile(job_search_started_at=started(183), total_interview_count=2))
    assert result.main_challenge is C.ENHANCE_METHODS_TO_INTERVIEW
    assert result.sentence.fr.startswith("2 entretiens en 6 mois")
    assert result.sentence.en.startswith("2 interviews in 6 months")


def test_unknown_interview_count_is_named() -> None:
    result = run(profile(total_interview_count=None))
    assert step(result, C.ENHANCE_METHODS_TO_INTERVIEW) == (NOT_RELEVANT, ["projects[0].total_interview_count"])


def test_search_start_after_the_diagnosis_date_counts_as_just_started() -> None:
    result = diagnose(profile(job_search_started_at=TODAY), market(), TODAY.replace(year=TODAY.year - 1))
    assert step(result, C.ENHANCE_METHODS_TO_INTERVIEW) == (NOT_RELEVANT, [])
    assert result.sub_scores["search_length"] == 100


# --- 7. bravo


def test_bravo_says_what_is_unknown_instead_of_nothing_blocks() -> None:
    result = run(profile(passion_level=None, age=28, seniority=None, total_interview_count=None))
    assert result.main_challenge is C.BRAVO
    assert result.sentence.fr == (
        "Rien ne bloque d'après vos réponses, mais nous ne savons pas encore ce que ce métier représente pour vous, "
        "quelle expérience vous avez de ce métier et combien d'entretiens vous avez passés : "
        "complétez votre profil pour en être sûrs."
    )
    assert "we do not know yet what this job means to you" in result.sentence.en
    assert run(profile()).sentence.en.startswith("Nothing is blocking you")


# --- every headline says what is unknown

UNSURE_YOUNG: dict[str, Any] = {"passion_level": None, "seniority": None}  # at 28, both decide find-what-you-like


@pytest.mark.parametrize(
    ("challenge", "p", "m"),
    [
        (C.UNDEFINED_PROJECT, profile(age=28, has_clear_project=False, **UNSURE_YOUNG), None),
        (C.STUCK_MARKET, profile(age=28, **UNSURE_YOUNG), market(2.0)),
        (C.FIND_WHAT_YOU_LIKE, profile(passion_level=PassionLevel.ALIMENTARY_JOB, kind=ProjectKind.REORIENTATION,
                                       job_search_started_at=started(20), degree=None, training_fulfillment=None),
         market(requirements=(("BAC_BACPRO", 60.0),))),
        (C.MISSING_DIPLOMA, profile(degree=Degree.NO_DEGREE, training_fulfillment=None),
         market(requirements=(("BAC_BACPRO", 60.0),))),
        (C.START_YOUR_SEARCH, profile(age=28, job_search_started_at=None, job_search_has_not_started=True,
                                      **UNSURE_YOUNG), None),
        (C.ENHANCE_METHODS_TO_INTERVIEW, profile(age=28, total_interview_count=1, **UNSURE_YOUNG), None),
    ],
    ids=lambda value: value.value if isinstance(value, ChallengeId) else "",
)
def test_every_headline_names_the_decisive_answers_that_are_unknown(
    challenge: ChallengeId, p: ProfileIn, m: MarketFacts | None
) -> None:
    result = run(p, m)

    assert result.main_challenge is challenge
    assert result.missing_fields
    unknown = texts.still_unknown(result.missing_fields)
    assert result.sentence.fr.endswith(f" {unknown.fr}")
    assert result.sentence.en.endswith(f" {unknown.en}")
    assert unknown.fr.startswith("Nous ne savons pas encore ")
    assert unknown.en.startswith("We do not know yet ")


def test_a_stuck_market_headline_names_the_unknown_answers_in_words() -> None:
    result = run(profile(age=28, **UNSURE_YOUNG), market(2.0))

    assert result.sentence.fr == (
        "Votre marché est saturé : 2 offres pour 10 candidats pour ce métier en Haute-Garonne. Nous ne savons pas "
        "encore ce que ce métier représente pour vous et quelle expérience vous avez de ce métier : complétez votre "
        "profil pour affiner ce diagnostic."
    )
    assert result.sentence.en.endswith(
        " We do not know yet what this job means to you and how experienced you are in this job: complete your "
        "profile to refine this diagnosis."
    )


def test_headlines_without_unknown_answers_stay_short() -> None:
    for p, m in ((profile(), market(2.0)), (profile(total_interview_count=1), None)):
        result = run(p, m)
        assert result.missing_fields == []
        assert "ne savons pas" not in result.sentence.fr
        assert "do not know" not in result.sentence.en


def test_undefined_project_does_not_repeat_that_no_job_is_chosen() -> None:
    result = diagnose(profile(target_job=None), None, TODAY)

    assert result.missing_fields == ["projects[0].target_job"]
    assert "ne savons pas" not in result.sentence.fr


def test_every_missing_field_the_rules_name_has_words() -> None:
    fields = [value for name, value in vars(situation).items() if name.startswith("F_")]

    assert len(fields) == 9
    for field in fields:
        assert texts.unknown_answers([field]).fr
