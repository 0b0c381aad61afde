"""The person key store: one random 32-byte data key per person, kept wrapped (AES-GCM) under a key-encryption key
(KEK) in the `person_keys` collection of its own database (settings.keys_db, `bob_keys`): `{_id: person_id,
kek_id, wrapped}`.

The profile service is its one writer (`KeyStore`): it creates a person's key when first needed (an account, a
sign-in link's recipient) and destroys it on erasure, which makes everything sealed with it unreadable, on every
topic and in every copy (crypto-shredding). Every other service only reads (`KeyReader`) through `PersonKeys`, a
small LRU cache that its GDPR consumer clears for the erased person.

The KEKs come from settings (`data_keks`: id -> base64 of 32 bytes; `data_kek_id`: the one new keys are wrapped
with). Rotation: add the new KEK to every service's ring, make it current, run `python -m shared.crypto rotate-kek
--to <id>` (re-wraps each key still under another KEK; idempotent, resumable), then drop the old KEK from the rings.
Synchronous (pymongo): call through run_sync."""

from __future__ import annotations

import base64
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from pymongo import MongoClient
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from shared.crypto.cipher import KEY_BYTES, SealError, new_key, seal, unseal
from shared.mongo import MAX_WRITES_PER_COMMAND, insert_ignoring_duplicates, run_sync
from shared.settings import ServiceSettings

COLLECTION = "person_keys"
# Ids per `$in` lookup: FerretDB's pushdown takes up to 1,000 (deploy/ferretdb/patches/sqlite-id-in.patch).
IDS_PER_QUERY = 500
Doc = dict[str, Any]


class MissingKey(KeyError):
    """The person has no data key: never had one, or was erased."""


class KekRing:
    """The key-encryption keys by id and the current one."""

    def __init__(self, keks: Mapping[str, bytes], current: str) -> None:
        if current not in keks:
            raise ValueError(f"the current KEK {current!r} is not in the ring")
        if any(len(k) != KEY_BYTES for k in keks.values()):
            raise ValueError(f"every KEK is {KEY_BYTES} bytes")
        self.keks = dict(keks)
        self.current = current

    @classmethod
    def from_settings(cls, settings: ServiceSettings) -> KekRing:
        keks = {kid: base64.b64decode(secret.get_secret_value()) for kid, secret in settings.data_keks.items()}
        return cls(keks, settings.data_kek_id)

    @staticmethod
    def _associated(kek_id: str, person_id: str) -> bytes:
        return f"person-key\x00{kek_id}\x00{person_id}".encode()

    def wrap(self, person_id: str, data_key: bytes, kek_id: str | None = None) -> Doc:
        kid = kek_id or self.current
        return {"_id": person_id, "kek_id": kid,
                "wrapped": seal(self.keks[kid], data_key, self._associated(kid, person_id))}

    def unwrap(self, doc: Doc) -> bytes:
        kid, person_id = str(doc["kek_id"]), str(doc["_id"])
        if kid not in self.keks:
            raise SealError(f"KEK {kid!r} is not in this service's ring (add it, or finish the rotation)")
        return unseal(self.keks[kid], str(doc["wrapped"]), self._associated(kid, person_id))


_CLIENTS: dict[str, MongoClient[Doc]] = {}
_CLIENTS_LOCK = threading.Lock()


def collection(settings: ServiceSettings) -> Callable[[], Collection[Doc]]:
    """The key store's collection, on a client of its own (the store is another database than the service's)."""
    url, db = settings.mongo_url, settings.keys_db

    def get() -> Collection[Doc]:
        with _CLIENTS_LOCK:
            if url not in _CLIENTS:
                _CLIENTS[url] = MongoClient(url, serverSelectionTimeoutMS=5_000)
            return _CLIENTS[url][db][COLLECTION]

    return get


class KeyReader:
    def __init__(self, coll: Callable[[], Collection[Doc]], ring: KekRing) -> None:
        self._coll = coll
        self.ring = ring

    def get(self, person_id: str) -> bytes | None:
        doc = self._coll().find_one({"_id": person_id})
        return None if doc is None else self.ring.unwrap(doc)

    def get_many(self, person_ids: list[str]) -> dict[str, bytes]:
        """The keys of these people that exist: one `_id $in` query per chunk, which FerretDB answers from its `_id`
        index (deploy/ferretdb/patches/sqlite-id-in.patch), as MongoDB does."""
        found = {}
        for start in range(0, len(person_ids), IDS_PER_QUERY):
            for doc in self._coll().find({"_id": {"$in": person_ids[start:start + IDS_PER_QUERY]}}):
                found[str(doc["_id"])] = self.ring.unwrap(doc)
        return found


class KeyStore(KeyReader):
    """The writer's handle: for the profile service and the rotation command only."""

    def ensure(self, person_id: str) -> bytes:
        """The person's key, created when missing; two creators at once keep the first key. Read first: every
        account has its key, and a read by `_id` is one index search (deploy/ferretdb/patches)."""
        if (found := self.get(person_id)) is not None:
            return found
        key = new_key()
        try:
            self._coll().insert_one(self.ring.wrap(person_id, key))
            return key
        except DuplicateKeyError:
            found = self.get(person_id)
            if found is None:  # destroyed in between: the erasure wins
                raise MissingKey(person_id) from None
            return found

    def ensure_many(self, person_ids: list[str]) -> dict[str, bytes]:
        """`ensure` for a batch: one read, and one insert for those without a key. Where a concurrent writer
        created a key first, that key is kept; a person erased in between is absent from the answer."""
        found = self.get_many(person_ids)
        created = {person_id: new_key() for person_id in dict.fromkeys(person_ids) if person_id not in found}
        if created and self.add_all(created) < len(created):
            created = self.get_many(list(created))  # what is stored now is each person's key
        return found | created

    def ensure_all(self, person_ids: Iterable[str]) -> int:
        """Creates the missing keys of these people (accounts from before keys existed); returns how many were
        created. Inserts in small commands (FerretDB: see MAX_WRITES_PER_COMMAND); existing keys are kept."""
        return self.add_all({person_id: new_key() for person_id in person_ids})

    def add_all(self, keys: Mapping[str, bytes]) -> int:
        """Stores these keys, each person's unless they already have one; returns how many were stored."""
        docs = [self.ring.wrap(person_id, key) for person_id, key in keys.items()]
        created = 0
        for start in range(0, len(docs), MAX_WRITES_PER_COMMAND):
            chunk = docs[start : start + MAX_WRITES_PER_COMMAND]
            created += len(chunk) - insert_ignoring_duplicates(self._coll(), chunk)
        return created

    def destroy(self, person_id: str) -> int:
        return self._coll().delete_one({"_id": person_id}).deleted_count

    def _under_other_keks(self, kek_id: str) -> Iterator[Doc]:
        # An admin scan: FerretDB reads the whole collection for any filter but _id, so filter here.
        for doc in self._coll().find({}, {"_id": 1, "kek_id": 1, "wrapped": 1}):
            if doc["kek_id"] != kek_id:
                yield doc

    def rotate(self, kek_id: str) -> int:
        """Re-wraps every key not yet under `kek_id`; returns how many. Each key is rewritten alone and only if
        still under the KEK it was read with, so a run can stop anywhere and start again, and a key destroyed
        meanwhile stays destroyed."""
        if kek_id not in self.ring.keks:
            raise ValueError(f"KEK {kek_id!r} is not in the ring")
        moved = 0
        for doc in self._under_other_keks(kek_id):
            rewrapped = self.ring.wrap(str(doc["_id"]), self.ring.unwrap(doc), kek_id)
            result = self._coll().update_one(
                {"_id": doc["_id"], "kek_id": doc["kek_id"]},
                {"$set": {"kek_id": kek_id, "wrapped": rewrapped["wrapped"]}},
            )
            moved += result.modified_count
        return moved

    def remaining(self, kek_id: str) -> int:
        """How many keys are still wrapped under another KEK than `kek_id`."""
        return sum(1 for _ in self._under_other_keks(kek_id))


class PersonKeys:
    """What consumers use: keys by person id, with a small LRU cache. `forget` on erasure."""

    def __init__(self, reader: KeyReader, size: int = 4096) -> None:
        self.reader = reader
        self.size = size
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def _hit(self, person_id: str) -> bytes | None:
        with self._lock:
            if (key := self._cache.get(person_id)) is not None:
                self._cache.move_to_end(person_id)
            return key

    def get(self, person_id: str) -> bytes | None:
        if (cached := self._hit(person_id)) is not None:
            return cached
        key = self.reader.get(person_id)
        if key is not None:  # a miss is not cached: the key may be created a moment later
            self._remember(person_id, key)
        return key

    def _remember(self, person_id: str, key: bytes) -> None:
        with self._lock:
            self._cache[person_id] = key
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)

    def require(self, person_id: str) -> bytes:
        key = self.get(person_id)
        if key is None:
            raise MissingKey(person_id)
        return key

    def _fetch(self, person_ids: list[str]) -> dict[str, bytes]:
        found = self.reader.get_many(person_ids)
        for person_id, key in found.items():  # a miss is not cached: the key may be created a moment later
            self._remember(person_id, key)
        return found

    def _cached(self, person_ids: Iterable[str]) -> tuple[dict[str, bytes], list[str]]:
        found: dict[str, bytes] = {}
        missing = []
        for person_id in dict.fromkeys(person_ids):
            if (key := self._hit(person_id)) is not None:
                found[person_id] = key
            else:
                missing.append(person_id)
        return found, missing

    def many(self, person_ids: Iterable[str]) -> dict[str, bytes]:
        """The keys of these people, erased ones absent: from the cache, the rest in one query (synchronous)."""
        found, missing = self._cached(person_ids)
        return found | self._fetch(missing) if missing else found

    async def lookup(self, person_ids: Iterable[str]) -> dict[str, bytes]:
        """`many` for the event loop: no trip to the thread pool when all are cached (the hot path's usual case)."""
        found, missing = self._cached(person_ids)
        return found | await run_sync(self._fetch, missing) if missing else found

    def forget(self, person_id: str) -> None:
        with self._lock:
            self._cache.pop(person_id, None)


class OwnedKeys(PersonKeys):
    """The profile service's cache over the writable store: `require` creates a missing key."""

    def __init__(self, store: KeyStore, size: int = 4096) -> None:
        super().__init__(store, size)
        self.store = store

    def require(self, person_id: str) -> bytes:
        if (cached := self._hit(person_id)) is not None:
            return cached
        key = self.store.ensure(person_id)
        self._remember(person_id, key)
        return key

    def _fetch(self, person_ids: list[str]) -> dict[str, bytes]:
        return {person_id: self.require(person_id) for person_id in person_ids}

    def destroy(self, person_id: str) -> int:
        self.forget(person_id)
        return self.store.destroy(person_id)


_READERS: dict[tuple[str, str], PersonKeys] = {}
_READERS_LOCK = threading.Lock()


def person_keys(settings: ServiceSettings) -> PersonKeys:
    """The process's one read-only cache of person keys, for services other than the key store's owner; the
    service's privacy consumer calls `forget` on erasure."""
    with _READERS_LOCK:
        found = _READERS.get((settings.mongo_url, settings.keys_db))
        if found is None:
            found = PersonKeys(KeyReader(collection(settings), KekRing.from_settings(settings)))
            _READERS[(settings.mongo_url, settings.keys_db)] = found
        return found

