"""Storage of accounts, their email index, used magic links and sessions (synchronous: call through run_sync).

Every lookup is by `_id` (FerretDB scans for anything else): the email index maps a hash of the email to the
account id, so finding an account by email never scans."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import Any

from mongoengine.connection import get_db  # type: ignore[import-untyped]
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

Doc = dict[str, Any]


def _coll(name: str) -> Collection[Doc]:
    collection: Collection[Doc] = get_db()[name]
    return collection


def accounts() -> Collection[Doc]:
    return _coll("accounts")


def account_emails() -> Collection[Doc]:
    return _coll("account_emails")


def used_links() -> Collection[Doc]:
    return _coll("used_magic_links")


def sessions() -> Collection[Doc]:
    return _coll("sessions")


def email_key(email: str) -> str:
    return hashlib.sha256(email.strip().casefold().encode()).hexdigest()


def find_by_email(email: str) -> Doc | None:
    entry = account_emails().find_one({"_id": email_key(email)})
    return None if entry is None else get(entry["account_id"])


def get(account_id: str) -> Doc | None:
    return accounts().find_one({"_id": account_id})


def erased_among(account_ids: list[str]) -> set[str]:
    """Which of these accounts were erased: one `_id $in` query (an index search, deploy/ferretdb/patches)."""
    found = accounts().find({"_id": {"$in": account_ids}}, {"erased_at": 1})
    return {str(doc["_id"]) for doc in found if doc.get("erased_at") is not None}


def find_or_create(email: str, now: dt.datetime) -> Doc:
    """The account of this email, created on first sign-in. Two first sign-ins at once race on the index."""
    found = find_by_email(email)
    if found is not None:
        return found
    account: Doc = {
        "_id": uuid.uuid4().hex, "email": email.strip().casefold(), "roles": [], "created_at": now,
        "erased_at": None,
    }
    accounts().insert_one(account)
    try:
        account_emails().insert_one({"_id": email_key(email), "account_id": account["_id"]})
    except DuplicateKeyError:
        accounts().delete_one({"_id": account["_id"]})
        winner = find_by_email(email)
        assert winner is not None
        return winner
    return account


def add_role(account: Doc, role: str) -> Doc:
    if role in account["roles"]:
        return account
    accounts().update_one({"_id": account["_id"]}, {"$addToSet": {"roles": role}})
    return {**account, "roles": [*account["roles"], role]}


def mark_erased(account_id: str, now: dt.datetime) -> None:
    """Before any service erases: refresh tokens and profile writes stop at once."""
    accounts().update_one({"_id": account_id, "erased_at": None}, {"$set": {"erased_at": now}})


def use_link(jti: str, now: dt.datetime) -> bool:
    """Marks a magic link used; False when it already was (single use, even under concurrent clicks)."""
    try:
        used_links().insert_one({"_id": jti, "used_at": now})
    except DuplicateKeyError:
        return False
    return True


def open_session(account_id: str, now: dt.datetime) -> Doc:
    session: Doc = {
        "_id": uuid.uuid4().hex, "account_id": account_id, "generation": 0, "revoked": False, "created_at": now,
    }
    sessions().insert_one(session)
    return session


def get_session(session_id: str) -> Doc | None:
    return sessions().find_one({"_id": session_id})


def used_refresh_tokens() -> Collection[Doc]:
    return _coll("used_refresh_tokens")


def advance_session(session_id: str, generation: int, now: dt.datetime) -> bool:
    """Moves the session to its next refresh token; False if that token was already used or is not the current
    one. The use is claimed by a unique insert: two refreshes at once must not both win, and FerretDB's
    conditional updates are not exclusive across connections."""
    session = get_session(session_id)
    if session is None or session["revoked"] or session["generation"] != generation:
        return False
    try:
        used_refresh_tokens().insert_one({"_id": f"{session_id}:{generation}", "used_at": now})
    except DuplicateKeyError:
        return False
    sessions().update_one({"_id": session_id}, {"$set": {"generation": generation + 1, "refreshed_at": now}})
    return True


def revoke_session(session_id: str, now: dt.datetime) -> None:
    sessions().update_one({"_id": session_id}, {"$set": {"revoked": True, "revoked_at": now}})
