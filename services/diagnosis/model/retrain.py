"""Retraining on survey outcomes (pure: the registry adapter feeds it and stores what it returns).

A training example is the 3-month survey's answer (back at work or not) joined with the features of the profile
version that was diagnosed when the person signed up: the last version diagnosed within `DIAGNOSIS_GRACE` of the
sign-up. Versions diagnosed later never enter, so nothing the person said after the estimate (a later profile that
already mentions the new job) leaks into the example. The features are those the model computed then (search
length as of that day), stored by the diagnosis worker with each estimate.

Examples are ordered by answer time; the latest `held_out_share` form the held-out time window, on which the
candidate and the released model are both graded (gate.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from services.diagnosis.model import gate
from services.diagnosis.model.employability import EmployabilityModel
from services.diagnosis.model.features import FEATURE_NAMES, FEATURES
from services.diagnosis.model.train import build_pipeline, calibration_table
from shared.schemas.profile import Gender, ProfileIn

FloatArray = gate.FloatArray
DIAGNOSIS_GRACE = dt.timedelta(days=7)
HELD_OUT_SHARE = 0.25
SEX_GROUPS = {Gender.FEMININE: "FEMININE", Gender.MASCULINE: "MASCULINE"}
GROUP_ATTRIBUTES = ("age_band", "sex", "handicap")


def sensitive_groups(profile: ProfileIn, today: dt.date) -> dict[str, str]:
    """The groups the fairness checks grade the model on; never features. An unknown sex is no group."""
    age = profile.age(today)
    groups = {"age_band": "under-25" if age < 25 else "25-49" if age < 50 else "50-plus",
              "handicap": "yes" if profile.has_handicap else "no"}
    if profile.gender in SEX_GROUPS:
        groups["sex"] = SEX_GROUPS[profile.gender]
    return groups


@dataclass(frozen=True)
class ModelInput:
    """What the diagnosis worker keeps of one estimate, to learn from its outcome later."""

    profile_id: str
    profile_version: int
    computed_at: dt.datetime
    features: tuple[float, ...]
    groups: dict[str, str]


@dataclass(frozen=True)
class Outcome:
    """The 3-month survey's answer of one person."""

    profile_id: str
    signed_up_at: dt.datetime
    answered_at: dt.datetime
    back_at_work: bool


@dataclass(frozen=True)
class Example:
    profile_id: str
    answered_at: dt.datetime
    features: tuple[float, ...]
    back_at_work: bool
    groups: dict[str, str]


def join(inputs: Sequence[ModelInput], outcomes: Sequence[Outcome]) -> list[Example]:
    """One example per outcome whose sign-up diagnosis is known, ordered by answer time then person."""
    at_signup: dict[str, ModelInput] = {}
    cutoff = {o.profile_id: o.signed_up_at + DIAGNOSIS_GRACE for o in outcomes}
    for row in inputs:
        limit = cutoff.get(row.profile_id)
        if limit is None or row.computed_at > limit:
            continue
        kept = at_signup.get(row.profile_id)
        if kept is None or row.profile_version > kept.profile_version:
            at_signup[row.profile_id] = row
    examples = [
        Example(o.profile_id, o.answered_at, at_signup[o.profile_id].features, o.back_at_work,
                at_signup[o.profile_id].groups)
        for o in outcomes if o.profile_id in at_signup
    ]
    return sorted(examples, key=lambda e: (e.answered_at, e.profile_id))


@dataclass(frozen=True)
class Split:
    train: list[Example]
    held_out: list[Example]

    @property
    def window(self) -> dict[str, dt.datetime | None]:
        every = self.train + self.held_out
        return {
            "from": every[0].answered_at if every else None,
            "held_out_from": self.held_out[0].answered_at if self.held_out else None,
            "to": every[-1].answered_at if every else None,
        }


def split(examples: list[Example], held_out_share: float = HELD_OUT_SHARE) -> Split:
    """The latest answers are held out, at a time boundary: the answers of one instant stay on one side."""
    if not examples:
        return Split([], [])
    cut = int(len(examples) * (1 - held_out_share))
    while 0 < cut < len(examples) and examples[cut].answered_at == examples[cut - 1].answered_at:
        cut += 1
    return Split(examples[:cut], examples[cut:])


def matrix(examples: Sequence[Example]) -> tuple[FloatArray, FloatArray]:
    x = np.array([e.features for e in examples], dtype=np.float64).reshape(len(examples), len(FEATURE_NAMES))
    y = np.array([e.back_at_work for e in examples], dtype=np.float64)
    return x, y


@dataclass(frozen=True)
class Candidate:
    model: EmployabilityModel | None  # None: too few examples, or only one outcome, to fit anything
    split: Split
    checks: list[gate.Check]
    metrics: dict[str, float]
    calibration: list[dict[str, float]]

    @property
    def blocking(self) -> list[gate.Check]:
        return gate.failed(self.checks)

    @property
    def passed(self) -> bool:
        return self.model is not None and not self.blocking


def fit(train: Sequence[Example], version: str) -> EmployabilityModel | None:
    x, y = matrix(train)
    if len(train) < 2 or y.min() == y.max():
        return None
    pipeline = build_pipeline().fit(x, y)
    return EmployabilityModel(pipeline, FEATURE_NAMES, version)


def train_candidate(
    examples: list[Example], released: EmployabilityModel, recent: FloatArray, version: str,
    rules: gate.GateRules = gate.GateRules(),
) -> Candidate:
    """Fit on the older answers, grade on the held-out window against `released`; `recent`: feature rows of
    recently diagnosed profiles, for the score shift."""
    parts = split(examples)
    model = fit(parts.train, version)
    if model is None:
        missing = gate.Check("evidence:examples", False, len(parts.train), rules.min_examples,
                             f"{len(parts.train)} training answers: nothing to fit")
        return Candidate(None, parts, [missing], {}, [])
    x, y = matrix(parts.held_out)
    candidate_scores = model.predict_features(x) if len(x) else np.empty(0)
    released_scores = released.predict_features(x) if len(x) else np.empty(0)
    # "" (an unknown sex) is no group: the gate skips it, those people stay in every other check.
    groups = {a: [e.groups.get(a, "") for e in parts.held_out] for a in GROUP_ATTRIBUTES}
    held_out = gate.HeldOut(y, candidate_scores, released_scores, groups)
    recent_rows = recent if len(recent) else x
    checks = gate.evaluate(held_out, released.predict_features(recent_rows) if len(recent_rows) else np.empty(0),
                           model.predict_features(recent_rows) if len(recent_rows) else np.empty(0), rules)
    metrics = {"train_size": float(len(parts.train)), "held_out_size": float(len(parts.held_out))}
    calibration: list[dict[str, float]] = []
    if len(y) and y.min() != y.max():
        # The candidate's AUC with its 95 % bootstrap interval (the gate's resamples), for the operators.
        auc_low, auc_high = gate.interval([gate.auc(y[i], candidate_scores[i])
                                           for i in gate.bootstrap_indices(len(y), rules.bootstrap_resamples)])
        metrics |= {"auc": gate.auc(y, candidate_scores), "auc_low": auc_low, "auc_high": auc_high,
                    "released_auc": gate.auc(y, released_scores),
                    "calibration_error": gate.calibration_error(y, candidate_scores),
                    "base_rate": float(y.mean())}
        calibration = [{"decile": b.decile, "count": b.count, "mean_predicted": b.mean_predicted,
                        "observed_rate": b.observed_rate} for b in calibration_table(y, candidate_scores)]
    return Candidate(model, parts, checks, metrics, calibration)


def render_card(version: str, candidate: Candidate, released_version: str, status: str, trained_at: dt.datetime,
                approved_shift: bool = False) -> str:
    window = candidate.split.window
    check_rows = "\n".join(
        f"| `{c.name}` | {'pass' if c.passed else ('approved' if c.approvable and approved_shift else 'FAIL')} "
        f"| {c.detail} |" for c in candidate.checks
    )
    coefficient_rows = ""
    if candidate.model is not None:
        coefficient_rows = "\n".join(
            f"| `{name}` | {labels[1]} | {coef:+.3f} |"
            for (name, labels), coef in zip(FEATURES.items(), candidate.model.params()["coef"], strict=True)
        )
    calibration_rows = "\n".join(
        f"| {b['decile']} | {b['count']} | {b['mean_predicted']:.3f} | {b['observed_rate']:.3f} |"
        for b in candidate.calibration
    )
    m = candidate.metrics
    figures = (
        f"- AUC {m['auc']:.3f} (95% interval [{m['auc_low']:.3f}, {m['auc_high']:.3f}]; released "
        f"{released_version}: {m['released_auc']:.3f} on the same window)\n"
        f"- debiased calibration error {m['calibration_error']:.3f}; base rate {m['base_rate']:.3f}"
        if "auc" in m else "- not computed: too few answers"
    )
    blocking = ", ".join(f"`{c.name}`" for c in gate.failed(candidate.checks, approved_shift)) or "none"
    return f"""# Model card: {version}

Generated by the retraining job (`python -m services.diagnosis.models train`) on {trained_at.isoformat()};
status at generation: **{status}**. Checks blocking a release: {blocking}.

## Training data
Answers to the 3-month follow-up survey (back at work or not), each joined with the features of the profile
version diagnosed at sign-up (never a later version). Sensitive answers (sex, handicap, discrimination) are not
features: age band, sex and handicap are kept beside the features only for the fairness checks.
- window: {window['from']} to {window['to']}; held out from {window['held_out_from']}
- {int(m.get('train_size', len(candidate.split.train)))} training answers, {len(candidate.split.held_out)} held out

## Release gate (on the held-out window, against {released_version})
| check | result | detail |
|---|---|---|
{check_rows}

## Metrics on the held-out window
{figures}

| decile | people | mean predicted | observed rate |
|---|---|---|---|
{calibration_rows}

## Model
StandardScaler + LogisticRegression (C=1.0), {len(FEATURE_NAMES)} features, stored as parameters in the registry.

| feature | label | coefficient (standardised) |
|---|---|---|
{coefficient_rows}

## Limitations
- Survey answers are self-reported and only from people who answered: who answers may differ from who does not.
- No causal claim; the outcome says nothing about what the platform did (see the trial's control group).
"""
