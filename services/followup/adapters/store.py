"""Followup storage (synchronous pymongo: call through shared.mongo.run_sync).

people     one document per person: sign-up, trial group, survey state, and `due_at`, when the scheduler
           must look at them again. `revision` grows on every outside change so the scheduler never
           overwrites a newer `due_at` with one planned from a stale read (FerretDB has no transactions).
decisions  one per (person, survey), (person, "release") or (person, "coaching:<focus>"); `outbox_entry`
           names the outbox entry holding its events (shared/messaging/outbox.py). The deterministic id is what
           makes a survey, or a coaching focus, go out at most once.
answers    one per (person, survey, step), with its `outbox_entry`; a reused link hits the unique id.
outbox     the events still to send, written by shared.messaging.outbox (see adapters/privacy.py for erasures).
training_examples  profile features at sign-up -> back at work or not, one per (person, survey)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pymongo import ASCENDING, MongoClient
from pymongo.database import Database
from pymongo.errors import BulkWriteError

from shared.messaging.outbox import Outbox
from shared.mongo import DUPLICATE_KEY, as_utc, insert_ignoring_duplicates
from shared.schemas.followup import Group

Doc = dict[str, Any]


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

    def adopt_legacy_outboxes(self, outbox: Outbox, now: dt.datetime) -> int:
        """Documents written before the shared outbox carry their events in an `outbox` list, sent once `relayed`:
        the unsent ones move to `outbox` (the relay's vet still applies), and every list goes, since the sent
        ones keep emails, addresses included. Idempotent; returns how many documents it changed."""
        changed = 0
        for collection in (self.decisions, self.answers):
            for doc in collection.find({"outbox": {"$exists": True}}, {"outbox": 1, "relayed": 1}):
                if doc["outbox"] and not doc.get("relayed", True):
                    # The stored records already have the entry's record format (topic, key, value).
                    outbox.add([{"_id": f"legacy:{collection.name}:{doc['_id']}", "records": doc["outbox"],
                                 "created_at": now}])
                collection.update_one({"_id": doc["_id"]}, {"$unset": {"outbox": "", "relayed": "", "relayed_at": ""}})
                changed += 1
        return changed

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

    def record_decisions(self, docs: list[Doc]) -> set[str]:
        """Returns the ids already there (decided before): those keep their first version and outbox entry."""
        if not docs:
            return set()
        try:
            self.decisions.insert_many(docs, ordered=False)
        except BulkWriteError as exc:
            errors = exc.details["writeErrors"]
            if any(error["code"] != DUPLICATE_KEY for error in errors):
                raise
            return {docs[error["index"]]["_id"] for error in errors}
        return set()

    def mark_planned(self, person: Doc, handled: list[str], released_at: dt.datetime | None,
                     next_check: dt.datetime | None, coached_at: dt.datetime | None = None) -> None:
        changes = {k: v for k, v in (("released_at", released_at), ("coaching_last_at", coached_at)) if v}
        update: Doc = {"$set": changes} if changes else {}
        if handled:
            update["$addToSet"] = {"handled": {"$each": handled}}
        if update:
            self.people.update_one({"_id": person["_id"]}, update)
        self.people.update_one(
            {"_id": person["_id"], "revision": person["revision"]}, {"$set": {"due_at": next_check}}
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

    def record_plan(self, profile_id: str, revision: int, actions_left: int, at: dt.datetime) -> None:
        """A newer revision of the person's action plan (an older or replayed one changes nothing): the scheduler
        looks at them again."""
        changes = {"$set": {"plan_revision": revision, "plan_actions_left": actions_left, "due_at": at},
                   "$inc": {"revision": 1}}
        newer = {"_id": profile_id, "erased_at": None, "plan_revision": {"$lt": revision}}
        if not self.people.update_one(newer, changes).matched_count:
            first = {"_id": profile_id, "erased_at": None, "plan_revision": {"$exists": False}}
            self.people.update_one(first, changes)

    def unsubscribe_coaching(self, profile_id: str, at: dt.datetime) -> None:
        """Stops the coaching emails only: the surveys continue."""
        self.people.update_one(
            {"_id": profile_id, "coaching_unsubscribed_at": None},
            {"$set": {"coaching_unsubscribed_at": at, "due_at": at}, "$inc": {"revision": 1}},
        )

    def save_training_example(self, example_id: str, doc: Doc) -> None:
        self.training_examples.update_one({"_id": example_id}, {"$set": doc}, upsert=True)

    # Figures
    def sent_surveys(self) -> list[Doc]:
        return [d["survey"] for d in self.decisions.find({"action": "send"}, {"survey": 1})]

    def answer_data(self) -> list[Doc]:
        return [d["data"] for d in self.answers.find({}, {"data": 1})]

    def signups(self) -> list[tuple[str, Group]]:
        """(sign-up month "YYYY-MM", trial group) of everyone signed up; not the stand-ins of people erased before
        their sign-up was consumed (they never signed up here: no time, no group)."""
        return [(as_utc(p["signed_up_at"]).strftime("%Y-%m"), Group(p["group"]))
                for p in self.people.find({"signed_up_at": {"$exists": True}}, {"signed_up_at": 1, "group": 1})]

    def overdue(self, before: dt.datetime) -> int:
        """People due before `before` whom the scheduler has not handled yet."""
        return self.people.count_documents({"due_at": {"$lte": before}})
