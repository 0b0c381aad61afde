"""Helpers for the pledges integration tests: signed-in people, emails read from the SMTP sink, polling."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from deploy.local.platform import Platform
from deploy.local.smtp_sink import read_messages
from shared.auth.tokens import Role
from shared.mongo import connect, disconnect
from tests.support import access_token, bearer, ensure_person_key, token_subject, wait_for

R = TypeVar("R")


def unique_email(who: str) -> str:
    return f"{who}-{uuid.uuid4().hex[:10]}@example.org"


def poll(check: Callable[[], R | None], timeout: float = 30.0, what: str = "condition") -> R:
    return wait_for(what, check, timeout, every=0.2)


def mails_to(maildir: Path, to: str) -> list[Message]:
    return [m for m in read_messages(maildir) if m["To"] == to]


def body(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def wait_mail(maildir: Path, to: str, contains: str, timeout: float = 30.0) -> str:
    def found() -> str | None:
        return next((body(m) for m in mails_to(maildir, to) if contains in body(m)), None)
    return poll(found, timeout, f"an email to {to} containing {contains!r}")


def review_id_in(text: str) -> str:
    """The review id in a helper's email, which links to the web client's page of the review."""
    match = re.search(r"#/reviews/([A-Za-z0-9_-]+)", text)
    assert match, text
    return match.group(1)


def token_in(text: str, path: str) -> str:
    match = re.search(re.escape(path) + r"[?/](?:token=)?([A-Za-z0-9_.-]+)", text)
    assert match, text
    return match.group(1)


@dataclass(frozen=True)
class Person:
    """Someone signed in: a real access token for a new account with a unique email."""

    email: str
    token: str

    @property
    def id(self) -> str:
        return token_subject(self.token)

    @property
    def auth(self) -> dict[str, str]:
        return bearer(self.token)


def person(who: str, *roles: Role) -> Person:
    """A person as after signing in: an access token and a data key (emails to them are sealed with it)."""
    email = unique_email(who)
    signed_in = Person(email, access_token(None, *(roles or (Role.JOB_SEEKER,)), email=email))
    ensure_person_key(signed_in.id)
    return signed_in


def sign_up(client: httpx.Client, who: str, **helper: Any) -> Person:
    """A new helper account signs up: its pledges are active at once (sign-in verified the email)."""
    signed_in = person(who, Role.HELPER)
    body_in = {"name": "Alex", "remote": True} | helper
    response = client.post("/api/v1/helpers", json=body_in, headers=signed_in.auth)
    assert response.status_code == 201, response.text
    assert response.json() == {"helper_id": signed_in.id, "status": "active"}
    return signed_in


def upload(client: httpx.Client, seeker: Person, kind: str = "RESUME", content: bytes = b"Camille\nDeveloper\n",
           media_type: str = "text/plain") -> httpx.Response:
    return client.post(
        "/api/v1/documents", data={"kind": kind}, files={"file": ("cv.txt", content, media_type)}, headers=seeker.auth,
    )


@pytest.fixture
def pledges_db(platform: Platform) -> Iterator[None]:
    """The test process's own connection to the pledges database (to drive the clock and read state)."""
    connect(platform.config.mongo_url, "bob_pledges")
    yield
    disconnect()
