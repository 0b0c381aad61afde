"""Sealed parts of personal events (crypto-shredding, shared/crypto): what must travel about a person goes on a
topic only as one AES-256-GCM token under their data key, bound to the event type and the person. The person's
erasure destroys the key, and with it every copy of every such token, on every topic.

The contact (the email address) is sealed apart, bound to no event type, so that a service that needs no address
(diagnosis) forwards it as it came without opening it, to the one that does (pledges)."""

from __future__ import annotations

from typing import Annotated, TypeVar

from pydantic import BaseModel, Field

from shared.crypto.cipher import associated, open_fields, seal, seal_fields, unseal

M = TypeVar("M", bound=BaseModel)

Sealed = Annotated[str, Field(pattern=r"^v[12]\.[A-Za-z0-9_-]+$", description=(
    "Personal fields as JSON (deflated in a v2 token), AES-256-GCM sealed with the person's data key; associated "
    "data: the event type and the person id (shared/crypto/cipher.py). Unreadable for good once the person is "
    "erased."))]
Contact = Annotated[str | None, Field(pattern=r"^v1\.[A-Za-z0-9_-]+$", description=(
    "The person's email address, sealed with their data key (associated data: `contact` and the person id), for "
    "the consumers that write to them; null when they gave none."))]

CONTACT = "contact"


def seal_model(key: bytes, model: BaseModel, event_type: str, person_id: str, *,
               include: set[str] | None = None, exclude: set[str] | None = None) -> str:
    # pydantic's own JSON (Rust), not json.dumps of a dict: this runs once per event on the hot path.
    plaintext = model.model_dump_json(include=include, exclude=exclude).encode()
    return seal(key, plaintext, associated(event_type, person_id), deflate=True)


def open_model(cls: type[M], key: bytes, token: str, event_type: str, person_id: str) -> M:
    return cls.model_validate_json(unseal(key, token, associated(event_type, person_id)))


def seal_contact(key: bytes, person_id: str, email: str | None) -> str | None:
    return None if email is None else seal_fields(key, {"email": email}, CONTACT, person_id)


def open_contact(key: bytes, token: str | None, person_id: str) -> str | None:
    return None if token is None else str(open_fields(key, token, CONTACT, person_id)["email"])
