"""Demo follow-up figures for `make run`: six monthly cohorts of made-up people, a fifth of them in the trial's
control group, surveyed three months after signing up, most of them answering. Without them a fresh platform has
no survey answer (the first survey goes out at day 90) and locally no control group (FOLLOWUP_CONTROL_SHARE is 0,
so that a demo user always sees advice), so the impact charts would stay empty.

Written straight into the followup service's database as the admin, under ids starting with `demo-`, and
deterministic: seeding again changes nothing. The people have no email, no data key and nothing due, so no
survey is ever sent to them; their answers are made up and say nothing about the real platform's effect."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pymongo
from pymongo.database import Database

from shared.mongo import MAX_WRITES_PER_COMMAND
from shared.schemas.followup import (
    Group,
    Helped,
    Scores,
    Situation,
    SurveyAnswered,
    SurveyForm,
    SurveyKind,
    SurveySent,
)

Doc = dict[str, Any]
COHORTS = 6
PEOPLE_PER_COHORT = 40
CONTROL_SHARE = 0.2
RESPONSE_RATE = 0.7
BACK_AT_WORK = {Group.TREATED: 0.45, Group.CONTROL: 0.35}  # made up, so that the interval has something to show
DATABASE = "bob_followup"


def _month_start(day: dt.datetime, back: int) -> dt.datetime:
    month = day.year * 12 + day.month - 1 - back
    return dt.datetime(month // 12, month % 12 + 1, 1, tzinfo=dt.UTC)


def documents(now: dt.datetime, seed: str = "bob-demo") -> dict[str, list[Doc]]:
    """{collection: documents} of the demo cohorts: the last COHORTS months whose surveys are already out."""
    draw = random.Random(seed)
    people: list[Doc] = []
    decisions: list[Doc] = []
    answers: list[Doc] = []
    for back in range(COHORTS + 3, 3, -1):  # surveyed at day 90: the cohorts of at least four months ago
        start = _month_start(now, back)
        for n in range(PEOPLE_PER_COHORT):
            pid = f"demo-{start:%Y%m}-{n:02d}"
            group = Group.CONTROL if draw.random() < CONTROL_SHARE else Group.TREATED
            signed_up = start + dt.timedelta(days=draw.randrange(28), hours=draw.randrange(24))
            sent = SurveySent(profile_id=pid, kind=SurveyKind.EMPLOYMENT_STATUS, round=1, signed_up_at=signed_up,
                              group=group, sent_at=signed_up + dt.timedelta(days=90))
            people.append({"_id": pid, "signed_up_at": signed_up, "group": group.value, "due_at": None,
                           "demo": True})
            decisions.append({"_id": f"{pid}:{sent.key}", "profile_id": pid, "decided_at": sent.sent_at,
                              "action": "send", "survey_key": sent.key, "survey": sent.model_dump(mode="json")})
            if draw.random() >= RESPONSE_RATE:
                continue
            working = draw.random() < BACK_AT_WORK[group]
            helped = draw.choice([Helped.YES_A_LOT, Helped.YES, Helped.YES, Helped.NOT_AT_ALL])
            score = draw.randint(2, 5)
            form = SurveyForm(situation=Situation.WORKING if working else Situation.SEEKING, helped=helped,
                              scores=Scores(personalised_advice=score, motivation=max(1, score - 1)))
            answer = SurveyAnswered(**sent.model_dump(exclude={"sent_at"}), step="form", seeking=not working,
                                    answered_at=sent.sent_at + dt.timedelta(days=draw.randrange(1, 6)), form=form)
            answers.append({"_id": f"{pid}:{sent.key}:form", "profile_id": pid, "survey_key": sent.key,
                            "step": "form", "answered_at": answer.answered_at, "data": answer.model_dump(mode="json")})
    return {"people": people, "decisions": decisions, "answers": answers}


def seed(mongo_url: str, now: dt.datetime) -> int:
    """Insert the demo documents that are missing (as the admin); returns how many were inserted."""
    inserted = 0
    client: pymongo.MongoClient[Doc]
    with pymongo.MongoClient(mongo_url, serverSelectionTimeoutMS=5_000) as client:
        db: Database[Doc] = client[DATABASE]
        for name, docs in documents(now).items():
            known = {d["_id"] for d in db[name].find({"_id": {"$in": [d["_id"] for d in docs]}}, {"_id": 1})}
            fresh = [d for d in docs if d["_id"] not in known]
            for start in range(0, len(fresh), MAX_WRITES_PER_COMMAND):
                db[name].insert_many(fresh[start:start + MAX_WRITES_PER_COMMAND])
            inserted += len(fresh)
    return inserted
