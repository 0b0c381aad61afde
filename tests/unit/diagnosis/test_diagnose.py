"""`diagnose` as a whole: precedence, overall score ranges, missing fields, speed."""

from __future__ import annotations

from typing import Any

import pytest

from services.diagnosis.domain.challenges import diagnose
from services.diagnosis.domain.overall import OVERALL_RANGES
from shared.schemas.diagnosis import ChallengeId, DiagnosisResult, TrainStatus
from shared.schemas.profile import AreaType, Degree, PassionLevel, TrainingFulfillment
from tests.unit.diagnosis.builders import TODAY, market, profile, started

C = ChallengeId

# Every rule fires at first; each step fixes the current main challenge and reveals the next one.
EVERYTHING_WRONG: dict[str, Any] = {
    "age": 22,
    "degree": Degree.BAC_BACPRO,
    "has_clear_project": False,
    "passion_level": PassionLevel.ALIMENTARY_JOB,
    "training_fulfillment": TrainingFulfillment.NOT_SURE,
    "job_search_started_at": None,
    "job_search_has_not_started": True,
}
FIXES: list[tuple[ChallengeId, dict[str, Any], float]] = [
    (C.UNDEFINED_PROJECT, {}, 2.0),
    (C.STUCK_MARKET, {"has_clear_project": True}, 2.0),
    (C.FIND_WHAT_YOU_LIKE, {}, 5.0),
    (C.MISSING_DIPLOMA, {"passion_level": PassionLevel.LIFE_GOAL_JOB}, 5.0),
    (C.START_YOUR_SEARCH, {"training_fulfillment": TrainingFulfillment.ENOUGH_DIPLOMAS}, 5.0),
    (C.ENHANCE_METHODS_TO_INTERVIEW, {"job_search_has_not_started": False, "job_search_started_at": started(183)}, 5.0),
    (C.BRAVO, {"total_interview_count": 12}, 5.0),
]
REQUIREMENTS = (("BTS_DUT_DEUG", 60.0),)


def precedence_chain() -> list[tuple[ChallengeId, DiagnosisResult]]:
    fields = dict(EVERYTHING_WRONG, total_interview_count=2)
    results = []
    for expected, fix, offers in FIXES:
        fields.update(fix)
        results.append((expected, diagnose(profile(**fields), market(offers, requirements=REQUIREMENTS), TODAY)))
    return results


def test_main_challenge_is_the_first_rule_needing_attention_in_order() -> None:
    assert [result.main_challenge for _, result in precedence_chain()] == [expected for expected, _, _ in FIXES]


def test_all_blockers_show_in_the_train_at_once() -> None:
    _, first = precedence_chain()[0]
    statuses = {s.challenge: s.status for s in first.train}
    assert statuses == {
        C.UNDEFINED_PROJECT: TrainStatus.NEEDS_ATTENTION,
        C.STUCK_MARKET: TrainStatus.NEEDS_ATTENTION,
        C.FIND_WHAT_YOU_LIKE: TrainStatus.NEEDS_ATTENTION,
        C.MISSING_DIPLOMA: TrainStatus.NEEDS_ATTENTION,
        C.START_YOUR_SEARCH: TrainStatus.NEEDS_ATTENTION,
        C.ENHANCE_METHODS_TO_INTERVIEW: TrainStatus.NOT_RELEVANT,
        C.BRAVO: TrainStatus.NOT_RELEVANT,
    }


def test_train_has_the_seven_challenges_in_order_and_bravo_passes_only_when_main() -> None:
    for _, result in precedence_chain():
        assert [s.challenge for s in result.train] == list(ChallengeId)
        bravo = result.train[-1].status
        assert bravo is (TrainStatus.PASSED if result.main_challenge is C.BRAVO else TrainStatus.NOT_RELEVANT)


def test_overall_score_stays_in_the_range_of_the_main_challenge() -> None:
    for expected, result in precedence_chain():
        low, high = OVERALL_RANGES[expected]
        assert low <= result.overall_score <= high, expected


@pytest.mark.parametrize(
    ("challenge", "typical"),
    [
        (C.UNDEFINED_PROJECT, 25),
        (C.STUCK_MARKET, 40),
        (C.FIND_WHAT_YOU_LIKE, 61),
        (C.START_YOUR_SEARCH, 70),
        (C.BRAVO, 70),
    ],
)
def test_ranges_are_centred_on_the_domain_values(challenge: ChallengeId, typical: int) -> None:
    low, high = OVERALL_RANGES[challenge]
    assert (low + high) / 2 == typical


def test_missing_diploma_and_enhance_methods_ranges_follow_the_domain() -> None:
    assert OVERALL_RANGES[C.MISSING_DIPLOMA] == (55, 62)
    assert OVERALL_RANGES[C.ENHANCE_METHODS_TO_INTERVIEW] == (48, 68)


def test_better_sub_scores_raise_the_overall_score_within_a_challenge() -> None:
    weak = diagnose(
        profile(mobility_area=AreaType.CITY, network_estimate=1, total_interview_count=7), market(3.5), TODAY
    )
    strong = diagnose(
        profile(mobility_area=AreaType.COUNTRY, network_estimate=3, total_interview_count=40), market(9.0), TODAY
    )
    assert weak.main_challenge is strong.main_challenge is C.BRAVO
    assert weak.overall_score < strong.overall_score


def test_missing_fields_are_the_ordered_union_without_repeats() -> None:
    result = diagnose(
        profile(
            age=20,
            target_job=None,
            has_clear_project=None,
            passion_level=None,
            total_interview_count=None,
            training_fulfillment=None,
        ),
        None,
        TODAY,
    )
    assert result.missing_fields == [
        "projects[0].target_job",
        "projects[0].passion_level",
        "projects[0].total_interview_count",
    ]


def test_result_is_a_valid_contract_object_without_employability() -> None:
    result = diagnose(profile(), market(), TODAY)
    assert result.employability is None
    assert DiagnosisResult.model_validate_json(result.model_dump_json()) == result
