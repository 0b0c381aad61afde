"""The load a fault is injected under: job seekers submitting profiles and asking sign-in links through the gateway,
as a careful client would (an `Idempotency-Key` on each write, retried on 5xx, 409, 429 and broken connections).
What counts as accepted is what the platform acknowledged: a 201 for a profile, a 202 for a sign-in link."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.scale_support import a_profile
from tests.support import access_token, bearer

RETRIED = frozenset({409, 429, 502, 503, 504})
GIVE_UP_AFTER = 180.0  # seconds a client keeps retrying one write (longer than any fault here lasts)


@dataclass
class Accepted:
    profiles: list[str] = field(default_factory=list)
    sign_ins: list[str] = field(default_factory=list)  # the addresses a link was promised to
    retries: int = 0
    gave_up: int = 0
    already_stored: int = 0  # profiles whose retry was told they exist (stored by a run the API died in)


class Load:
    """Two clients (profiles, sign-in links) at a steady pace until `stop`. `on_accepted` is called after each
    acknowledged profile (a fault may wait for one)."""

    def __init__(self, gateway_url: str, tag: str, profiles_per_second: float = 3.0,
                 sign_ins_per_second: float = 1.5) -> None:
        self.gateway_url = gateway_url
        self.tag = tag
        self.accepted = Accepted()
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.profile_accepted = threading.Event()
        self.threads = [
            threading.Thread(target=self._pace, args=(profiles_per_second, self._profile), daemon=True),
            threading.Thread(target=self._pace, args=(sign_ins_per_second, self._sign_in), daemon=True),
        ]
        self.errors: list[str] = []

    def start(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def stop(self) -> Accepted:
        """Stops submitting; the writes in flight are retried to their end first."""
        self.stopping.set()
        for thread in self.threads:
            thread.join(GIVE_UP_AFTER + 30)
        assert not self.errors, self.errors[:3]
        return self.accepted

    def wait_for_accepted(self, timeout: float = 60.0) -> None:
        """Returns just after the next acknowledged profile."""
        self.profile_accepted.clear()
        assert self.profile_accepted.wait(timeout), "no profile accepted"

    def _pace(self, per_second: float, one: Callable[[httpx.Client, int], None]) -> None:
        with httpx.Client(base_url=self.gateway_url, timeout=10) as client:
            number = 0
            while not self.stopping.is_set():
                began = time.monotonic()
                try:
                    one(client, number)
                except Exception as exc:  # reported by stop(): the test fails there
                    self.errors.append(repr(exc))
                    return
                number += 1
                self.stopping.wait(max(0.0, 1 / per_second - (time.monotonic() - began)))

    def _profile(self, client: httpx.Client, number: int) -> None:
        person = uuid.uuid4().hex
        answer = self._write(client, "/api/v1/profiles", a_profile(1960 + number % 40),
                             bearer(access_token(person)), 201, final=(409,))
        if answer is not None:
            # A 409 without Retry-After: "this account already has a profile". The API died after storing it and
            # before keeping its answer, and the retry ran the request again: the client's profile is stored.
            with self.lock:
                self.accepted.profiles.append(str(answer.get("profile_id", person)))
                self.accepted.already_stored += "profile_id" not in answer
            self.profile_accepted.set()

    def _sign_in(self, client: httpx.Client, number: int) -> None:
        address = f"{self.tag}-{number}-{uuid.uuid4().hex[:8]}@example.org"
        body = {"email": address, "role": "job_seeker"}
        if self._write(client, "/api/v1/auth/magic-link", body, {}, 202) is not None:
            with self.lock:
                self.accepted.sign_ins.append(address)

    def _write(self, client: httpx.Client, url: str, body: dict[str, Any], headers: dict[str, str],
               expected: int, final: tuple[int, ...] = ()) -> dict[str, Any] | None:
        """POSTs until acknowledged (the body), refused for good with a status in `final` and no Retry-After (the
        body too), or given up (None); any other answer is a defect of the test."""
        headers = {**headers, "Idempotency-Key": uuid.uuid4().hex}
        deadline = time.monotonic() + GIVE_UP_AFTER
        while True:
            pause = 0.5
            try:
                answer = client.post(url, json=body, headers=headers)
                settled = answer.status_code in final and "retry-after" not in answer.headers
                if answer.status_code == expected or settled:
                    found: dict[str, Any] = answer.json()
                    return found
                if answer.status_code not in RETRIED:
                    raise AssertionError(f"{url}: {answer.status_code} {answer.text[:300]}")
                pause = min(float(answer.headers.get("retry-after", pause)), 2.0)
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                with self.lock:
                    self.accepted.gave_up += 1
                return None
            with self.lock:
                self.accepted.retries += 1
            time.sleep(pause)
