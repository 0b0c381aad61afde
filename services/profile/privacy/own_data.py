"""What the profile service itself holds about a person, exported or erased on request.

Erasure deletes the profile versions (their outbox copies of the events included) and export archives, and
redacts the account down to its id and the erasure date: enough to refuse a stale refresh token."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.profile.accounts import store as accounts
from services.profile.adapters import repository
from services.profile.adapters.documents import PendingRelay, ProfileVersion
from services.profile.privacy import store


def _versions(person_id: str) -> list[ProfileVersion]:
    found = []
    version = 1
    while (doc := repository.get_version(person_id, version)) is not None:
        found.append(doc)
        version += 1
    return found


def export_person(person_id: str) -> dict[str, Any]:
    account = accounts.get(person_id)
    return {
        "account": None if account is None else {
            "account_id": account["_id"], "email": account["email"], "roles": account["roles"],
            "created_at": account["created_at"].isoformat(),
        },
        "profile_versions": [
            {"version": v.version, "submitted_at": v.submitted_at.isoformat(), "profile": v.profile}
            for v in _versions(person_id)
        ],
    }


def erase_person(person_id: str, now: dt.datetime) -> dict[str, int]:
    versions = _versions(person_id)
    for version in versions:
        PendingRelay.objects(id=version.id).delete()
        version.delete()
    account = accounts.get(person_id)
    archives = 0
    if account is not None:
        archives = store.delete_answers(
            [r for r in account.get("privacy_requests", []) if r != store.erasure_id(person_id)]
        )
        if account.get("email"):
            accounts.account_emails().delete_one({"_id": accounts.email_key(account["email"])})
        accounts.accounts().update_one({"_id": person_id}, {"$set": {
            "email": None, "roles": [], "erased_at": account.get("erased_at") or now}})
    return {"profile_versions": len(versions), "accounts": int(account is not None), "export_archives": archives}
