"""Sealing (AES-256-GCM), the KEK ring and the consumers' key cache, without a database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.crypto import cipher
from shared.crypto.cipher import SealError, new_key, open_fields, seal, seal_fields, unseal
from shared.crypto.keystore import KekRing, KeyReader, MissingKey, PersonKeys
from shared.settings import Environment, ServiceSettings


@given(st.binary(max_size=2000), st.binary(max_size=100))
def test_a_sealed_value_opens_with_its_key_and_associated_data(plaintext: bytes, associated: bytes) -> None:
    key = new_key()
    token = seal(key, plaintext, associated)
    assert token.startswith("v1.")
    assert unseal(key, token, associated) == plaintext


def test_a_token_opens_with_nothing_else() -> None:
    key = new_key()
    token = seal(key, b"camille@example.org", b"a")
    assert b"camille" not in token.encode()
    assert seal(key, b"x", b"a") != seal(key, b"x", b"a")  # a fresh nonce each time
    for other_key, other_data, other_token in [
        (new_key(), b"a", token), (key, b"b", token),
        (key, b"a", token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]),
        (key, b"a", "v2" + token[2:]), (key, b"a", "v1."), (key, b"a", "v1.%%%"), (key, b"a", "v1.AAAA"),
    ]:
        with pytest.raises(SealError):
            unseal(other_key, other_token, other_data)


def test_a_deflated_token_opens_to_the_same_bytes_and_not_relabelled() -> None:
    key, text = new_key(), b'{"advice": "' + b"postulez " * 200 + b'"}'
    deflated, plain = seal(key, text, b"a", deflate=True), seal(key, text, b"a")
    assert deflated.startswith("v2.")
    assert len(deflated) < len(plain) / 4
    assert unseal(key, deflated, b"a") == text
    for relabelled in ("v1" + deflated[2:], "v2" + plain[2:]):
        with pytest.raises(SealError):
            unseal(key, relabelled, b"a")


def test_fields_are_bound_to_their_event_type_and_person() -> None:
    key = new_key()
    token = seal_fields(key, {"email": "a@example.org", "year_of_birth": 1988}, "profile.submitted", "p1")
    assert open_fields(key, token, "profile.submitted", "p1") == {"email": "a@example.org", "year_of_birth": 1988}
    with pytest.raises(SealError):
        open_fields(key, token, "profile.submitted", "p2")
    with pytest.raises(SealError):
        open_fields(key, token, "diagnosis.completed", "p1")
    assert cipher.associated("t", "p") != cipher.associated("t\x00p", "")


def test_the_ring_wraps_under_the_current_kek_and_unwraps_under_any_it_holds() -> None:
    old, new = new_key(), new_key()
    data_key = new_key()
    before = KekRing({"k1": old}, "k1")
    doc = before.wrap("p1", data_key)
    assert doc["kek_id"] == "k1"
    assert data_key.hex() not in doc["wrapped"]
    both = KekRing({"k1": old, "k2": new}, "k2")
    assert both.unwrap(doc) == data_key
    assert both.wrap("p1", data_key)["kek_id"] == "k2"
    with pytest.raises(SealError, match="not in this service's ring"):
        KekRing({"k2": new}, "k2").unwrap(doc)
    with pytest.raises(SealError):  # a wrapped key moved to another person does not unwrap
        both.unwrap({**doc, "_id": "p2"})
    with pytest.raises(ValueError, match="not in the ring"):
        KekRing({"k1": old}, "k2")
    with pytest.raises(ValueError, match="32 bytes"):
        KekRing({"k1": b"short"}, "k1")


def test_dev_settings_derive_one_ring_for_every_service_and_prod_requires_it() -> None:
    a = ServiceSettings(service_name="a", environment=Environment.TEST)
    b = ServiceSettings(service_name="b", environment=Environment.DEV)
    assert KekRing.from_settings(a).keks == KekRing.from_settings(b).keks
    with pytest.raises(ValueError, match="data_keks must be set in prod"):
        ServiceSettings(environment=Environment.PROD, signing_key="s", auth_public_keys={"k": "x"},
                        kafka_username="u", kafka_password="p")
    with pytest.raises(ValueError, match="data_kek_id"):
        ServiceSettings(data_keks={"k1": "AAAA"}, data_kek_id="k2")


class _Reader(KeyReader):
    def __init__(self, keys: dict[str, bytes]) -> None:
        self.keys = keys
        self.reads: list[str] = []

    def get(self, person_id: str) -> bytes | None:
        self.reads.append(person_id)
        return self.keys.get(person_id)


def test_consumers_cache_keys_forget_them_on_erasure_and_never_cache_a_miss() -> None:
    reader = _Reader({"p1": b"1" * 32, "p2": b"2" * 32, "p3": b"3" * 32})
    keys = PersonKeys(reader, size=2)
    assert keys.get("p1") == keys.get("p1") == b"1" * 32
    assert reader.reads == ["p1"]
    assert keys.get("p9") is None
    assert keys.get("p9") is None
    assert reader.reads.count("p9") == 2
    keys.get("p2")
    keys.get("p3")  # evicts p1, the least recently used
    keys.get("p1")
    assert reader.reads.count("p1") == 2
    del reader.keys["p1"]  # erased: the store no longer has it
    keys.forget("p1")
    assert keys.get("p1") is None
    with pytest.raises(MissingKey):
        keys.require("p1")

