from __future__ import annotations

from pathlib import Path

import pytest
from sklearn.pipeline import Pipeline  # type: ignore[import-untyped]

from services.diagnosis.model import cohort, train
from services.diagnosis.model.artifact import MODEL_VERSION
from services.diagnosis.model.employability import EmployabilityModel
from services.diagnosis.model.train import CALIBRATION_BINS, Metrics

SMALL_COHORT = 6000  # about a second; enough for a stable held-out AUC


@pytest.fixture(scope="module")
def trained() -> tuple[Pipeline, Metrics]:
    return train.train_and_evaluate(SMALL_COHORT)


def test_held_out_metrics_reach_the_bar(trained: tuple[Pipeline, Metrics]) -> None:
    _, metrics = trained
    assert metrics.auc >= 0.7
    assert metrics.brier < metrics.base_rate * (1 - metrics.base_rate)  # beats always predicting the base rate
    assert metrics.auc <= metrics.oracle_auc + 0.02
    assert metrics.train_size + metrics.test_size == SMALL_COHORT


def test_calibration_table_covers_the_test_split_by_decile(trained: tuple[Pipeline, Metrics]) -> None:
    _, metrics = trained
    table = metrics.calibration
    assert len(table) == CALIBRATION_BINS
    assert sum(b.count for b in table) == metrics.test_size
    assert [b.mean_predicted for b in table] == sorted(b.mean_predicted for b in table)
    assert table[0].observed_rate < table[-1].observed_rate


def test_cohort_is_reproducible() -> None:
    first, second = cohort.generate_cohort(50), cohort.generate_cohort(50)
    assert [p.back_to_work for p in first] == [p.back_to_work for p in second]
    assert first[0].profile == second[0].profile
    assert [p.back_to_work for p in cohort.generate_cohort(50, seed=1)] != [p.back_to_work for p in first]


def test_artifact_round_trip_and_model_card(trained: tuple[Pipeline, Metrics], tmp_path: Path) -> None:
    pipeline, metrics = trained
    path = tmp_path / "model.joblib"
    train.save_artifact(pipeline, metrics, path)
    assert path.stat().st_size < 100_000
    assert EmployabilityModel.load(path).version == MODEL_VERSION
    card = train.render_model_card(pipeline, metrics, SMALL_COHORT)
    assert f"AUC: {metrics.auc:.3f}" in card
    assert "SYNTHETIC" in card
    assert "No causal claim" in card
