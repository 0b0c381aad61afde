"""Person data keys in memory, for unit tests of the stages that open and seal events (no key store)."""

from __future__ import annotations

from shared.crypto.cipher import new_key
from shared.crypto.keystore import KekRing, KeyReader, PersonKeys


class _Reader(KeyReader):
    def __init__(self, keys: dict[str, bytes]) -> None:
        super().__init__(lambda: None, KekRing({"test": new_key()}, "test"))  # type: ignore[arg-type,return-value]
        self.keys = keys

    def get(self, person_id: str) -> bytes | None:
        return self.keys.get(person_id)

    def get_many(self, person_ids: list[str]) -> dict[str, bytes]:
        return {pid: self.keys[pid] for pid in person_ids if pid in self.keys}


class MemoryKeys(PersonKeys):
    """`key(person)` makes the person's key on first use; `destroy(person)` is their erasure."""

    def __init__(self) -> None:
        self.stored: dict[str, bytes] = {}
        super().__init__(_Reader(self.stored))

    def key(self, person_id: str) -> bytes:
        return self.stored.setdefault(person_id, new_key())

    def destroy(self, person_id: str) -> None:
        self.stored.pop(person_id, None)
        self.forget(person_id)
