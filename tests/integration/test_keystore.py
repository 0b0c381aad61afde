"""The person key store on the real FerretDB: created once, read by others, destroyed on erasure, and the KEK
rotated: keys under the old KEK stay readable until re-wrapped, and afterwards the old KEK can be dropped."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pymongo
import pytest
from pymongo.collection import Collection

from shared.crypto.cipher import SealError, new_key, open_fields, seal_fields
from shared.crypto.keystore import COLLECTION, Doc, KekRing, KeyReader, KeyStore, OwnedKeys, PersonKeys

pytestmark = pytest.mark.integration

OLD, NEW = new_key(), new_key()


@pytest.fixture
def coll(mongo_url: str) -> Iterator[Collection[Doc]]:
    client: pymongo.MongoClient[Doc] = pymongo.MongoClient(mongo_url, serverSelectionTimeoutMS=5_000)
    name = f"test_keys_{uuid.uuid4().hex[:8]}"
    yield client[name][COLLECTION]
    client.drop_database(name)
    client.close()


def test_the_owner_creates_once_readers_read_and_erasure_shreds(coll: Collection[Doc]) -> None:
    ring = KekRing({"k1": OLD}, "k1")
    owner = OwnedKeys(KeyStore(lambda: coll, ring))
    reader = PersonKeys(KeyReader(lambda: coll, ring))
    key = owner.require("p1")
    assert KeyStore(lambda: coll, ring).ensure("p1") == key  # a second creator gets the first key
    other = owner.require("p2")
    stored = coll.find_one({"_id": "p1"})
    assert stored is not None
    assert set(stored) == {"_id", "kek_id", "wrapped"}
    assert key.hex() not in str(stored)
    token = seal_fields(key, {"email": "p1@example.org"}, "notification.requested", "p1")
    kept = seal_fields(other, {"email": "p2@example.org"}, "notification.requested", "p2")
    assert open_fields(reader.require("p1"), token, "notification.requested", "p1") == {"email": "p1@example.org"}

    assert owner.destroy("p1") == 1
    reader.forget("p1")
    assert reader.get("p1") is None
    assert KeyReader(lambda: coll, ring).get("p1") is None
    assert open_fields(reader.require("p2"), kept, "notification.requested", "p2") == {"email": "p2@example.org"}
    assert owner.destroy("p1") == 0  # idempotent


def test_rotating_the_kek_rewraps_every_key_and_lets_the_old_kek_go(coll: Collection[Doc]) -> None:
    before = KeyStore(lambda: coll, KekRing({"k1": OLD}, "k1"))
    keys = {f"p{i}": before.ensure(f"p{i}") for i in range(5)}
    during = KeyStore(lambda: coll, KekRing({"k1": OLD, "k2": NEW}, "k2"))
    keys["p5"] = during.ensure("p5")  # new keys go under the new KEK at once
    assert during.remaining("k2") == 5
    # Old KEK ids stay readable until re-wrapped, by the rotating service and by readers alike.
    assert all(during.get(p) == k for p, k in keys.items())

    # Interrupted after two keys, then resumed: each key moves once, and a second run has nothing to do.
    first_two = [doc["_id"] for doc in coll.find({}) if doc["kek_id"] == "k1"][:2]
    for person in first_two:
        doc = coll.find_one({"_id": person})
        assert doc is not None
        coll.update_one({"_id": person}, {"$set": during.ring.wrap(person, during.ring.unwrap(doc), "k2")})
    assert during.remaining("k2") == 3
    assert during.rotate("k2") == 3
    assert during.rotate("k2") == 0
    assert during.remaining("k2") == 0

    after = KeyReader(lambda: coll, KekRing({"k2": NEW}, "k2"))  # the old KEK dropped
    assert all(after.get(p) == k for p, k in keys.items())
    with pytest.raises(SealError):
        KeyReader(lambda: coll, KekRing({"k1": OLD}, "k1")).get("p0")
    with pytest.raises(ValueError, match="not in the ring"):
        during.rotate("k3")


def test_a_batch_of_keys_is_one_indexed_query(coll: Collection[Doc]) -> None:
    store = KeyStore(lambda: coll, KekRing({"k1": OLD}, "k1"))
    keys = {f"p{i}": store.ensure(f"p{i}") for i in range(1_200)}  # more than one `$in` chunk
    wanted = [*keys, "never-had-a-key"]
    assert store.get_many(wanted) == keys
    ids = list(keys)[:100]
    plan = coll.database.command("explain", {"find": coll.name, "filter": {"_id": {"$in": ids}}})
    if "filterPushdown" in plan:  # FerretDB: our patch pushes `_id $in` down to its `_id` index
        assert plan["filterPushdown"] is True
        assert "USING INDEX" in str(plan["queryPlanner"])
    else:  # MongoDB
        assert "IXSCAN" in str(plan["queryPlanner"]) or "IDHACK" in str(plan["queryPlanner"])
