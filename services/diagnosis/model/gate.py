"""The release gate: the checks a candidate model must pass before it may replace the released one. Pure.

Every check is computed on the same held-out time window for the candidate and the released model. A held-out
window holds hundreds of answers, not millions: each statistical check accounts for its sampling noise, and the
evidence checks make sure there is enough data for the others to mean something.

- evidence: at least `min_examples` held-out answers, and `min_group_count` in every sensitive group, else the
  gate refuses for lack of evidence;
- auc: the 95 % paired-bootstrap interval of (candidate AUC - released AUC) must have its lower bound at or
  above `-auc_margin`: shown not worse than the released model;
- calibration: the debiased L2 calibration error over deciles of predicted probability (Kumar et al., 2019: the
  squared gap of each bin minus its sampling variance) must not be shown above `max_calibration_error`: the
  lower bound of its 95 % bootstrap interval at most the limit;
- psi: the population stability index between the released and the candidate scores on recent profiles must be
  <= `max_psi`, unless an operator approved the shift;
- fairness: for every age band, sex and handicap group, the calibration gap |mean predicted - observed rate| must
  not be shown above `max_group_gap` (|gap| - 1.96 standard errors at most the limit). Those answers are never
  features: they are kept beside the features only to grade the model.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.stats import rankdata  # type: ignore[import-untyped]

FloatArray = npt.NDArray[np.float64]
BINS = 10
BOOTSTRAP_SEED = 20180618
PSI_FLOOR = 1e-4  # an empty bin would make the index infinite
Z95 = 1.96
MIN_VARIANCE = 0.01  # a group whose answers are all alike still has a sampling error


@dataclass(frozen=True)
class GateRules:
    min_examples: int = 200
    min_group_count: int = 30
    auc_margin: float = 0.01
    bootstrap_resamples: int = 400
    max_calibration_error: float = 0.05
    max_psi: float = 0.1
    max_group_gap: float = 0.05


@dataclass(frozen=True)
class Check:
    name: str  # "auc", "calibration", "psi", "fairness:sex=FEMININE", "evidence:handicap=yes", ...
    passed: bool
    value: float
    threshold: float
    detail: str
    approvable: bool = False  # an operator may release despite it (the score shift)


@dataclass(frozen=True)
class HeldOut:
    """The held-out window: outcomes, both models' predictions, and each person's sensitive groups."""

    outcomes: FloatArray
    candidate: FloatArray
    released: FloatArray
    groups: Mapping[str, Sequence[str]]  # attribute -> one group name per person


def auc(outcomes: FloatArray, predicted: FloatArray) -> float:
    """Mann-Whitney form (ties count half): the same figure as sklearn's, cheap enough for the bootstrap."""
    positives = outcomes == 1
    n1 = int(positives.sum())
    n0 = len(outcomes) - n1
    if n1 == 0 or n0 == 0:
        return float("nan")
    ranks = rankdata(predicted)
    return float((ranks[positives].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def bootstrap_indices(n: int, resamples: int, seed: int = BOOTSTRAP_SEED) -> list[npt.NDArray[np.int64]]:
    """Resamples of the people (the same for every check, so the checks are paired)."""
    rng = np.random.default_rng(seed)
    return [rng.integers(0, n, n) for _ in range(resamples)]


def interval(values: Sequence[float]) -> tuple[float, float]:
    """95 % percentile interval, ignoring resamples where the figure is undefined (NaN)."""
    low, high = np.nanpercentile(np.asarray(values, dtype=np.float64), [2.5, 97.5])
    return float(low), float(high)


def calibration_error(outcomes: FloatArray, predicted: FloatArray, bins: int = BINS) -> float:
    """Debiased L2 calibration error over equal-count bins: sqrt(sum_b w_b * ((o_b - p_b)^2 - o_b(1 - o_b) /
    (n_b - 1))), floored at 0. The plain binned error is biased upwards by the bins' sampling noise, which on a
    few hundred answers alone exceeds 0.05."""
    order = np.argsort(predicted, kind="stable")
    total = 0.0
    for idx in np.array_split(order, bins):
        if len(idx) < 2:
            continue
        observed, mean_predicted = outcomes[idx].mean(), predicted[idx].mean()
        variance = observed * (1 - observed) / (len(idx) - 1)
        total += len(idx) / len(order) * ((observed - mean_predicted) ** 2 - variance)
    return float(np.sqrt(max(0.0, total)))


def population_stability(expected: FloatArray, actual: FloatArray, bins: int = BINS) -> float:
    """PSI of `actual` against `expected`, on the deciles of `expected`."""
    edges = np.unique(np.quantile(expected, np.linspace(0, 1, bins + 1)[1:-1]))
    e = np.bincount(np.searchsorted(edges, expected, side="right"), minlength=len(edges) + 1) / len(expected)
    a = np.bincount(np.searchsorted(edges, actual, side="right"), minlength=len(edges) + 1) / len(actual)
    e, a = np.maximum(e, PSI_FLOOR), np.maximum(a, PSI_FLOOR)
    return float(np.sum((a - e) * np.log(a / e)))


def evaluate(
    held_out: HeldOut, recent_released: FloatArray, recent_candidate: FloatArray, rules: GateRules,
) -> list[Check]:
    """Every check, in the order of the model card."""
    y, cand, rel = held_out.outcomes, held_out.candidate, held_out.released
    n = len(y)
    checks = [Check("evidence:examples", n >= rules.min_examples, n, rules.min_examples,
                    f"{n} held-out answers (at least {rules.min_examples})")]
    for attribute, names in held_out.groups.items():
        labels = np.asarray(names)
        for group in sorted(set(names) - {""}):  # "": value unknown, no group
            count = int((labels == group).sum())
            checks.append(Check(f"evidence:{attribute}={group}", count >= rules.min_group_count, count,
                                rules.min_group_count, f"{count} held-out answers (at least {rules.min_group_count})"))
    if n < 2 or y.min() == y.max():
        return checks  # nothing below can be computed
    resamples = bootstrap_indices(n, rules.bootstrap_resamples)
    cand_auc, rel_auc = auc(y, cand), auc(y, rel)
    low, high = interval([auc(y[i], cand[i]) - auc(y[i], rel[i]) for i in resamples])
    checks.append(Check("auc", low >= -rules.auc_margin, cand_auc - rel_auc, -rules.auc_margin,
                        f"AUC {cand_auc:.3f} vs released {rel_auc:.3f}, difference 95% interval "
                        f"[{low:+.3f}, {high:+.3f}] (lower bound at least {-rules.auc_margin:+.3f})"))
    error = calibration_error(y, cand)
    low, high = interval([calibration_error(y[i], cand[i]) for i in resamples])
    checks.append(Check("calibration", low <= rules.max_calibration_error, error, rules.max_calibration_error,
                        f"debiased calibration error {error:.3f}, 95% interval [{low:.3f}, {high:.3f}] "
                        f"(not shown above {rules.max_calibration_error})"))
    if len(recent_released) and len(recent_candidate):
        psi = population_stability(recent_released, recent_candidate)
        checks.append(Check("psi", psi <= rules.max_psi, psi, rules.max_psi,
                            f"score shift on {len(recent_candidate)} recent profiles: PSI {psi:.3f} "
                            f"(at most {rules.max_psi} unless an operator approves)", approvable=True))
    else:
        checks.append(Check("psi", False, float("nan"), rules.max_psi, "no recent profile to compare scores on",
                            approvable=True))
    for attribute, names in held_out.groups.items():
        labels = np.asarray(names)
        for group in sorted(set(names) - {""}):
            mask = labels == group
            observed, predicted = float(y[mask].mean()), float(cand[mask].mean())
            gap = predicted - observed
            margin = Z95 * math.sqrt(max(observed * (1 - observed), MIN_VARIANCE) / int(mask.sum()))
            checks.append(Check(f"fairness:{attribute}={group}", abs(gap) - margin <= rules.max_group_gap, gap,
                                rules.max_group_gap,
                                f"mean predicted {predicted:.3f} vs observed {observed:.3f} on {int(mask.sum())}: "
                                f"gap {gap:+.3f} +/- {margin:.3f} (not shown beyond +/-{rules.max_group_gap})"))
    return checks


def failed(checks: Sequence[Check], approved_shift: bool = False) -> list[Check]:
    """The checks that block a release (the approvable one not, once an operator approved it)."""
    return [c for c in checks if not c.passed and not (c.approvable and approved_shift)]
