"""Partners storage (synchronous pymongo: call through shared.mongo.run_sync), in the `bob_partners` database.

partners    one per partner, `_id` its name: what it subscribes to, how it receives, its webhook's state, its
            pseudonym key and webhook secrets sealed under the platform's key-encryption keys (never returned).
recipients  `<partner>:<pseudonym>`: this partner received this person, so it gets the person's erasure notice.
queue       `<partner>:<event id>`: webhook deliveries not yet done (a delivered one leaves). The sender reads the
            enabled endpoints' part each tick by `_id` range (`<partner>:` to `<partner>;`: an index range on
            MongoDB, and on FerretDB by deploy/ferretdb/patches/sqlite-id-prefix-ranges.patch), so a disabled
            endpoint's backlog costs nothing per tick.
log         `<partner>:<event id>`: every delivery with its status and attempts, and its body for replays; kept
            for the retention period (PARTNERS_LOG_RETENTION_DAYS), a person's entries erased with them.
delivery_attempts, disablings   claims that decide races between senders (an attempt; an endpoint's disabling).

Every write is by a deterministic `_id`: a redelivered event or a replay finds its document already there."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain
from typing import Any

from pymongo import MongoClient, UpdateOne
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from shared.crypto.keystore import IDS_PER_QUERY
from shared.mongo import MAX_WRITES_PER_COMMAND, as_utc, insert_ignoring_duplicates, insert_returning_existing

Doc = dict[str, Any]


@dataclass(frozen=True)
class Backlog:
    """What waits for a partner: deliveries, how many of them were tried already, since when the oldest."""

    pending: int
    retries: int
    oldest: dt.datetime | None

    @classmethod
    def of(cls, queued: list[Doc]) -> Backlog:
        return cls(len(queued), sum(1 for d in queued if d["attempts"] > 0),
                   min((as_utc(d["created_at"]) for d in queued), default=None))


@dataclass(frozen=True)
class Outcome:
    """One delivery attempt: `next_at` when it is tried again, None when done (delivered or given up)."""

    id: str
    status: str  # delivered, retrying, given-up
    attempts: int
    error: str | None = None
    next_at: dt.datetime | None = None


class Store:
    def __init__(self, db: Database[Doc]) -> None:
        self.db = db
        self.partners = db["partners"]
        self.recipients = db["recipients"]
        self.queue = db["queue"]
        self.log = db["log"]
        self.attempts = db["delivery_attempts"]
        self.disablings = db["disablings"]

    @classmethod
    def open(cls, url: str, db: str) -> Store:
        client: MongoClient[Doc] = MongoClient(url, tz_aware=True, serverSelectionTimeoutMS=5_000)
        return cls(client[db])

    # Partners
    def add_partner(self, doc: Doc) -> bool:
        """False when the name is taken."""
        return insert_ignoring_duplicates(self.partners, [doc]) == 0

    def partner(self, name: str, retiring_too: bool = False) -> Doc | None:
        doc = self.partners.find_one({"_id": name})
        return doc if doc is None or retiring_too or doc.get("retiring_at") is None else None

    def all_partners(self) -> list[Doc]:
        """The partners, but those being retired."""
        return list(self.partners.find({"retiring_at": None}))

    def forget_partner(self, name: str, now: dt.datetime) -> int:
        """Everything stored for a partner, in an order that a retry after a crash completes: marked retiring
        (no feed, no sending from the next batch or pass on), its deliveries, recipients and claims, then its
        document. Returns how many deliveries were still queued."""
        self.update_partner(name, {"retiring_at": now})
        mine = _ids_of(name)
        dropped = int(self.queue.delete_many(mine).deleted_count)
        for collection in (self.log, self.recipients, self.attempts, self.disablings):
            collection.delete_many(mine)
        self.partners.delete_one({"_id": name})
        return dropped

    def update_partner(self, name: str, changes: Doc) -> None:
        self.partners.update_one({"_id": name}, {"$set": changes})

    # Recipients
    def add_recipients(self, ids: list[str], now: dt.datetime) -> None:
        insert_ignoring_duplicates(self.recipients, [{"_id": i, "at": now} for i in dict.fromkeys(ids)])

    def recipients_among(self, ids: list[str]) -> set[str]:
        return {str(d["_id"]) for d in self.recipients.find({"_id": {"$in": ids}}, {"_id": 1})}

    def recipients_of(self, ids: list[str]) -> list[Doc]:
        return list(self.recipients.find({"_id": {"$in": ids}}))

    def forget_recipients(self, ids: list[str]) -> None:
        if ids:
            self.recipients.delete_many({"_id": {"$in": ids}})

    # Webhook deliveries
    def enqueue(self, docs: list[Doc]) -> int:
        """Queue and log new deliveries; returns how many of the events they come from (`cause`: one event makes a
        delivery per partner) were queued already (redelivered)."""
        replayed: set[str] = set()
        for start in range(0, len(docs), MAX_WRITES_PER_COMMAND):
            chunk = docs[start:start + MAX_WRITES_PER_COMMAND]
            insert_ignoring_duplicates(self.log, [_log_entry(d) for d in chunk])
            replayed.update(chunk[i]["cause"] for i in insert_returning_existing(self.queue, chunk))
        return len(replayed)

    def claim_attempt(self, delivery: Doc, now: dt.datetime) -> bool:
        """Claims one attempt at a queued delivery (`{id}:{seq}:{attempts}`: a replay has a new `seq`) by a unique
        insert, so two senders reading the same queue never post it twice; False when another one has it."""
        try:
            self.attempts.insert_one(
                {"_id": f"{delivery['_id']}:{delivery['seq']}:{delivery['attempts']}", "at": now})
        except DuplicateKeyError:
            return False
        return True

    def claim_disabling(self, name: str, enabled_at: dt.datetime | None, now: dt.datetime, error: str) -> bool:
        """Claims the disabling of an endpoint since it was last enabled (`enabled_at`, None: since registered) by a
        unique insert, so of two senders counting failures only one disables it and tells operators. The claim
        holds what the disabling writes: a sender that dies before writing it leaves it to the next pass."""
        try:
            self.disablings.insert_one({"_id": _disabling_id(name, enabled_at), "partner": name, "at": now,
                                        "last_error": error})
        except DuplicateKeyError:
            return False
        return True

    def disablings_of(self, endpoints: dict[str, dt.datetime | None]) -> dict[str, Doc]:
        """The claimed disablings of these endpoints (name: when last enabled), by name."""
        ids = [_disabling_id(name, enabled_at) for name, enabled_at in endpoints.items()]
        return {d["partner"]: {**d, "at": as_utc(d["at"])}
                for d in self.disablings.find({"_id": {"$in": ids}})} if ids else {}

    def disable_webhook(self, name: str, enabled_at: dt.datetime | None, changes: Doc) -> None:
        """Disables the endpoint unless an operator enabled it since `enabled_at`."""
        self.partners.update_one({"_id": name, "webhook.enabled_at": enabled_at},
                                 {"$set": {"webhook.enabled": False, **changes}})

    def queued(self, partners: Iterable[str] | None = None) -> list[Doc]:
        """The queued deliveries; of these partners only when they are named."""
        found = self.queue.find() if partners is None else chain.from_iterable(
            self.queue.find(_ids_of(p)) for p in partners)
        return [{**d, "next_at": as_utc(d["next_at"]), "created_at": as_utc(d["created_at"]),
                 "scheduled_at": d.get("scheduled_at") and as_utc(d["scheduled_at"])} for d in found]

    def backlog(self, partner: str) -> Backlog:
        return Backlog.of(list(self.queue.find(_ids_of(partner), {"attempts": 1, "created_at": 1})))

    def record(self, outcomes: list[Outcome], now: dt.datetime) -> None:
        """A pass's attempts, in a few commands: their log entries; the queue loses what was delivered or given up
        and keeps the others with their next attempt, dated `scheduled_at` (an endpoint enabled after that makes it
        due at once). A log entry's attempts count from 0 (queued, replayed)."""
        log = [UpdateOne({"_id": o.id}, {"$set": {
            "status": o.status, "attempts": o.attempts, "updated_at": now, "last_error": o.error}})
            for o in outcomes if o.status != "delivered"]
        # The usual case in one statement per chunk: each delivered one's attempts are its failures plus this one.
        delivered = [o.id for o in outcomes if o.status == "delivered"]
        for start in range(0, len(delivered), IDS_PER_QUERY):
            self.log.update_many({"_id": {"$in": delivered[start:start + IDS_PER_QUERY]}}, {
                "$set": {"status": "delivered", "updated_at": now, "last_error": None}, "$inc": {"attempts": 1}})
        retried = [UpdateOne({"_id": o.id}, {"$set": {
            "attempts": o.attempts, "next_at": o.next_at, "scheduled_at": now}})
                   for o in outcomes if o.next_at is not None]
        done = [o.id for o in outcomes if o.next_at is None]
        for writes, collection in ((log, self.log), (retried, self.queue)):
            for start in range(0, len(writes), MAX_WRITES_PER_COMMAND):
                collection.bulk_write(writes[start:start + MAX_WRITES_PER_COMMAND], ordered=False)
        for start in range(0, len(done), IDS_PER_QUERY):
            self.queue.delete_many({"_id": {"$in": done[start:start + IDS_PER_QUERY]}})

    def queue_again(self, docs: list[Doc]) -> None:
        """Replays: queued unless still waiting (then they go with their first try)."""
        for start in range(0, len(docs), MAX_WRITES_PER_COMMAND):
            insert_ignoring_duplicates(self.queue, docs[start:start + MAX_WRITES_PER_COMMAND])
        if docs:
            self.log.update_many({"_id": {"$in": [d["_id"] for d in docs]}},
                                 {"$set": {"status": "replaying", "attempts": 0}})

    def log_of(self, partner: str, limit: int, since: dt.datetime | None = None,
               until: dt.datetime | None = None) -> list[Doc]:
        """A partner's deliveries, newest first (a scan of the log: an operator's or partner's rare read)."""
        query: Doc = {"partner": partner}
        if since is not None or until is not None:
            query["created_at"] = {k: v for k, v in (("$gte", since), ("$lt", until)) if v is not None}
        return list(self.log.find(query).sort("created_at", -1).limit(limit))


    # A person's deliveries (GDPR requests) and the log's retention: scans of the log, rare and bounded by it.
    def deliveries_in_lanes(self, lanes: list[str]) -> list[Doc]:
        return list(self.log.find({"lane": {"$in": lanes}}, {"body": 0}).sort("created_at", 1)) if lanes else []

    def erase_lanes(self, lanes: list[str], keep_type: str) -> int:
        """Deletes the lanes' deliveries, logged and queued, but those of `keep_type` (the erasure notices, which
        must still go); returns how many log entries went."""
        if not lanes:
            return 0
        query = {"lane": {"$in": lanes}, "type": {"$ne": keep_type}}
        self.queue.delete_many(query)
        return int(self.log.delete_many(query).deleted_count)

    def expire_log(self, before: dt.datetime) -> int:
        """Deletes the log entries settled before `before` (those still queued stay: their outcome is to come)."""
        old = [d["_id"] for d in self.log.find({"updated_at": {"$lt": before}}, {"_id": 1})]
        waiting = {d["_id"] for d in self.queue.find({"_id": {"$in": old}}, {"_id": 1})} if old else set()
        gone = [i for i in old if i not in waiting]
        for start in range(0, len(gone), IDS_PER_QUERY):
            self.log.delete_many({"_id": {"$in": gone[start:start + IDS_PER_QUERY]}})
        return len(gone)


def _disabling_id(name: str, enabled_at: dt.datetime | None) -> str:
    return f"{name}:{enabled_at.isoformat() if enabled_at is not None else 'registered'}"


def _ids_of(partner: str) -> Doc:
    """A partner's documents in the queue, log, recipients and claims: the `_id`s that start with `<partner>:` (`;`
    follows `:`)."""
    return {"_id": {"$gte": f"{partner}:", "$lt": f"{partner};"}}


def _log_entry(queued: Doc) -> Doc:
    return {"_id": queued["_id"], "partner": queued["partner"], "lane": queued["lane"], "type": queued["type"],
            "event_id": queued["event_id"], "body": queued["body"], "status": "pending", "attempts": 0,
            "created_at": queued["created_at"], "updated_at": queued["created_at"], "last_error": None}
