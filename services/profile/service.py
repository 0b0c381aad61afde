"""Profile use cases: store a version and its events (outbox) unless the account was erased, read versions.

A version is written as the outbox pattern wants (shared/messaging/outbox.py): the entry first, then the version
naming it, then the entry is handed to the relay; no read is added to the write. Its events are sealed with the
person's data key (shared/schemas/sealed.py), fetched in the same trip to the thread pool.

First versions, the gateway's hot path, are stored by group commit (shared/batching.py): the submissions that
arrive together are checked, keyed and written together, in four commands for the whole batch (erased accounts,
keys, outbox entries, versions) instead of four per profile."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt

from services.profile.accounts import store as accounts
from services.profile.adapters import repository
from services.profile.adapters.documents import VERSIONS, ProfileVersion, version_id
from services.profile.domain.errors import AccountErased, ProfileError, ProfileExists, ProfileNotFound, VersionTaken
from services.profile.domain.events import events_for_version
from shared.batching import GroupCommit
from shared.crypto.keystore import KeyStore, MissingKey
from shared.messaging import tracing
from shared.messaging.factory import EventFactory
from shared.messaging.outbox import Doc, Outbox, Relay
from shared.mongo import run_sync
from shared.schemas.profile import ProfileIn

RACE_ATTEMPTS = 5  # two writers of one profile at once: the loser takes the next version number


def refuse_erased(account_id: str) -> None:
    account = accounts.get(account_id)
    if account is not None and account["erased_at"] is not None:
        raise AccountErased


class FirstVersion(NamedTuple):
    profile_id: str
    profile: ProfileIn
    now: dt.datetime
    traceparent: str | None  # the request's: its events continue its trace


Stored = tuple[Doc, ProfileVersion]  # the outbox entry and the version naming it


class Profiles:
    def __init__(self, outbox: Outbox, relay: Relay, factory: EventFactory, keys: KeyStore) -> None:
        self.outbox = outbox
        self.relay = relay
        self.factory = factory
        self.keys = keys
        self._firsts: GroupCommit[FirstVersion, Stored] = GroupCommit(self._store_firsts)

    async def create(self, profile_id: str, profile: ProfileIn, now: dt.datetime) -> ProfileVersion:
        """Version 1 (one profile per job seeker: its id is the account id), or ProfileExists, or AccountErased."""
        entry, doc = await self._firsts.submit(FirstVersion(profile_id, profile, now, tracing.current.get()))
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

    def _store_firsts(self, firsts: list[FirstVersion]) -> list[Stored | ProfileError]:
        """Synchronous, for the group commit. A refused version 1 leaves its entry to the relay, which drops it:
        the stored version 1 does not name it."""
        erased = accounts.erased_among([f.profile_id for f in firsts])
        keys = self.keys.ensure_many([f.profile_id for f in firsts if f.profile_id not in erased])
        outcomes: list[Stored | ProfileError] = []
        entries, docs, positions = [], [], []
        for first in firsts:
            key = keys.get(first.profile_id)
            if key is None:  # erased, or its key destroyed while we wrote: the erasure wins
                outcomes.append(AccountErased())
                continue
            with tracing.continued(first.traceparent):
                events = events_for_version(self.factory, first.profile_id, 1, first.profile, first.now, key)
            entry = Outbox.entry(events, first.now, requires=(VERSIONS, version_id(first.profile_id, 1)))
            doc = repository.document(first.profile_id, 1, first.profile, first.now, entry["_id"])
            entries.append(entry)
            docs.append(doc)
            positions.append(len(outcomes))
            outcomes.append((entry, repository.stored(doc)))
        self.outbox.add(entries)
        for taken in repository.insert_many(docs) if docs else ():
            outcomes[positions[taken]] = ProfileExists()
        return outcomes

    def _store(self, profile_id: str, version: int, profile: ProfileIn, now: dt.datetime
               ) -> tuple[Doc, ProfileVersion]:
        try:
            key = self.keys.ensure(profile_id)
        except MissingKey:  # destroyed while we wrote: the erasure wins
            raise AccountErased from None
        events = events_for_version(self.factory, profile_id, version, profile, now, key)
        entry = Outbox.entry(events, now, requires=(VERSIONS, version_id(profile_id, version)))
        self.outbox.add([entry])
        return entry, repository.insert(profile_id, version, profile, now, entry["_id"])

    @staticmethod
    def _latest_writable(profile_id: str) -> ProfileVersion:
        refuse_erased(profile_id)
        latest = repository.latest_version(profile_id)
        if latest is None:
            raise ProfileNotFound
        return latest
