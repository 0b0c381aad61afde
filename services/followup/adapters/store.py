"""Followup storage (synchronous pymongo: call through shared.mongo.run_sync).

people     one document per person: sign-up, trial group, survey state, and `due_at`, when the scheduler
           must look at them again. `revision` grows on every outside change so the scheduler never
           overwrites a newer `due_at` with one planned from a stale read (FerretDB has no transactions).
decisions  one per (person, survey) or (person, "release"), with the events it must emit (its outbox):
           the deterministic id is what makes a survey go out at most once.
answers    one per (person, survey, step), with its outbox; a reused link hits the unique id.
training_examples  profile features at sign-up -> back at work or not, one per (person, survey)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pymongo import ASCENDING, MongoClient, UpdateOne
from pymongo.database import Database

from shared.mongo import insert_ignoring_duplicates

Doc = dict[str, Any]
OUTBOX_COLLECTIONS = ("decisions", "answers")


@dataclass(frozen=True)
class OutboxRecord:
    topic: str
    key: str
    value: str


class Store:
    def __init__(self, db: Database[Doc]) -> None:
        self.db = db
        self.people = db["people"]
        self.decisions = db["decisions"]
        self.answers = db["answers"]
        self.training_examples = db["training_examples"]

    @classmethod
    def open(cls, url: str, db: str) -> Store:
        client: MongoClient[Doc] = MongoClient(
            url, tz_aware=True, serverSelectionTimeoutMS=5_000, uuidRepresentation="standard"
        )
        return cls(client[db])

    def ensure_indexes(self) -> None:
        self.people.create_index([("due_at", ASCENDING)])
        for name in OUTBOX_COLLECTIONS:
            self.db[name].create_index([("relayed", ASCENDING)])

    # Sign-ups and profile updates
    def insert_people(self, docs: list[Doc]) -> int:
        """Returns how many were already there (replays): those keep their first values, group included."""
        return insert_ignoring_duplicates(self.people, docs)

    def update_profile(self, profile_id: str, version: int, changes: Doc, now: dt.datetime) -> None:
        """Apply a later profile version; an older or replayed version changes nothing."""
        self.people.update_one(
            {"_id": profile_id, "profile_version": {"$lt": version}},
            {"$set": {**changes, "profile_version": version, "due_at": now}, "$inc": {"revision": 1}},
        )

    # Scheduler
    def due_people(self, now: dt.datetime, limit: int) -> list[Doc]:
        return list(self.people.find({"due_at": {"$lte": now}}).sort("due_at", ASCENDING).limit(limit))

    def record_decisions(self, docs: list[Doc]) -> None:
        insert_ignoring_duplicates(self.decisions, docs)

    def mark_planned(self, person: Doc, handled: list[str], released_at: dt.datetime | None,
                     next_check: dt.datetime | None) -> None:
        update: Doc = {"$set": {"released_at": released_at}} if released_at else {}
        if handled:
            update["$addToSet"] = {"handled": {"$each": handled}}
        if update:
            self.people.update_one({"_id": person["_id"]}, update)
        self.people.update_one(
            {"_id": person["_id"], "revision": person["revision"]}, {"$set": {"due_at": next_check}}
        )

    # Outbox
    def pending(self, collection: str, limit: int) -> list[Doc]:
        return list(self.db[collection].find({"relayed": False}, {"outbox": 1, "profile_id": 1}).limit(limit))

    def mark_relayed(self, collection: str, ids: list[str], now: dt.datetime) -> None:
        # One update per id in one command: FerretDB scans the whole collection for `_id $in`.
        self.db[collection].bulk_write(
            [UpdateOne({"_id": i}, {"$set": {"relayed": True, "relayed_at": now}}) for i in ids], ordered=False
        )

    # Answers
    def person(self, profile_id: str) -> Doc | None:
        found: Doc | None = self.people.find_one({"_id": profile_id})
        return found

    def decision(self, decision_id: str) -> Doc | None:
        found: Doc | None = self.decisions.find_one({"_id": decision_id})
        return found

    def insert_answer(self, doc: Doc) -> None:
        """Raises pymongo's DuplicateKeyError when this step of this survey was already answered."""
        self.answers.insert_one(doc)

    def record_status(self, profile_id: str, survey_key: str, at: dt.datetime, seeking: bool) -> None:
        self.people.update_one(
            {"_id": profile_id},
            {"$set": {"last_status_at": at, "stopped_seeking": not seeking, "due_at": at},
             "$addToSet": {"answered": survey_key}, "$inc": {"revision": 1}},
        )

    def unsubscribe(self, profile_id: str, at: dt.datetime) -> None:
        self.people.update_one(
            {"_id": profile_id, "unsubscribed_at": None},
            {"$set": {"unsubscribed_at": at, "due_at": at}, "$inc": {"revision": 1}},
        )

    def save_training_example(self, example_id: str, doc: Doc) -> None:
        self.training_examples.update_one({"_id": example_id}, {"$set": doc}, upsert=True)

    # Figures
    def sent_surveys(self) -> list[Doc]:
        return [d["survey"] for d in self.decisions.find({"action": "send"}, {"survey": 1})]

    def answer_data(self) -> list[Doc]:
        return [d["data"] for d in self.answers.find({}, {"data": 1})]
