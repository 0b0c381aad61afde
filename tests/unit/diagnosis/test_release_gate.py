"""The release gate's checks and the retraining's training set, without a database."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from services.diagnosis.model import gate
from services.diagnosis.model.employability import EmployabilityModel
from services.diagnosis.model.features import FEATURE_NAMES
from services.diagnosis.model.retrain import ModelInput, Outcome, join, split, train_candidate

T0 = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
RULES = gate.GateRules(min_examples=100, min_group_count=30)


def calibrated(n: int, seed: int = 1, high: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.05, high, n)
    return (rng.random(n) < p).astype(float), p


def groups(n: int) -> dict[str, list[str]]:
    return {"sex": ["FEMININE" if i % 2 else "MASCULINE" for i in range(n)]}


def by_name(checks: list[gate.Check]) -> dict[str, gate.Check]:
    return {c.name: c for c in checks}


def test_a_calibrated_model_as_good_as_the_released_one_passes() -> None:
    y, p = calibrated(4000)
    checks = gate.evaluate(gate.HeldOut(y, p, p, groups(4000)), p, p, RULES)
    assert gate.failed(checks) == []
    assert by_name(checks)["calibration"].value < 0.02
    assert by_name(checks)["psi"].value == pytest.approx(0.0, abs=1e-9)


def test_the_calibration_error_is_debiased_for_the_bins_noise() -> None:
    """On 300 answers of perfectly calibrated models the plain binned error averages about 0.06, above the limit
    for no fault of the model; the debiased one averages well below it."""
    samples = [calibrated(300, seed) for seed in range(40)]
    plain = np.mean([np.mean([abs(y[i].mean() - p[i].mean()) for i in np.array_split(np.argsort(p), 10)])
                     for y, p in samples])
    debiased = np.mean([gate.calibration_error(y, p) for y, p in samples])
    assert plain > 0.05
    assert debiased < 0.035


def test_auc_is_sklearns() -> None:
    from sklearn.metrics import roc_auc_score  # type: ignore[import-untyped]

    y, p = calibrated(500)
    p = np.round(p, 1)  # ties
    assert gate.auc(y, p) == pytest.approx(roc_auc_score(y, p), abs=1e-12)


def test_a_worse_model_fails_discrimination_and_a_shifted_one_needs_approval() -> None:
    y, p = calibrated(3000)
    noisy = np.clip(p + np.random.default_rng(2).normal(0, 0.35, 3000), 0.01, 0.99)
    checks = gate.evaluate(gate.HeldOut(y, noisy, p, groups(3000)), p, np.clip(p + 0.2, 0, 1), RULES)
    failed = {c.name for c in gate.failed(checks)}
    assert {"auc", "psi"} <= failed
    assert "psi" not in {c.name for c in gate.failed(checks, approved_shift=True)}


def test_a_group_miscalibrated_fails_fairness_by_name_and_small_groups_fail_for_lack_of_evidence() -> None:
    y, p = calibrated(2000, high=0.6)  # flipped answers move a group's rate away from what is predicted
    sex = groups(2000)["sex"]
    flipped = np.array([1 - v if s == "FEMININE" else v for v, s in zip(y, sex, strict=True)])
    checks = by_name(gate.evaluate(gate.HeldOut(flipped, p, p, {"sex": sex}), p, p, RULES))
    assert not checks["fairness:sex=FEMININE"].passed
    assert checks["fairness:sex=MASCULINE"].passed

    few = {"handicap": ["yes" if i < 10 else "no" for i in range(2000)]}
    checks = by_name(gate.evaluate(gate.HeldOut(y, p, p, few), p, p, RULES))
    assert not checks["evidence:handicap=yes"].passed
    assert checks["evidence:handicap=no"].passed


def test_unknown_values_are_no_group() -> None:
    y, p = calibrated(500)
    names = ["" if i % 3 else "FEMININE" for i in range(500)]
    assert {c.name for c in gate.evaluate(gate.HeldOut(y, p, p, {"sex": names}), p, p, RULES)
            if "sex" in c.name} == {"evidence:sex=FEMININE", "fairness:sex=FEMININE"}


def row(value: float) -> tuple[float, ...]:
    return (value,) * len(FEATURE_NAMES)


def test_the_training_set_uses_the_version_diagnosed_at_sign_up_never_a_later_one() -> None:
    inputs = [
        ModelInput("a", 1, T0, row(1.0), {"sex": "FEMININE"}),
        ModelInput("a", 2, T0 + 2 * DAY, row(2.0), {"sex": "FEMININE"}),  # completed within the first week
        ModelInput("a", 3, T0 + 60 * DAY, row(3.0), {"sex": "FEMININE"}),  # later: never used
        ModelInput("b", 1, T0, row(5.0), {}),
        ModelInput("c", 1, T0, row(7.0), {}),  # no answer: no example
    ]
    outcomes = [Outcome("b", T0, T0 + 92 * DAY, False), Outcome("a", T0, T0 + 91 * DAY, True),
                Outcome("z", T0, T0 + 93 * DAY, True)]  # never diagnosed: no example
    examples = join(inputs, outcomes)
    assert [(e.profile_id, e.features[0], e.back_at_work) for e in examples] == [("a", 2.0, True), ("b", 5.0, False)]


def test_the_held_out_window_is_the_latest_answers_at_a_time_boundary() -> None:
    outcomes = [Outcome(str(i), T0, T0 + (90 + i // 2) * DAY, bool(i % 2)) for i in range(10)]
    examples = join([ModelInput(str(i), 1, T0, row(float(i)), {}) for i in range(10)], outcomes)
    parts = split(examples, 0.25)
    assert max(e.answered_at for e in parts.train) < min(e.answered_at for e in parts.held_out)
    assert [e.profile_id for e in parts.held_out] == ["8", "9"]


def test_a_candidate_on_too_few_answers_is_refused_for_lack_of_evidence() -> None:
    rng = np.random.default_rng(5)
    outcomes = [Outcome(str(i), T0, T0 + 90 * DAY + i * dt.timedelta(minutes=1), bool(rng.random() < 0.4))
                for i in range(60)]
    inputs = [ModelInput(str(i), 1, T0, tuple(rng.normal(0, 1, len(FEATURE_NAMES))), {"sex": "FEMININE"})
              for i in range(60)]
    candidate = train_candidate(join(inputs, outcomes), EmployabilityModel.load(), np.empty((0, 18)),
                                "employability-v2", RULES)
    assert not candidate.passed
    assert {"evidence:examples", "evidence:sex=FEMININE"} <= {c.name for c in candidate.blocking}
    # The AUC comes with its bootstrap interval, for the operators.
    m = candidate.metrics
    assert m["auc_low"] <= m["auc"] <= m["auc_high"]
