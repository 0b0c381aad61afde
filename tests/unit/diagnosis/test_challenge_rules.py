"""Each challenge rule on its own, with its edges, read from the train of `diagnose`."""

from __future__ import annotations

import pytest

from services.diagnosis.domain.challenges import diagnose
from shared.schemas.diagnosis import ChallengeId, DiagnosisResult, TrainStatus
from shared.schemas.market import MarketFacts
from shared.schemas.profile import (
    Degree,
    PassionLevel,
    ProfileIn,
    ProjectKind,
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


def test_young_person_in_a_job_not_liked_should_find_what_they_like() -> None:
    result = run(profile(age=24, passion_level=PassionLevel.LIKEABLE_JOB))
    assert result.main_challenge is C.FIND_WHAT_YOU_LIKE
    assert "24" in result.sentence.fr


def test_at_25_with_a_long_search_the_rule_passes() -> None:
    result = run(profile(age=25, passion_level=PassionLevel.ALIMENTARY_JOB))
    assert step(result, C.FIND_WHAT_YOU_LIKE) == (PASSED, [])


@pytest.mark.parametrize(("days", "status"), [(91, NEEDS), (92, PASSED)])  # 3 months = 91.5 days
def test_early_search_threshold_is_three_months(days: int, status: TrainStatus) -> None:
    result = run(profile(age=40, passion_level=PassionLevel.ALIMENTARY_JOB, job_search_started_at=started(days)))
    assert step(result, C.FIND_WHAT_YOU_LIKE) == (status, [])


def test_search_not_started_counts_as_early() -> None:
    result = run(
        profile(
            age=40,
            passion_level=PassionLevel.ALIMENTARY_JOB,
            job_search_started_at=None,
            job_search_has_not_started=True,
        )
    )
    assert result.main_challenge is C.FIND_WHAT_YOU_LIKE


def test_an_easy_market_passes_the_rule() -> None:
    result = run(profile(age=20, passion_level=PassionLevel.ALIMENTARY_JOB), market(7.0))
    assert step(result, C.FIND_WHAT_YOU_LIKE) == (PASSED, [])


def test_a_passionating_job_passes_the_rule() -> None:
    result = run(profile(age=20, passion_level=PassionLevel.PASSIONATING_JOB))
    assert step(result, C.FIND_WHAT_YOU_LIKE) == (PASSED, [])


def test_reorientation_needs_to_find_what_you_like_even_when_old_and_searching_long() -> None:
    result = run(profile(age=45, kind=ProjectKind.REORIENTATION, passion_level=PassionLevel.LIKEABLE_JOB))
    assert result.main_challenge is C.FIND_WHAT_YOU_LIKE
    assert "reconversion" in result.sentence.fr


def test_reorientation_towards_a_life_goal_passes() -> None:
    result = run(profile(kind=ProjectKind.REORIENTATION, passion_level=PassionLevel.LIFE_GOAL_JOB))
    assert step(result, C.FIND_WHAT_YOU_LIKE) == (PASSED, [])


def test_reorientation_with_unknown_passion_needs_attention_and_asks_for_it() -> None:
    result = run(profile(kind=ProjectKind.REORIENTATION, passion_level=None))
    assert step(result, C.FIND_WHAT_YOU_LIKE) == (NEEDS, ["projects[0].passion_level"])


def test_unknown_passion_of_a_young_person_is_not_relevant_and_named() -> None:
    result = run(profile(age=20, passion_level=None))
    assert step(result, C.FIND_WHAT_YOU_LIKE) == (NOT_RELEVANT, ["projects[0].passion_level"])


def test_unknown_search_start_of_an_adult_in_a_job_not_liked_is_named() -> None:
    result = run(profile(age=40, passion_level=PassionLevel.ALIMENTARY_JOB, job_search_started_at=None))
    assert step(result, C.FIND_WHAT_YOU_LIKE) == (NOT_RELEVANT, ["projects[0].job_search_started_at"])


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
        (TrainingFulfillment.CURRENTLY_IN_TRAINING, NEEDS),
        (TrainingFulfillment.ENOUGH_EXPERIENCE, PASSED),
        (TrainingFulfillment.ENOUGH_DIPLOMAS, PASSED),
        (TrainingFulfillment.NO_TRAINING_REQUIRED, PASSED),
    ],
)
def test_training_answer_decides_the_diploma_rule(training: TrainingFulfillment, status: TrainStatus) -> None:
    result = run(profile(training_fulfillment=training), market(requirements=BTS_45))
    assert step(result, C.MISSING_DIPLOMA) == (status, [])


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
