"""Storing matches on FerretDB, whose conditional updates and `$inc` are read-then-write without a lock across
connections (8 clients taking the last slot of one pledge got 2 to 6 "winners" in 17 of 20 trials). Every decision
that two processes may race on is therefore the insert of a deterministic `_id`, the one write two writers cannot
both win:
- a slot n < capacity of a pledge (`{pledge_id}:slot:{n}` in `slots`), and of a document (its reviews): a match
  takes one of each or none; a time-out deletes its own; a done match marks its slots `done`;
- a review (its id is document × pledge, so one helper never gets one document twice), a coffee (one per request);
- the end of a review (`review_ends`) and a pledge's fulfilment (`{pledge_id}:fulfilled` in `slots`).
The counters on pledges and documents (`free`, `assigned`, `done`, `taken`) are recounted from the slots after
each change: they narrow the matcher's scan and feed the views; the slots decide.

A state document written together with its events names their outbox entry (`outbox_entries`, see
`service/events.py`): the entry's id is passed in and written in the same write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from services.pledges.adapters import db
from services.pledges.domain.kinds import DOCUMENT_KIND, MAX_REVIEWS_PER_DOCUMENT, PledgeKind, ReviewState
from services.pledges.domain.matching import CoffeeRequest, Match, OpenDocument, OpenPledge, Place
from shared.mongo import as_utc
from shared.schemas.profile import AreaType

SCAN = 200  # requests or pledges looked at per matching pass
RECOUNTS = 3  # a recount raced by another one is done again, until two readings agree
ORPHAN_WINDOW = dt.timedelta(days=1)  # how far back the sweep looks for slots whose match was never stored
IDS_PER_QUERY = 500


def open_pledges(kind: PledgeKind) -> list[OpenPledge]:
    docs = db.pledges().find({"kind": kind.value, "active": True, "free": {"$gt": 0}}).sort("created_at", 1)
    return [
        OpenPledge(
            pledge_id=p["_id"], helper_id=p["helper_id"], helper_email=p["helper_email"], kind=kind, free=p["free"],
            since=as_utc(p["created_at"]), cities=tuple(Place(c["name"], c["departement_id"]) for c in p["cities"]),
            remote=p["remote"], domains=tuple(p["domains"]),
        )
        for p in docs.limit(SCAN)
    ]


def open_documents(kind: PledgeKind) -> list[OpenDocument]:
    query = {"kind": DOCUMENT_KIND[kind].value, "taken": {"$lt": MAX_REVIEWS_PER_DOCUMENT}}
    docs = db.documents().find(query, {"data": 0}).sort("created_at", 1).limit(SCAN)
    return [
        OpenDocument(
            document_id=d["_id"], owner_email=d["email"], kind=DOCUMENT_KIND[kind],
            free=MAX_REVIEWS_PER_DOCUMENT - d["taken"], since=as_utc(d["created_at"]),
            reviewers=frozenset(d["reviewers"]), owner_id=d["profile_id"],
        )
        for d in docs
    ]


def open_coffee_requests() -> list[CoffeeRequest]:
    docs = db.coffee_requests().find({"active": True, "matched": False}).sort("created_at", 1).limit(SCAN)
    return [
        CoffeeRequest(
            profile_id=r["_id"], email=r["email"], rome_code=r["rome_code"],
            place=Place(r["city"]["name"], r["city"]["departement_id"]), mobility=AreaType(r["mobility_area"]),
            since=as_utc(r["created_at"]),
        )
        for r in docs
    ]


def slot_ids(owner: str, capacity: int) -> list[str]:
    return [f"{owner}:slot:{n}" for n in range(capacity)]


def fulfilled_id(pledge_id: str) -> str:
    return f"{pledge_id}:fulfilled"


def _claim_slot(owner: str, capacity: int, holder: str, now: dt.datetime, *, done: bool = False) -> str | None:
    """The slot this holder won, or None when all are taken. The unique `_id` decides, not the read."""
    ids = slot_ids(owner, capacity)
    taken = {s["_id"] for s in db.slots().find({"_id": {"$in": ids}}, {"_id": 1})}
    for slot in ids:
        if slot in taken:
            continue
        try:
            db.slots().insert_one({"_id": slot, "owner": owner, "holder": holder, "done": done, "at": now})
        except DuplicateKeyError:
            continue
        return slot
    return None


def _release(holder: str, *slots: str | None) -> None:
    for slot in slots:
        if slot is not None:
            db.slots().delete_one({"_id": slot, "holder": holder})


def _held(owner: str, capacity: int) -> tuple[int, int]:
    """(slots held, of which done)."""
    held = list(db.slots().find({"_id": {"$in": slot_ids(owner, capacity)}}, {"done": 1}))
    return len(held), sum(1 for s in held if s.get("done"))


def _recount(collection: str, owner: str, capacity: int, counts: Any) -> None:
    """Writes the counters the slots give; again when the slots changed meanwhile (another process's recount may
    have landed after ours with older figures)."""
    seen = _held(owner, capacity)
    for _ in range(RECOUNTS):
        db.coll(collection).update_one({"_id": owner}, {"$set": counts(*seen)})
        now_seen = _held(owner, capacity)
        if now_seen == seen:
            return
        seen = now_seen


def recount_pledge(pledge_id: str) -> None:
    pledge = db.pledges().find_one({"_id": pledge_id}, {"capacity": 1})
    if pledge is not None:
        capacity = int(pledge["capacity"])
        _recount("pledges", pledge_id, capacity,
                 lambda held, done: {"free": capacity - held, "assigned": held - done, "done": done})


def recount_document(document_id: str) -> None:
    _recount("documents", document_id, MAX_REVIEWS_PER_DOCUMENT, lambda held, done: {"taken": held, "done": done})


def review_id(document_id: str, pledge_id: str) -> str:
    return db.record_id("review", document_id, pledge_id)


def coffee_id(profile_id: str) -> str:
    return db.record_id("coffee", profile_id)


def claim_review(match: Match, now: dt.datetime) -> dict[str, Any] | None:
    """The review to store (see `store_review`) with a slot of the document and of the pledge taken for it, or None
    when either is full, or the helper already had this document."""
    rid = review_id(match.request_id, match.pledge_id)
    if db.reviews().find_one({"_id": rid}, {"_id": 1}) is not None:
        return None
    document = db.documents().find_one({"_id": match.request_id}, {"data": 0})
    pledge = db.pledges().find_one({"_id": match.pledge_id})
    if document is None or pledge is None or not pledge["active"]:
        return None
    document_slot = _claim_slot(match.request_id, MAX_REVIEWS_PER_DOCUMENT, rid, now)
    if document_slot is None:
        recount_document(match.request_id)
        return None
    pledge_slot = _claim_slot(match.pledge_id, int(pledge["capacity"]), rid, now)
    if pledge_slot is None:
        _release(rid, document_slot)
        recount_pledge(match.pledge_id)
        return None
    return {
        "_id": rid, "document_id": match.request_id,
        "pledge_id": match.pledge_id, "helper_id": match.helper_id, "helper_email": pledge["helper_email"],
        "profile_id": document["profile_id"], "owner_email": document["email"], "kind": document["kind"],
        "state": ReviewState.SENT.value, "sent_at": now, "document_slot": document_slot, "pledge_slot": pledge_slot,
    }


def store_review(review: dict[str, Any], outbox_entry: str | None) -> bool:
    """Stores a claimed review with its events' entry; False (slots given back) when it was stored already."""
    rid = review["_id"]
    # Indexed before it exists: a listing skips ids not stored yet, never misses a stored review. (Two processes
    # adding to one list may lose one addition on FerretDB: the slots, not these lists, decide the capacity.)
    db.documents().update_one({"_id": review["document_id"]}, {"$addToSet": {
        "reviewers": review["helper_id"], "review_ids": rid}})
    db.helper_reviews().update_one({"_id": review["helper_id"]}, {"$addToSet": {"review_ids": rid}}, upsert=True)
    try:
        db.reviews().insert_one({**review, "outbox_entries": [outbox_entry] if outbox_entry else []})
    except DuplicateKeyError:
        _release(rid, review["document_slot"], review["pledge_slot"])
        return False
    finally:
        recount_document(review["document_id"])
        recount_pledge(review["pledge_id"])
    return True


def claim_coffee(match: Match, now: dt.datetime) -> dict[str, Any] | None:
    """The coffee to store (see `store_coffee`) with a slot of the pledge taken for it (done: the introduction is
    the match), or None when the request was matched or the pledge is full."""
    request = db.coffee_requests().find_one({"_id": match.request_id})
    if request is None or not request["active"] or request["matched"]:
        return None
    cid = coffee_id(match.request_id)
    pledge = db.pledges().find_one({"_id": match.pledge_id})
    if pledge is None or not pledge["active"] or db.coffees().find_one({"_id": cid}, {"_id": 1}) is not None:
        return None
    slot = _claim_slot(match.pledge_id, int(pledge["capacity"]), cid, now, done=True)
    if slot is None:
        recount_pledge(match.pledge_id)
        return None
    return {
        "_id": cid, "profile_id": match.request_id, "seeker_email": request["email"],
        "pledge_id": match.pledge_id, "helper_id": match.helper_id, "helper_email": pledge["helper_email"],
        "proximity": match.proximity.name, "matched_at": now, "pledge_slot": slot,
    }


def store_coffee(coffee: dict[str, Any], outbox_entry: str | None) -> bool:
    """Stores a claimed coffee; False (slot given back) when the request got one meanwhile. The claim is the
    insert under an id derived from the request (a conditional update on the request proved racy)."""
    try:
        db.coffees().insert_one({**coffee, "outbox_entries": [outbox_entry] if outbox_entry else []})
    except DuplicateKeyError:
        _release(coffee["_id"], coffee["pledge_slot"])
        return False
    finally:
        recount_pledge(coffee["pledge_id"])
    db.coffee_requests().update_one({"_id": coffee["profile_id"]}, {"$set": {"matched": True}})
    return True


def fulfilled_pledge(pledge_id: str) -> dict[str, Any] | None:
    """The pledge when every slot of it is done and its fulfilment not yet recorded."""
    pledge: dict[str, Any] | None = db.pledges().find_one({"_id": pledge_id})
    if pledge is None or pledge.get("fulfilled") or db.slots().find_one({"_id": fulfilled_id(pledge_id)}):
        return None
    held, done = _held(pledge_id, int(pledge["capacity"]))
    return pledge if done == pledge["capacity"] else None


def mark_fulfilled(pledge_id: str, outbox_entry: str | None, now: dt.datetime) -> bool:
    """Records the fulfilment once (the unique insert); True for the one caller that did."""
    try:
        db.slots().insert_one({"_id": fulfilled_id(pledge_id), "owner": pledge_id, "at": now,
                               "outbox_entries": [outbox_entry] if outbox_entry else []})
        won = True
    except DuplicateKeyError:
        won = False
    db.pledges().update_one({"_id": pledge_id}, {"$set": {"fulfilled": True}})
    return won


def read_review(review: str) -> dict[str, Any] | None:
    found: dict[str, Any] | None = db.reviews().find_one({"_id": review})
    return found


def _end(review: str, outcome: ReviewState, now: dt.datetime, outbox_entry: str | None, text: str | None = None
         ) -> bool:
    """Claims the end of a review: the API (submission) and the worker (time-out) may race, and FerretDB's
    conditional updates are not exclusive across connections; a unique `_id` is. The claim holds what it decided
    (the text, until it is on the review) and names the entry of the end's events: they leave only if it won."""
    current = db.reviews().find_one({"_id": review}, {"state": 1})
    if current is None or current["state"] != ReviewState.SENT.value:
        return False
    claim = {"_id": review, "outcome": outcome.value, "at": now,
             "outbox_entries": [outbox_entry] if outbox_entry else [], **({"text": text} if text is not None else {})}
    try:
        db.review_ends().insert_one(claim)
    except DuplicateKeyError:
        return False
    return True


def _mark_done(*slots: str | None) -> None:
    for slot in slots:
        if slot is not None:  # reviews stored before the slots existed have none
            db.slots().update_one({"_id": slot}, {"$set": {"done": True}})  # its holder is the only writer


def finish_end(review: str) -> dict[str, Any] | None:
    """Applies what the review's end claim decided while the review still reads SENT, and returns the review it
    changed (None: nothing to do). The claimant does it at once; what a claimant that died left undone is done by
    the next caller that looks (a submission, the time-out sweep, an erasure). Doing it twice changes nothing."""
    claim = db.review_ends().find_one({"_id": review})
    if claim is None:
        return None
    if claim["outcome"] == ReviewState.DONE.value:
        done: dict[str, Any] | None = db.reviews().find_one_and_update(
            {"_id": review, "state": ReviewState.SENT.value},
            {"$set": {"state": ReviewState.DONE.value, "text": claim.get("text", ""), "done_at": claim["at"]}},
            return_document=ReturnDocument.AFTER,
        )
        if done is not None:
            _mark_done(done.get("document_slot"), done.get("pledge_slot"))
            recount_document(done["document_id"])
            recount_pledge(done["pledge_id"])
        if "text" in claim:  # on the review now: the claim keeps no copy
            db.review_ends().update_one({"_id": review}, {"$unset": {"text": ""}})
        return done
    timed_out: dict[str, Any] | None = db.reviews().find_one_and_update(
        {"_id": review, "state": ReviewState.SENT.value},
        {"$set": {"state": ReviewState.TIME_OUT.value, "timed_out_at": claim["at"]}},
        return_document=ReturnDocument.AFTER,
    )
    if timed_out is not None:
        _release(review, timed_out.get("document_slot"), timed_out.get("pledge_slot"))
        recount_document(timed_out["document_id"])
        recount_pledge(timed_out["pledge_id"])
    return timed_out


def complete_review(review: str, text: str, now: dt.datetime, outbox_entry: str | None = None) -> dict[str, Any] | None:
    """SENT → DONE exactly once; None when the review is not SENT any more, or its end was claimed already."""
    if not _end(review, ReviewState.DONE, now, outbox_entry, text):
        finish_end(review)
        return None
    done: dict[str, Any] | None = finish_end(review) or db.reviews().find_one({"_id": review})  # won: it is DONE
    return done


def forget_addresses(review: str, *, owner: bool, helper: str | None) -> None:
    """Removes an erased person's address from their review (the helper's becomes `helper`, a redacted one)."""
    change = {**({"owner_email": ""} if owner else {}), **({"helper_email": helper} if helper else {})}
    if change:
        db.reviews().update_one({"_id": review}, {"$set": change})


def forget_coffee_addresses(coffee: str, *, seeker: bool, helper: str | None) -> None:
    change = {**({"seeker_email": ""} if seeker else {}), **({"helper_email": helper} if helper else {})}
    if change:
        db.coffees().update_one({"_id": coffee}, {"$set": change})


def due_reviews(now: dt.datetime, timeout: dt.timedelta, limit: int = 100) -> list[str]:
    query = {"state": ReviewState.SENT.value, "sent_at": {"$lt": now - timeout}}
    return [r["_id"] for r in db.reviews().find(query, {"_id": 1}).limit(limit)]


def time_out_review(review: str, now: dt.datetime, outbox_entry: str | None = None) -> dict[str, Any] | None:
    """SENT → TIME_OUT; gives back the document's slot (not to the same helper: the review id stays taken) and
    the pledge's. None when the review is not SENT any more, or its end was claimed already (what that claim
    decided is finished here if its claimant died)."""
    won = _end(review, ReviewState.TIME_OUT, now, outbox_entry)
    finished = finish_end(review)
    return finished if won else None



def release_orphan_slots(now: dt.datetime, age: dt.timedelta) -> int:
    """Gives back the slots whose match was never stored (its process died between the claim and the store), once
    they are older than `age`, far longer than a store takes; returns how many. A scan: it runs in the sweep."""
    lost = 0
    window = {"at": {"$lt": now - age, "$gte": now - age - ORPHAN_WINDOW}, "holder": {"$exists": True}}
    claims = list(db.slots().find(window, {"holder": 1, "owner": 1}))
    holders = [c["holder"] for c in claims]
    stored = {d["_id"] for start in range(0, len(holders), IDS_PER_QUERY) for coll in (db.reviews(), db.coffees())
              for d in coll.find({"_id": {"$in": holders[start:start + IDS_PER_QUERY]}}, {"_id": 1})}
    for claim in claims:
        if claim["holder"] not in stored:
            lost += db.slots().delete_one({"_id": claim["_id"], "holder": claim["holder"]}).deleted_count
            recount_pledge(claim["owner"])
            recount_document(claim["owner"])
    return lost


def backfill_slots(now: dt.datetime) -> int:
    """Matches stored before the slots existed take theirs, once per database (the migration's claim is a unique
    insert, so one process runs it); returns how many matches were given slots."""
    try:
        db.migrations().insert_one({"_id": "slots", "at": now})
    except DuplicateKeyError:
        return 0
    given = 0
    live = [ReviewState.SENT.value, ReviewState.DONE.value]
    for review in db.reviews().find({"state": {"$in": live}, "pledge_slot": {"$exists": False}}):
        done = review["state"] == ReviewState.DONE.value
        pledge = db.pledges().find_one({"_id": review["pledge_id"]}, {"capacity": 1})
        slots = {
            "document_slot": _claim_slot(review["document_id"], MAX_REVIEWS_PER_DOCUMENT, review["_id"], now,
                                         done=done),
            "pledge_slot": _claim_slot(review["pledge_id"], int(pledge["capacity"]), review["_id"], now, done=done)
            if pledge else None,
        }
        db.reviews().update_one({"_id": review["_id"]}, {"$set": slots})
        recount_document(review["document_id"])
        recount_pledge(review["pledge_id"])
        given += 1
    for coffee in db.coffees().find({"pledge_slot": {"$exists": False}}):
        pledge = db.pledges().find_one({"_id": coffee["pledge_id"]}, {"capacity": 1})
        slot = _claim_slot(coffee["pledge_id"], int(pledge["capacity"]), coffee["_id"], now, done=True) \
            if pledge else None
        db.coffees().update_one({"_id": coffee["_id"]}, {"$set": {"pledge_slot": slot}})
        recount_pledge(coffee["pledge_id"])
        given += 1
    return given
