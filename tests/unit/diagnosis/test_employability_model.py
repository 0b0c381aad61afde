from __future__ import annotations

import math

import numpy as np
import pytest

from services.diagnosis.model.artifact import ARTIFACT_PATH, MODEL_VERSION
from services.diagnosis.model.employability import MAX_EXPECTED_MONTHS, EmployabilityModel, expected_months
from services.diagnosis.model.features import FEATURE_NAMES, INDICATORS, feature_matrix
from shared.schemas.market import MarketFacts
from shared.schemas.profile import AreaType, ProfileIn, Seniority
from tests.unit.diagnosis.builders import TODAY, market, profile


@pytest.fixture(scope="module")
def model() -> EmployabilityModel:
    return EmployabilityModel.load()


ITEMS: list[tuple[ProfileIn, MarketFacts | None]] = [
    (profile(), market()),
    (profile(age=60, network_estimate=1), market(1.5)),
    (profile(age=22, seniority=Seniority.NO_SENIORITY, total_interview_count=None), None),
    (profile(target_job=None), None),
    (profile(job_search_started_at=None, job_search_has_not_started=True), market(0.0)),
    (profile(mobility_area=AreaType.WORLD, network_estimate=3, total_interview_count=60), market(12.0)),
]


def test_committed_artifact_is_small_and_loads(model: EmployabilityModel) -> None:
    assert ARTIFACT_PATH.stat().st_size < 100_000
    assert model.version == MODEL_VERSION


def test_predictions_are_probabilities_with_consistent_expected_months(model: EmployabilityModel) -> None:
    for e in model.predict_many(ITEMS, TODAY):
        p = e.probability_back_to_work_3_months
        assert 0 < p < 1
        assert e.expected_months == pytest.approx(min(MAX_EXPECTED_MONTHS, 3 / -math.log(1 - p)))
        assert e.model_version == MODEL_VERSION


def test_batch_equals_one_by_one(model: EmployabilityModel) -> None:
    batch = model.predict_many(ITEMS, TODAY)
    single = [model.predict_many([item], TODAY)[0] for item in ITEMS]
    assert batch == single


def test_numpy_evaluation_matches_the_sklearn_pipeline(model: EmployabilityModel) -> None:
    features = feature_matrix(ITEMS, TODAY)
    ours = [e.probability_back_to_work_3_months for e in model.predict_many(ITEMS, TODAY)]
    assert ours == pytest.approx(model.pipeline.predict_proba(features)[:, 1].tolist(), abs=1e-12)


def test_stuck_market_lowers_the_probability_all_else_equal(model: EmployabilityModel) -> None:
    person = profile()
    stuck, normal, easy, no_offers = model.predict_many(
        [(person, market(2.0)), (person, market(5.0)), (person, market(9.0)), (person, market(0.0))], TODAY
    )
    chances = [e.probability_back_to_work_3_months for e in (no_offers, stuck, normal, easy)]
    assert chances == sorted(chances)
    assert len(set(chances)) == 4
    assert stuck.expected_months > easy.expected_months


def test_top_factors_are_the_three_largest_contributions(model: EmployabilityModel) -> None:
    (e,) = model.predict_many([(profile(age=60, target_job=None), None)], TODAY)
    assert len(e.top_factors) == 3
    magnitudes = [abs(f.contribution) for f in e.top_factors]
    assert magnitudes == sorted(magnitudes, reverse=True)
    features = feature_matrix([(profile(age=60, target_job=None), None)], TODAY)
    absent = np.array([name in INDICATORS for name in FEATURE_NAMES]) & (features[0] == 0)
    explainable = np.abs(model.contributions(features)[0])[~absent]
    assert magnitudes[0] == pytest.approx(explainable.max())
    assert {f.feature for f in e.top_factors} <= set(FEATURE_NAMES)
    age = next(f for f in e.top_factors if f.feature == "age_58_plus")
    assert age.contribution < 0
    assert age.label.fr == "58 ans ou plus"


def test_a_yes_no_factor_only_explains_people_for_whom_it_is_true(model: EmployabilityModel) -> None:
    young, old = model.predict_many(
        [(profile(age=36, target_job=None), None), (profile(age=60, target_job=None), None)], TODAY
    )
    ages = {"age_under_25", "age_50_to_57", "age_58_plus"}
    assert not {f.feature for f in young.top_factors} & ages
    assert "age_58_plus" in {f.feature for f in old.top_factors}


def test_expected_months_is_capped_and_decreasing() -> None:
    months = expected_months(np.array([0.0, 0.05, 0.5, 0.95, 1.0]))
    assert months[0] == MAX_EXPECTED_MONTHS
    assert list(months) == sorted(months, reverse=True)
    assert months[2] == pytest.approx(3 / math.log(2))
    assert months[-1] >= 0


def test_empty_batch(model: EmployabilityModel) -> None:
    assert model.predict_many([], TODAY) == []


def test_an_artifact_trained_on_other_features_is_refused(model: EmployabilityModel) -> None:
    with pytest.raises(ValueError, match="retrain"):
        EmployabilityModel(model.pipeline, [*FEATURE_NAMES, "extra"], "employability-v0")
