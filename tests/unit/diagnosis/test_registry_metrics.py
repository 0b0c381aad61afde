"""What every diagnosis worker serves of the model registry (the dashboards' Model row), and the candidate's AUC
interval the operators read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from prometheus_client import REGISTRY

from services.diagnosis.learning import export_registry

T0 = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)


def check(name: str, passed: bool) -> dict[str, Any]:
    return {"name": name, "passed": passed, "value": 0.0, "threshold": 0.0, "detail": "", "approvable": False}


def version(n: int, status: str, checks: list[dict[str, Any]], metrics: dict[str, float]) -> dict[str, Any]:
    return {"_id": f"employability-v{n}", "status": status, "created_at": T0 + dt.timedelta(days=n),
            "metrics": metrics, "checks": checks}


def sample(name: str, **labels: str) -> float | None:
    value: float | None = REGISTRY.get_sample_value(name, labels)
    return value


def test_versions_by_status_their_auc_and_the_gate_checks_of_the_latest_trained_one() -> None:
    export_registry([
        version(1, "retired", [], {}),
        version(2, "released", [check("auc", True)], {"auc": 0.74, "auc_low": 0.70, "auc_high": 0.78}),
        version(3, "refused", [check("auc", True), check("fairness:sex=FEMININE", False)], {"auc": 0.75}),
    ])
    assert sample("bob_diagnosis_model_status", version="employability-v1", status="retired") == 1
    assert sample("bob_diagnosis_model_status", version="employability-v3", status="refused") == 1
    assert sample("bob_diagnosis_model_auc", version="employability-v2", bound="low") == 0.70
    assert sample("bob_diagnosis_model_auc", version="employability-v3", bound="low") is None  # not computed
    assert sample("bob_diagnosis_model_gate_check", version="employability-v3", check="auc") == 1
    assert sample("bob_diagnosis_model_gate_check", version="employability-v3", check="fairness:sex=FEMININE") == 0
    assert sample("bob_diagnosis_model_gate_check", version="employability-v2", check="auc") is None  # not the latest

    # A status change replaces the old label: one series per version.
    export_registry([version(1, "released", [], {})])
    assert sample("bob_diagnosis_model_status", version="employability-v1", status="retired") is None
    assert sample("bob_diagnosis_model_status", version="employability-v1", status="released") == 1
    assert sample("bob_diagnosis_model_gate_check", version="employability-v3", check="auc") is None
