"""Helpers for the pledges integration tests: unique people, emails read from the SMTP sink, polling."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Iterator
from email.message import Message
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from deploy.local.platform import Platform
from deploy.local.smtp_sink import read_messages
from shared.mongo import connect, disconnect

R = TypeVar("R")


def unique_email(who: str) -> str:
    return f"{who}-{uuid.uuid4().hex[:10]}@example.org"


def poll(check: Callable[[], R | None], timeout: float = 30.0, what: str = "condition") -> R:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"{what} not met after {timeout}s")


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


def token_in(text: str, path: str) -> str:
    match = re.search(re.escape(path) + r"[?/](?:token=)?([A-Za-z0-9_.-]+)", text)
    assert match, text
    return match.group(1)


def sign_up_and_confirm(client: httpx.Client, maildir: Path, email: str, **helper: Any) -> str:
    pledges = helper.pop("pledges")
    body_in = {"email": email, "name": "Alex", "remote": True, "pledges": pledges} | helper
    response = client.post("/api/v1/helpers", json=body_in)
    assert response.status_code == 202, response.text
    token = token_in(wait_mail(maildir, email, "/api/v1/helpers/confirm"), "/api/v1/helpers/confirm")
    confirmed = client.get("/api/v1/helpers/confirm", params={"token": token})
    assert confirmed.status_code == 200, confirmed.text
    helper_id: str = response.json()["helper_id"]
    return helper_id


def upload(client: httpx.Client, email: str, kind: str = "RESUME", content: bytes = b"Camille\nDeveloper\n",
           media_type: str = "text/plain", profile_id: str | None = None) -> httpx.Response:
    return client.post(
        "/api/v1/documents",
        data={"kind": kind, "profile_id": profile_id or uuid.uuid4().hex, "email": email},
        files={"file": ("cv.txt", content, media_type)},
    )


@pytest.fixture
def pledges_db(platform: Platform) -> Iterator[None]:
    """The test process's own connection to the pledges database (to drive the clock and read state)."""
    connect(platform.config.mongo_url, "bob_pledges")
    yield
    disconnect()
