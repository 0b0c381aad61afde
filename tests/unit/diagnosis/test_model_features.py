from __future__ import annotations

import math

import numpy as np
import pytest

from services.diagnosis.model.features import (
    FEATURE_LABELS,
    FEATURE_NAMES,
    TYPICAL_INTERVIEWS_PER_MONTH,
    TYPICAL_OFFERS_PER_10,
    feature_matrix,
    feature_row,
)
from shared.schemas.market import MarketFacts
from shared.schemas.profile import Frustration, ProfileIn, TrainingFulfillment
from tests.unit.diagnosis.builders import TODAY, market, profile


def features(p: ProfileIn, m: MarketFacts | None) -> dict[str, float]:
    return dict(zip(FEATURE_NAMES, feature_row(p, m, TODAY), strict=True))


def test_every_feature_has_a_label_in_both_languages() -> None:
    assert len(FEATURE_LABELS) == len(FEATURE_NAMES)
    assert all(label.fr and label.en for label in FEATURE_LABELS)


def test_known_values() -> None:
    f = features(profile(age=52, total_interview_count=12), market(4.0))
    assert f["market_log_offers"] == pytest.approx(math.log(4.0))
    assert f["market_missing"] == f["market_no_offers"] == 0
    assert f["search_log_months"] == pytest.approx(math.log1p(6.0))
    assert f["interviews_log_per_month"] == pytest.approx(math.log1p(2.0))
    assert (f["age_under_25"], f["age_50_to_57"], f["age_58_plus"]) == (0, 1, 0)


@pytest.mark.parametrize(("facts", "missing", "no_offers"), [(None, 1, 0), (market(None), 1, 0), (market(0.0), 0, 1)])
def test_market_gaps_are_imputed_and_flagged(facts: MarketFacts | None, missing: int, no_offers: int) -> None:
    f = features(profile(), facts)
    assert f["market_log_offers"] == pytest.approx(math.log(TYPICAL_OFFERS_PER_10))
    assert (f["market_missing"], f["market_no_offers"]) == (missing, no_offers)


def test_unknown_search_and_interviews_are_flagged() -> None:
    f = features(profile(job_search_started_at=None, total_interview_count=None), market())
    assert f["search_unknown"] == f["interviews_missing"] == 1
    assert f["interviews_log_per_month"] == pytest.approx(math.log1p(TYPICAL_INTERVIEWS_PER_MONTH))


def test_search_not_started_has_no_interviews_and_no_missing_flag() -> None:
    f = features(profile(job_search_started_at=None, job_search_has_not_started=True), market())
    assert (f["search_not_started"], f["search_unknown"], f["interviews_missing"]) == (1, 0, 0)
    assert f["interviews_log_per_month"] == 0


def test_blockers_follow_the_rules() -> None:
    f = features(
        profile(has_clear_project=False, training_fulfillment=TrainingFulfillment.NOT_SURE),
        market(requirements=(("LICENCE_MAITRISE", 50.0),)),
    )
    assert f["project_undefined"] == f["diploma_gap"] == 1


def test_sensitive_frustrations_are_not_used() -> None:
    plain = features(profile(), market())
    sensitive = (Frustration.RACE_DISCRIMINATION, Frustration.SEX_DISCRIMINATION, Frustration.AGE_DISCRIMINATION)
    assert features(profile(frustrations=sensitive), market()) == plain
    counted = features(profile(frustrations=(Frustration.INTERVIEW, Frustration.AGE_DISCRIMINATION)), market())
    assert counted["blocker_count"] == 1


def test_matrix_stacks_the_rows() -> None:
    items = [(profile(age=20), market(2.0)), (profile(has_clear_project=None), None)]
    matrix = feature_matrix(items, TODAY)
    assert matrix.shape == (2, len(FEATURE_NAMES))
    assert np.array_equal(matrix[1], feature_row(*items[1], TODAY))
    assert feature_matrix([], TODAY).shape == (0, len(FEATURE_NAMES))
