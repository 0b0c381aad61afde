"""What the profile service itself holds about a person, exported or erased on request.

Erasure deletes the profile versions (with their events still waiting in the outbox), the onboarding draft, the
sessions and export archives, and redacts the account down to its id and the erasure date: enough to refuse a
stale refresh token. It also destroys the person's data keys (shared/crypto/keystore.py), which makes their sealed
fields on every topic unreadable."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.profile.accounts import store as accounts
from services.profile.adapters import drafts, repository
from services.profile.privacy import store
from shared.crypto.keystore import KeyStore
from shared.messaging.outbox import Outbox


class OwnData:
    """The profile service's answers to privacy requests (synchronous handlers for PrivacyAnswers)."""

    def __init__(self, outbox: Outbox, keys: KeyStore) -> None:
        self.outbox = outbox
        self.keys = keys

    @staticmethod
    def export(person_id: str) -> dict[str, Any]:
        account = accounts.get(person_id)
        return {
            "account": None if account is None else {
                "account_id": account["_id"], "email": account["email"], "roles": account["roles"],
                "created_at": account["created_at"].isoformat(),
            },
            "profile_versions": [
                {"version": v.version, "submitted_at": v.submitted_at.isoformat(), "profile": v.profile}
                for v in repository.all_versions(person_id)
            ],
            "onboarding_draft": None if (draft := drafts.get(person_id)) is None else {
                "profile": draft["profile"], "steps": draft["steps"], "updated_at": draft["updated_at"].isoformat(),
            },
        }

    def erase(self, person_id: str, now: dt.datetime) -> dict[str, int]:
        versions = repository.all_versions(person_id)
        for version in versions:
            if version.outbox_entry:
                # By `_id` (no scan); an entry already relayed is gone already.
                self.outbox.collection().delete_one({"_id": version.outbox_entry})
            version.delete()
        account = accounts.get(person_id)
        archives = 0
        # Crypto-shredding: whatever was sealed with the person's key, on any topic, can no longer be read.
        shredded = self.keys.destroy(person_id)
        draft = drafts.delete(person_id)
        # Their sign-in history (a scan by account id: erasures are rare); a refresh of a deleted session is refused.
        sessions = accounts.sessions().delete_many({"account_id": person_id}).deleted_count
        if account is not None:
            archives = store.delete_answers(
                [r for r in account.get("privacy_requests", []) if r != store.erasure_id(person_id)]
            )
            if account.get("email"):
                accounts.account_emails().delete_one({"_id": accounts.email_key(account["email"])})
                # The key of the address's sign-in links: their emails on the topic become unreadable too.
                shredded += self.keys.destroy(accounts.email_key(account["email"]))
            accounts.accounts().update_one({"_id": person_id}, {"$set": {
                "email": None, "roles": [], "erased_at": account.get("erased_at") or now}})
        return {"profile_versions": len(versions), "accounts": int(account is not None), "export_archives": archives,
                "data_keys": shredded, "onboarding_drafts": draft, "sessions": sessions}
