import pytest

from services.diagnosis.domain import scores
from services.diagnosis.domain.challenges import diagnose
from shared.schemas.profile import AreaType
from tests.unit.diagnosis.builders import TODAY, market, profile


@pytest.mark.parametrize(
    ("months", "expected"),
    [(0, 100), (1.5, 75), (3, 50), (4.5, 40), (6, 30), (9, 15), (12, 0), (40, 0), (-1, 100), (None, None)],
)
def test_search_length_score(months: float | None, expected: float | None) -> None:
    assert scores.search_length_score(months) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("per_month", "expected"), [(0, 0), (1, 15), (2.5, 37.5), (6.6, 99), (7, 100), (20, 100), (None, None)]
)
def test_interviews_score(per_month: float | None, expected: float | None) -> None:
    assert scores.interviews_score(per_month) == pytest.approx(expected)


@pytest.mark.parametrize(("offers", "expected"), [(0, 0), (3, 30), (4.5, 45), (10, 100), (15, 100), (None, None)])
def test_market_score(offers: float | None, expected: float | None) -> None:
    assert scores.market_score(offers) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("days", "expected"),
    [(0, 100), (100, 100 * (1 - (100 / 365) ** 0.7)), (365, 0), (730, 0), (None, None)],
)
def test_return_to_employment_score(days: int | None, expected: float | None) -> None:
    assert scores.return_to_employment_score(days) == pytest.approx(expected)


@pytest.mark.parametrize(("level", "expected"), [(1, 0), (2, 60), (3, 100), (None, None)])
def test_network_score(level: int | None, expected: float | None) -> None:
    assert scores.network_score(level) == expected


@pytest.mark.parametrize(
    ("area", "expected"),
    [
        (AreaType.CITY, 0),
        (AreaType.DEPARTEMENT, 50),
        (AreaType.REGION, 70),
        (AreaType.COUNTRY, 100),
        (AreaType.WORLD, 100),
        (None, None),
    ],
)
def test_mobility_score(area: AreaType | None, expected: float | None) -> None:
    assert scores.mobility_score(area) == expected


def test_diagnosis_reports_the_known_sub_scores() -> None:
    result = diagnose(profile(total_interview_count=12), market(4.5, typical_unemployment_days=0), TODAY)
    assert result.sub_scores == pytest.approx(
        {
            "search_length": 30.0,
            "interviews": 30.0,  # 12 interviews in 6 months
            "market": 45.0,
            "return_to_employment": 100.0,
            "network": 60.0,
            "mobility": 50.0,
        }
    )


def test_diagnosis_leaves_unknown_sub_scores_out() -> None:
    result = diagnose(profile(job_search_started_at=None, network_estimate=None), None, TODAY)
    assert set(result.sub_scores) == {"mobility"}
