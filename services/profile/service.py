"""Profile use cases: store a version and its events (outbox) unless the account was erased, read versions.

A version is written as the outbox pattern wants (shared/messaging/outbox.py): the entry first, then the version
naming it, then the entry is handed to the relay; no read is added to the write. Its events are sealed with the
person's data key (shared/schemas/sealed.py), fetched in the same trip to the thread pool (which keeps the
request's trace: run_sync copies the context)."""

from __future__ import annotations

import datetime as dt

from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt

from services.profile.accounts import store as accounts
from services.profile.adapters import repository
from services.profile.adapters.documents import VERSIONS, ProfileVersion, version_id
from services.profile.domain.errors import AccountErased, ProfileExists, ProfileNotFound, VersionTaken
from services.profile.domain.events import events_for_version
from shared.crypto.keystore import KeyStore, MissingKey
from shared.messaging.factory import EventFactory
from shared.messaging.outbox import Doc, Outbox, Relay
from shared.mongo import run_sync
from shared.schemas.profile import ProfileIn

RACE_ATTEMPTS = 5  # two writers of one profile at once: the loser takes the next version number


def _refuse_erased(account_id: str) -> None:
    account = accounts.get(account_id)
    if account is not None and account["erased_at"] is not None:
        raise AccountErased


class Profiles:
    def __init__(
        self, outbox: Outbox, relay: Relay, factory: EventFactory, partner_key: str, keys: KeyStore
    ) -> None:
        self.outbox = outbox
        self.relay = relay
        self.factory = factory
        self.partner_key = partner_key
        self.keys = keys

    async def create(self, profile_id: str, profile: ProfileIn, now: dt.datetime) -> ProfileVersion:
        """Version 1 (one profile per job seeker: its id is the account id), or ProfileExists."""
        try:
            entry, doc = await run_sync(self._store_first, profile_id, profile, now)
        except VersionTaken:
            # Its entry is left to the relay, which drops it: the stored version 1 does not name it.
            raise ProfileExists from None
        self.relay.enqueue(entry)
        return doc

    async def update(self, profile_id: str, profile: ProfileIn, now: dt.datetime) -> ProfileVersion:
        """A new version, or ProfileNotFound."""
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(VersionTaken), stop=stop_after_attempt(RACE_ATTEMPTS), reraise=True
        )
        async for attempt in retrying:
            with attempt:
                latest = await run_sync(self._latest_writable, profile_id)
                entry, doc = await run_sync(self._store, profile_id, latest.version + 1, profile, now)
        self.relay.enqueue(entry)
        return doc

    async def read(self, profile_id: str, version: int | None) -> ProfileVersion:
        if version is None:
            doc = await run_sync(repository.latest_version, profile_id)
        else:
            doc = await run_sync(repository.get_version, profile_id, version)
        if doc is None:
            raise ProfileNotFound
        return doc

    def _store_first(self, profile_id: str, profile: ProfileIn, now: dt.datetime) -> tuple[Doc, ProfileVersion]:
        # The account check, the key and both writes in one trip to the thread pool: the gateway's hot path.
        _refuse_erased(profile_id)
        return self._store(profile_id, 1, profile, now)

    def _store(self, profile_id: str, version: int, profile: ProfileIn, now: dt.datetime
               ) -> tuple[Doc, ProfileVersion]:
        try:
            key = self.keys.ensure(profile_id)
        except MissingKey:  # destroyed while we wrote: the erasure wins
            raise AccountErased from None
        events = events_for_version(self.factory, profile_id, version, profile, now, self.partner_key, key)
        entry = Outbox.entry(events, now, requires=(VERSIONS, version_id(profile_id, version)))
        self.outbox.add([entry])
        return entry, repository.insert(profile_id, version, profile, now, entry["_id"])

    @staticmethod
    def _latest_writable(profile_id: str) -> ProfileVersion:
        _refuse_erased(profile_id)
        latest = repository.latest_version(profile_id)
        if latest is None:
            raise ProfileNotFound
        return latest
