"""Use cases of the learning loop (synchronous: call through run_sync): retrain a candidate behind the release
gate, release it, roll back. The registry is the only state; the release event is emitted by the caller."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from prometheus_client import Counter, Gauge

from services.diagnosis.adapters.registry import MODEL, Doc, Registry, RegistryError, Status
from services.diagnosis.model import gate
from services.diagnosis.model.employability import EmployabilityModel
from services.diagnosis.model.features import FEATURE_NAMES
from services.diagnosis.model.retrain import Candidate, join, render_card, train_candidate
from shared.schemas.diagnosis import ModelReleased

RECENT = dt.timedelta(days=30)
MAX_RECENT = 5000
GATE_CHECKS = Counter("bob_diagnosis_model_gate_checks_total", "Release gate checks of trained candidates",
                      ["check", "result"])
CANDIDATES = Counter("bob_diagnosis_model_candidates_total", "Trained candidates, by gate outcome", ["status"])
RELEASES = Counter("bob_diagnosis_model_releases_total", "Model releases and rollbacks", ["reason"])
# The registry as every worker serves it (refreshed with its poll of the released version): the dashboards show the
# versions whoever trained or released them (a command's own process is never scraped).
VERSIONS = Gauge("bob_diagnosis_model_status", "Model versions in the registry (1 each), by status",
                 ["version", "status"])
HELD_OUT_AUC = Gauge("bob_diagnosis_model_auc", "Held-out AUC of each trained version, with its 95% interval",
                     ["version", "bound"])
GATE = Gauge("bob_diagnosis_model_gate_check", "Release gate checks of the latest trained version: 1 passed, 0 failed",
             ["version", "check"])


@dataclass(frozen=True)
class Trained:
    version: str | None  # None: nothing could be fitted, nothing registered
    status: str
    candidate: Candidate
    released_version: str


@dataclass
class Learning:
    registry: Registry
    rules: gate.GateRules = field(default_factory=gate.GateRules)

    def released(self) -> EmployabilityModel:
        version = self.registry.released_version()
        if version is None:
            raise RegistryError("no released model: start a diagnosis worker once, it registers the packaged one")
        return self.registry.load(version)

    def retrain(self, now: dt.datetime, by: str) -> Trained:
        """Train a candidate on every outcome known by `now`, grade it and register it as a candidate (gate
        passed, the score shift aside) or refused."""
        released = self.released()
        outcomes = [o for o in self.registry.all_outcomes() if o.answered_at <= now]
        inputs = self.registry.all_inputs()
        recent = sorted((i for i in inputs if now - RECENT <= i.computed_at <= now), key=lambda i: i.computed_at)
        recent_rows = np.array([i.features for i in recent[-MAX_RECENT:]], dtype=np.float64)
        version = self.registry.next_version()
        candidate = train_candidate(join(inputs, outcomes), released,
                                    recent_rows.reshape(len(recent_rows), len(FEATURE_NAMES)), version, self.rules)
        blocking = [c for c in candidate.blocking if not c.approvable]
        status = Status.REFUSED if blocking or candidate.model is None else Status.CANDIDATE
        for check in candidate.checks:
            GATE_CHECKS.labels(check.name, "pass" if check.passed else "fail").inc()
        CANDIDATES.labels(status).inc()
        if candidate.model is None:
            return Trained(None, status, candidate, released.version)
        card = render_card(version, candidate, released.version, status, now)
        self.registry.add(candidate.model, status, now, card=card, metrics=candidate.metrics,
                          checks=candidate.checks, window=candidate.split.window, by=by)
        return Trained(version, status, candidate, released.version)

    def release(self, version: str, now: dt.datetime, by: str, approve_shift: bool = False) -> ModelReleased:
        """Release a candidate whose gate passed; a score shift beyond the PSI limit needs `approve_shift`."""
        doc = self.registry.require(version)
        if doc["status"] != Status.CANDIDATE:
            raise RegistryError(f"{version} is {doc['status']}: only a candidate can be released")
        checks = [gate.Check(**c) for c in doc["checks"]]
        if blocking := gate.failed(checks, approve_shift):
            raise RegistryError(f"{version} fails the release gate: " + ", ".join(c.name for c in blocking))
        current = self.registry.released_version()
        history = self.registry.released_history()
        if current is not None:
            self.registry.set_status(current, Status.RETIRED, now, by)
        self.registry.set_status(version, Status.RELEASED, now, by, released_at=now, approved_shift=approve_shift)
        self.registry.point_to(version, [current, *history] if current else history, now)
        RELEASES.labels("release").inc()
        return ModelReleased(model=MODEL, version=version, previous_version=current, released_at=now,
                             reason="release")

    def rollback(self, now: dt.datetime, by: str) -> ModelReleased:
        """Put back the version released before the current one; the current one is retired."""
        current = self.registry.released_version()
        history = self.registry.released_history()
        if current is None or not history:
            raise RegistryError("nothing to roll back to")
        target, rest = history[0], history[1:]
        self.registry.set_status(current, Status.RETIRED, now, by, rolled_back_at=now)
        self.registry.set_status(target, Status.RELEASED, now, by, released_at=now)
        self.registry.point_to(target, rest, now)
        RELEASES.labels("rollback").inc()
        return ModelReleased(model=MODEL, version=target, previous_version=current, released_at=now,
                             reason="rollback")


def retrain_job_id(now: dt.datetime, interval_days: int) -> str:
    """The period's claim: one scheduled run per `interval_days` across every worker."""
    return f"retrain:{now.date().toordinal() // interval_days}"


def scheduled_retraining(registry: Registry, now: dt.datetime, interval_days: int,
                         rules: gate.GateRules = gate.GateRules()) -> Trained | None:
    """A worker's timer: the one worker that claims the period retrains (a candidate, never a release); the others,
    and every later tick of the period, do nothing (None)."""
    if not registry.claim(retrain_job_id(now, interval_days), now):
        return None
    return Learning(registry, rules).retrain(now, "schedule")


def export_registry(docs: list[Doc]) -> None:
    """Set the registry gauges from the versions (`Registry.versions`, oldest first)."""
    for gauge in (VERSIONS, HELD_OUT_AUC, GATE):
        gauge.clear()
    for doc in docs:
        VERSIONS.labels(doc["_id"], doc["status"]).set(1)
        metrics = doc["metrics"]
        for bound, key in (("estimate", "auc"), ("low", "auc_low"), ("high", "auc_high")):
            if key in metrics:
                HELD_OUT_AUC.labels(doc["_id"], bound).set(metrics[key])
    trained = [doc for doc in docs if doc["checks"]]  # the packaged version went through no gate
    if trained:
        latest = trained[-1]
        for check in latest["checks"]:
            GATE.labels(latest["_id"], check["name"]).set(1 if check["passed"] else 0)
