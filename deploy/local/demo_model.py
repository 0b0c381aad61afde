"""Demo learning data for `make run`: made-up people diagnosed months ago (the feature rows their estimate was
computed from, their groups) and their answers to the 3-month survey, in the diagnosis service's database under
`demo-model-` ids; then the retraining job as its schedule would have run it: once when few had answered
(refused for lack of evidence), once on every answer. Without them a fresh platform has no trained version, so the
operator page's model section and the dashboards' Model row would show the packaged model alone.

Drawn from the synthetic cohort's own world (services/diagnosis/model/cohort.py): the candidate shows the gate at
work, not a gain. Deterministic people; seeding again changes nothing (the training runs only when the answers
were new)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from services.diagnosis.adapters.registry import Registry
from services.diagnosis.learning import Learning
from services.diagnosis.model import cohort
from services.diagnosis.model.artifact import MODEL_CARD_PATH
from services.diagnosis.model.employability import EmployabilityModel
from services.diagnosis.model.features import feature_matrix
from services.diagnosis.model.retrain import sensitive_groups
from shared.mongo import MAX_WRITES_PER_COMMAND
from shared.results import doc_id
from shared.schemas.profile import Gender

Doc = dict[str, Any]
DATABASE = "bob_diagnosis"
PEOPLE = 1200
FIRST_ANSWERS = 120  # the first scheduled run saw these only
SEED = 20260601
SURVEY_DAYS = 91


def documents(now: dt.datetime) -> tuple[list[Doc], list[Doc]]:
    """(model_inputs, model_outcomes): people signed up over 6 months from 280 days ago, all answered by now."""
    first = now - dt.timedelta(days=280)
    rng = np.random.default_rng(SEED)
    people = cohort.generate_cohort(PEOPLE, seed=SEED, today=first.date())
    model = EmployabilityModel.load()
    inputs, outcomes = [], []
    for n, person in enumerate(people):
        signed_up = first + dt.timedelta(minutes=int(n * 180 * 24 * 60 / PEOPLE))
        # Sex and handicap drawn apart: never features, the fairness checks grade the model on them.
        profile = person.profile.model_copy(update={
            "gender": Gender.FEMININE if rng.random() < 0.5 else Gender.MASCULINE,
            "has_handicap": bool(rng.random() < 0.25),
        })
        # As of the day the cohort was drawn for: the world's truth is written on those features.
        features = feature_matrix([(profile, person.market)], first.date())
        pid = f"demo-model-{n:04d}"
        inputs.append({
            "_id": doc_id(pid, 1), "profile_id": pid, "profile_version": 1, "computed_at": signed_up,
            "features": features[0].tolist(), "groups": sensitive_groups(profile, signed_up.date()),
            "model_version": model.version, "probability": float(model.predict_features(features)[0]),
        })
        outcomes.append({"_id": pid, "signed_up_at": signed_up, "back_at_work": person.back_to_work, "step": "form",
                         "answered_at": signed_up + dt.timedelta(days=SURVEY_DAYS, hours=int(rng.integers(1, 48)))})
    return inputs, outcomes


def seed(mongo_url: str, now: dt.datetime) -> int:
    """Insert the missing demo documents (as the admin) and, when there were, retrain twice; returns how many
    documents were inserted."""
    registry = Registry.open(mongo_url, DATABASE)
    inputs, outcomes = documents(now)
    inserted = 0
    for collection, docs in ((registry.inputs, inputs), (registry.outcomes, outcomes)):
        known = {d["_id"] for d in collection.find({"_id": {"$in": [d["_id"] for d in docs]}}, {"_id": 1})}
        fresh = [d for d in docs if d["_id"] not in known]
        for start in range(0, len(fresh), MAX_WRITES_PER_COMMAND):
            collection.insert_many(fresh[start:start + MAX_WRITES_PER_COMMAND])
        inserted += len(fresh)
    if inserted:
        packaged = EmployabilityModel.load()
        registry.ensure_initial(packaged, MODEL_CARD_PATH.read_text(encoding="utf-8"), {}, now)
        learning = Learning(registry)
        early = sorted(o["answered_at"] for o in outcomes)[FIRST_ANSWERS - 1]
        learning.retrain(early, "demo")
        learning.retrain(now, "demo")
    registry.db.client.close()
    return inserted
