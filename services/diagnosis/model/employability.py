"""Employability estimate for a batch of profiles, from the trained artifact (see MODEL_CARD.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import joblib  # type: ignore[import-untyped]
import numpy as np
import numpy.typing as npt

from services.diagnosis.model.artifact import ARTIFACT_PATH
from services.diagnosis.model.features import (
    FEATURE_LABELS,
    FEATURE_NAMES,
    INDICATORS,
    feature_matrix,
)
from shared.schemas.diagnosis import Employability, Factor
from shared.schemas.market import MarketFacts
from shared.schemas.profile import ProfileIn

HORIZON_MONTHS = 3.0
MAX_EXPECTED_MONTHS = 36.0
TOP_FACTORS = 3
_INDICATOR_COLUMNS = np.array([name in INDICATORS for name in FEATURE_NAMES])
_P_EPSILON = 1e-9  # keeps the hazard finite at p = 0 or 1

FloatArray = npt.NDArray[np.float64]


def expected_months(probability: FloatArray) -> FloatArray:
    """Constant monthly hazard matching P(back within 3 months): 1 / (-ln(1 - p) / 3), capped."""
    p = np.clip(probability, _P_EPSILON, 1.0 - _P_EPSILON)
    hazard = -np.log1p(-p) / HORIZON_MONTHS
    return np.minimum(MAX_EXPECTED_MONTHS, 1.0 / hazard)


class EmployabilityModel:
    """Standardised logistic model, evaluated with numpy: the same numbers as the sklearn pipeline
    (checked by tests) without sklearn's per-call validation cost, and it yields the contributions."""

    def __init__(self, pipeline: Any, feature_names: Sequence[str], version: str) -> None:
        if tuple(feature_names) != FEATURE_NAMES:
            raise ValueError(f"artifact {version} was trained on other features; retrain it")
        scaler = pipeline.named_steps["scale"]
        logit = pipeline.named_steps["logit"]
        self.pipeline = pipeline
        self.version = version
        self._mean: FloatArray = np.asarray(scaler.mean_, dtype=np.float64)
        self._scale: FloatArray = np.asarray(scaler.scale_, dtype=np.float64)
        self._coef: FloatArray = np.asarray(logit.coef_[0], dtype=np.float64)
        self._intercept = float(logit.intercept_[0])

    def params(self) -> dict[str, Any]:
        """The whole model as JSON values: what the registry stores (no pickle in the database)."""
        return {"version": self.version, "feature_names": list(FEATURE_NAMES), "mean": self._mean.tolist(),
                "scale": self._scale.tolist(), "coef": self._coef.tolist(), "intercept": self._intercept}

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> EmployabilityModel:
        scaler = SimpleNamespace(mean_=params["mean"], scale_=params["scale"])
        logit = SimpleNamespace(coef_=[params["coef"]], intercept_=[params["intercept"]])
        return cls(SimpleNamespace(named_steps={"scale": scaler, "logit": logit}), params["feature_names"],
                   params["version"])

    def predict_features(self, features: FloatArray) -> FloatArray:
        """P(back at work within 3 months) for rows of FEATURE_NAMES columns."""
        return self.probabilities(self.contributions(features))

    @classmethod
    def load(cls, path: Path = ARTIFACT_PATH) -> EmployabilityModel:
        """Load once per worker. joblib unpickles: only pass the project's own artifact."""
        artifact = joblib.load(path)
        return cls(artifact["pipeline"], artifact["feature_names"], artifact["model_version"])

    def contributions(self, features: FloatArray) -> FloatArray:
        """Per-person, per-feature effect on the log-odds: coef x standardised feature."""
        result: FloatArray = (features - self._mean) / self._scale * self._coef
        return result

    def probabilities(self, contributions: FloatArray) -> FloatArray:
        result: FloatArray = 1.0 / (1.0 + np.exp(-(contributions.sum(axis=1) + self._intercept)))
        return result

    def predict_many(
        self, items: Sequence[tuple[ProfileIn, MarketFacts | None]], today: dt.date
    ) -> list[Employability]:
        return self.estimate(items, today)[0]

    def estimate(
        self, items: Sequence[tuple[ProfileIn, MarketFacts | None]], today: dt.date
    ) -> tuple[list[Employability], FloatArray]:
        """The estimates and the feature rows they were computed from (kept to learn from their outcomes)."""
        features = feature_matrix(items, today)
        if not items:
            return [], features
        contributions = self.contributions(features)
        probabilities = self.probabilities(contributions)
        months = expected_months(probabilities).tolist()
        weight = np.where(_INDICATOR_COLUMNS & (features == 0), -1.0, np.abs(contributions))
        top = np.argsort(-weight, axis=1, kind="stable")[:, :TOP_FACTORS].tolist()
        # Python lists: indexing numpy scalars one by one costs more than the conversion.
        rows = contributions.tolist()
        return [
            Employability(
                probability_back_to_work_3_months=probability,
                expected_months=months[i],
                top_factors=[
                    Factor(feature=FEATURE_NAMES[j], contribution=rows[i][j], label=FEATURE_LABELS[j])
                    for j in top[i]
                ],
                model_version=self.version,
            )
            for i, probability in enumerate(probabilities.tolist())
        ], features
