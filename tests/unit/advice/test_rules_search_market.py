"""Rule kinds about the search, the market and the diagnosis, at their edge values."""

from __future__ import annotations

from typing import Any

import pytest

from services.advice.domain.phrases import render
from shared.schemas.diagnosis import Text
from tests.unit.advice.factories import evaluate, score, started_days_ago


def texts(rule_id: str, **overrides: Any) -> list[Text]:
    verdict = evaluate(rule_id, **overrides)
    assert verdict is not None
    return [render(item) for item in verdict[1]]


@pytest.mark.parametrize(("offers", "expected"), [(0.0, 3), (2.0, 3), (3.0, 3), (3.33, 0), (3.0001, 0), (8.0, 0)])
def test_for_stressed_market_reads_n_offers_for_10_candidates(offers: float, expected: int) -> None:
    assert score("for-stressed-market(10/3)", market={"offers_per_10_candidates": offers}) == expected


def test_for_stressed_market_with_other_thresholds() -> None:
    assert score("for-stressed-market(10/5)", market={"offers_per_10_candidates": 5.0}) == 3
    assert score("for-stressed-market(10/0)", market={"offers_per_10_candidates": 0.0}) == 3
    assert score("for-stressed-market(10/0)", market={"offers_per_10_candidates": 0.1}) == 0


@pytest.mark.parametrize(
    "overrides",
    [
        {"without_market": True},
        {"market": {"offers_per_10_candidates": None}},
    ],
)
def test_missing_market_figure_does_not_fire_either_way(overrides: dict[str, Any]) -> None:
    assert evaluate("for-stressed-market(10/3)", **overrides) is None
    assert evaluate("not-for-stressed-market(10/3)", **overrides) is None


def test_stressed_market_explains_with_figures() -> None:
    assert texts("for-stressed-market(10/3)", market={"offers_per_10_candidates": 2.0}) == [
        Text(
            fr="parce que votre marché compte 2 offres pour 10 candidats",
            en="because your market has 2 offers for 10 candidates",
        )
    ]
    [one] = texts("for-stressed-market(10/3)", market={"offers_per_10_candidates": 1.0})
    assert (one.fr, one.en) == (
        "parce que votre marché compte 1 offre pour 10 candidats",
        "because your market has 1 offer for 10 candidates",
    )
    [none] = texts("for-stressed-market(10/3)", market={"offers_per_10_candidates": 0.0})
    assert none.en == "because your market has no offers at all right now"
    [decimal] = texts("for-stressed-market(10/3)", market={"offers_per_10_candidates": 1.5})
    assert "1,5 offre pour" in decimal.fr
    assert "1.5 offers for" in decimal.en


def test_not_stressed_market_keeps_the_figure_as_reason() -> None:
    [reason] = texts("not-for-stressed-market(10/3)", market={"offers_per_10_candidates": 7.5})
    assert reason.en == "because your market has 7.5 offers for 10 candidates"


@pytest.mark.parametrize(("days", "expected"), [(183, 3), (182, 0), (1000, 3)])
def test_for_long_search_at_six_months(days: int, expected: int) -> None:
    # 183 days / 30.5 = exactly 6 months.
    assert score("for-long-search(6)", project={"job_search_started_at": started_days_ago(days)}) == expected


def test_for_long_search_without_a_started_search() -> None:
    not_started = {"job_search_started_at": None, "job_search_has_not_started": True}
    assert score("for-long-search(6)", project=not_started) is None
    assert score("for-long-search(6)", project={"job_search_started_at": None}) is None
    assert score("not-for-long-search(6)", project=not_started) is None


def test_search_length_reason() -> None:
    [months] = texts("for-long-search(6)", project={"job_search_started_at": started_days_ago(250)})
    assert months == Text(fr="parce que vous cherchez depuis 8 mois", en="because you have been searching for 8 months")
    [one] = texts("for-long-search(6)", project={"job_search_started_at": started_days_ago(40)})
    assert one.en == "because you have been searching for 1 month"
    [fresh] = texts("for-long-search(6)", project={"job_search_started_at": started_days_ago(3)})
    assert fresh.en == "because you have been searching for less than a month"


def test_for_search_not_started() -> None:
    not_started = {"job_search_started_at": None, "job_search_has_not_started": True}
    assert score("for-search-not-started", project=not_started) == 3
    assert score("for-search-not-started") == 0
    assert score("for-search-not-started", project={"job_search_started_at": None}) is None


@pytest.mark.parametrize(
    ("applications", "expected"), [("SOME", 0), ("DECENT_AMOUNT", 3), ("A_LOT", 3), (None, None)]
)
def test_for_many_applications_is_at_least(applications: str | None, expected: int | None) -> None:
    assert score("for-many-applications(DECENT_AMOUNT)", project={"weekly_applications": applications}) == expected


@pytest.mark.parametrize(
    ("days", "interviews", "expected"),
    [
        (122, 1, 3),  # 4 months, 0.25 a month
        (122, 2, 0),  # 0.5 a month is not fewer than 0.5
        (10, 0, 3),  # the first month counts as a full one
        (10, 1, 0),
    ],
)
def test_for_few_interviews_per_month(days: int, interviews: int, expected: int) -> None:
    project = {"job_search_started_at": started_days_ago(days), "total_interview_count": interviews}
    assert score("for-few-interviews-per-month(0.5)", project=project) == expected


def test_few_interviews_per_month_needs_both_figures() -> None:
    assert score("for-few-interviews-per-month(0.5)", project={"total_interview_count": None}) is None
    assert score("for-few-interviews-per-month(0.5)", project={"job_search_started_at": None}) is None


def test_interview_rate_reason() -> None:
    project = {"job_search_started_at": started_days_ago(122), "total_interview_count": 1}
    [rate] = texts("for-few-interviews-per-month(0.5)", project=project)
    assert rate == Text(
        fr="parce que vous avez obtenu 1 entretien en 4 mois de recherche",
        en="because you got 1 interview in 4 months of searching",
    )


@pytest.mark.parametrize(("interviews", "expected"), [(4, 0), (5, 3), (None, None)])
def test_for_many_interviews(interviews: int | None, expected: int | None) -> None:
    assert score("for-many-interviews(5)", project={"total_interview_count": interviews}) == expected


def missing_diploma(percent: float, degree: str = "BTS_DUT_DEUG", **project: object) -> int | None:
    return score(
        "for-missing-diploma",
        profile={"highest_degree": "BAC_BACPRO"},
        project={"training_fulfillment": "NOT_SURE", **project},
        market={"diploma_requirements": [{"degree": degree, "percent_offers": percent}]},
    )


def test_for_missing_diploma_threshold_is_30_percent() -> None:
    assert missing_diploma(30.0) == 3
    assert missing_diploma(29.9) == 0


def test_for_missing_diploma_needs_a_higher_degree() -> None:
    assert missing_diploma(80.0, degree="BAC_BACPRO") == 0
    assert missing_diploma(80.0, degree="CAP_BEP") == 0
    assert missing_diploma(80.0, degree="SOMETHING_ELSE") == 0


def test_for_missing_diploma_trusts_the_person_claiming_the_diplomas() -> None:
    assert missing_diploma(80.0, training_fulfillment="ENOUGH_DIPLOMAS") == 0
    assert missing_diploma(80.0, training_fulfillment="CURRENTLY_IN_TRAINING") == 0
    assert missing_diploma(80.0, training_fulfillment=None) == 3


def test_for_missing_diploma_without_data() -> None:
    assert score("for-missing-diploma", without_market=True) is None
    assert score("for-missing-diploma", market={"diploma_requirements": []}) is None
    assert score("for-missing-diploma", profile={"highest_degree": None}) is None


def test_missing_diploma_explains_the_share_and_the_degree() -> None:
    verdict = evaluate(
        "for-missing-diploma",
        profile={"highest_degree": "BAC_BACPRO"},
        project={"training_fulfillment": "NOT_SURE"},
        market={
            "diploma_requirements": [
                {"degree": "BTS_DUT_DEUG", "percent_offers": 45.4},
                {"degree": "LICENCE_MAITRISE", "percent_offers": 31},
            ]
        },
    )
    assert verdict is not None
    assert [render(item).en for item in verdict[1]] == [
        "because 45% of offers ask for at least a two-year degree",
        "because your highest degree is a baccalauréat",
    ]


def test_for_first_hiring_channel() -> None:
    assert score("for-first-hiring-channel(SPONTANEOUS)", market={"first_hiring_channel": "SPONTANEOUS"}) == 3
    assert score("for-first-hiring-channel(SPONTANEOUS)") == 0
    assert score("for-first-hiring-channel(SPONTANEOUS)", market={"first_hiring_channel": None}) is None
    assert score("for-first-hiring-channel(SPONTANEOUS)", without_market=True) is None


def test_for_close_jobs_less_stressed_names_them_with_their_figures() -> None:
    jobs = {"better_related_jobs": [
        {"rome_code": "M1602", "name": "Opérations administratives", "offers_per_10_candidates": 7.0},
        {"rome_code": "M1609", "name": "Standard", "offers_per_10_candidates": 6.0},
        {"rome_code": "M1604", "name": "Accueil", "offers_per_10_candidates": 5.5},
        {"rome_code": "M1605", "name": "Courrier", "offers_per_10_candidates": 5.1},
    ]}
    assert score("for-close-jobs-less-stressed", market=jobs) == 3
    assert score("for-close-jobs-less-stressed") == 0
    assert score("for-close-jobs-less-stressed", without_market=True) is None
    # Nothing to compare with: the person's own figure is unknown.
    assert score("for-close-jobs-less-stressed", market={**jobs, "offers_per_10_candidates": None}) is None
    [reason] = texts("for-close-jobs-less-stressed", market=jobs)
    assert reason.fr == (
        "parce que des métiers proches du vôtre recrutent davantage ici : « Opérations administratives » "
        "(7 offres pour 10 candidats), « Standard » (6 offres pour 10 candidats) et « Accueil » "
        "(5,5 offres pour 10 candidats)"
    )
    assert reason.en.startswith("because jobs close to yours hire more here: administrative office work (7 offers")
    assert "a business support job (French title «Standard»)" in reason.en


def test_for_better_departements_nearby_names_them() -> None:
    markets = {"better_departements": ["32", "82"], "better_departement_markets": [
        {"departement_id": "32", "offers_per_10_candidates": 6.5},
        {"departement_id": "82", "offers_per_10_candidates": 1.0},
    ]}
    assert score("for-better-departements-nearby", market=markets) == 3
    assert score("for-better-departements-nearby") == 0
    assert score("for-better-departements-nearby", without_market=True) is None
    [reason] = texts("for-better-departements-nearby", market=markets)
    assert reason.fr == (
        "parce que des départements de votre région recrutent davantage : le Gers "
        "(6,5 offres pour 10 candidats) et le Tarn-et-Garonne (1 offre pour 10 candidats)"
    )
    assert reason.en == (
        "because départements of your region hire more: Gers (6.5 offers for 10 candidates) and "
        "Tarn-et-Garonne (1 offer for 10 candidates)"
    )


def test_for_main_challenge() -> None:
    assert score("for-main-challenge(stuck-market)", challenge="stuck-market") == 3
    assert score("for-main-challenge(stuck-market)") == 0
    [reason] = texts("for-main-challenge(stuck-market)", challenge="stuck-market")
    assert reason.en == "because your diagnosis shows your job market is very crowded"
