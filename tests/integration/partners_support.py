"""What the partners tests share: a real webhook receiver (verifying with the library's `Webhook.verify`), a
clock the tests move, the partners service wired on a scratch database, and real internal events."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import aiohttp
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from services.partners.config import PartnersSettings
from services.partners.entrypoints.deps import Deps, wire
from services.partners.entrypoints.worker import Answers, Erasures, FeedConsumer, Profiles
from services.partners.service import Sender
from shared.crypto.keystore import person_keys
from shared.messaging.envelope import Envelope
from shared.messaging.factory import EventFactory
from shared.schemas.followup import Group, Helped, Situation, SurveyAnswered, SurveyForm, SurveyKind
from shared.schemas.privacy import PrivacyRequested
from shared.schemas.profile import ProfileIn, ProfileSubmitted
from tests.support import ensure_person_key

NOW = dt.datetime(2026, 6, 1, 9, 30, tzinfo=dt.UTC)


@dataclass
class Received:
    webhook_id: str
    body: bytes
    data: dict[str, Any]


@dataclass
class Receiver:
    """A partner's endpoint: verifies each request with the partner's secrets; refuses (503) while `down`, and
    answers 500 after reading the next `flaky` requests (the platform must send those again, same id). While a
    `gate` is given, each request waits for it (`held` counts them) before being answered."""

    secrets: list[str] = field(default_factory=list)
    down: bool = False
    flaky: int = 0
    gate: threading.Event | None = None
    held: int = 0
    received: list[Received] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, headers: dict[str, str], body: bytes) -> int:
        if self.gate is not None:
            with self.lock:
                self.held += 1
            self.gate.wait(timeout=60)
        with self.lock:
            if self.down:
                return 503
            for secret in self.secrets:
                try:
                    data = Webhook(secret).verify(body, headers)
                    break
                except WebhookVerificationError as exc:
                    error = str(exc)
            else:
                self.rejected.append(error)
                return 400
            self.received.append(Received(headers["webhook-id"], body, data))
            if self.flaky:
                self.flaky -= 1
                return 500
            return 204

    def firsts(self) -> list[Received]:
        """Each message once, in the order it first arrived."""
        seen: dict[str, Received] = {}
        for message in self.received:
            seen.setdefault(message.webhook_id, message)
        return list(seen.values())


@contextmanager
def receiving() -> Iterator[Receiver]:
    receiver = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["content-length"]))
            status = receiver.handle({k.lower(): v for k, v in self.headers.items()}, body)
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


class Clock:
    """The schedule's clock: tests jump it to the next retry instead of waiting hours."""

    def __init__(self, now: dt.datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def partners_deps(mongo_url: str, db: str, clock: Clock, **overrides: Any) -> Deps:
    settings = PartnersSettings(environment="test", mongo_url=mongo_url, mongo_db=db, **overrides)
    return wire(settings, clock)


EVENTS = EventFactory("profile", "https://bob.example")
FOLLOWUP = EventFactory("followup", "https://bob.example")
PROFILE = {
    "year_of_birth": 1988, "highest_degree": "CAP_BEP", "has_handicap": True, "family_situation": "SINGLE_PARENT",
    "languages": ["ar"], "frustrations": ["RESUME", "LANGUAGE", "RACE_DISCRIMINATION", "CHILD_CARE"],
    "projects": [{"target_job": {"rome_code": "M1607"}, "city": {"name": "Toulouse", "departement_id": "31"},
                  "job_search_started_at": "2026-05-01"}],
}


def profile_event(person: str, version: int) -> Envelope[Any]:
    key = ensure_person_key(person)
    submitted = ProfileSubmitted(profile_id=person, version=version, submitted_at=NOW,
                                 profile=ProfileIn.model_validate({**PROFILE, "email": f"{person}@example.org"}))
    return EVENTS.event("profile.submitted", person, submitted.sealed(key), entity=f"{person}:{version}").event


def answer_event(person: str, round_: int) -> Envelope[Any]:
    ensure_person_key(person)
    answered = SurveyAnswered(
        profile_id=person, kind=SurveyKind.EMPLOYMENT_STATUS, round=round_, signed_up_at=NOW, group=Group.TREATED,
        step="form", answered_at=NOW, seeking=False,
        form=SurveyForm(situation=Situation.WORKING, helped=Helped.YES),
    )
    return FOLLOWUP.event("followup.survey.answered", person, answered, entity=f"{person}:{round_}").event


def erasure_event(person: str) -> Envelope[Any]:
    request = PrivacyRequested(request_id=f"r-{person}", person_id=person, kind="erasure")
    return EVENTS.event("privacy.erasure.requested", person, request, entity=f"erase:{person}").event


async def consume(deps: Deps, events: list[Envelope[Any]]) -> list[Any]:
    """What the worker does with these events, one consumer per type as they come: returns the Kafka events."""
    keys = person_keys(deps.settings)
    consumers: dict[str, FeedConsumer | Erasures] = {
        "profile.submitted": Profiles(deps, keys), "followup.survey.answered": Answers(deps, keys),
        "privacy.erasure.requested": Erasures(deps, keys),
    }
    produced = []
    for event in events:
        output = await consumers[event.type].handle([event])
        await output.store()
        produced.extend(output.events)
    return produced


async def deliver_all(deps: Deps, clock: Clock, client: aiohttp.ClientSession, rounds: int = 400,
                      sender: Sender | None = None) -> Sender:
    """Runs the sender until the queue is empty, jumping the clock to the next retry whenever nothing is due."""
    sender = sender or Sender(deps.store, deps.keys, deps.settings, client, clock)
    for _ in range(rounds):
        delivered = await sender.tick()
        queued = await asyncio.to_thread(deps.store.queued)
        if not queued:
            return sender
        if not delivered:
            clock.now = min([d["next_at"] for d in queued if d["next_at"] > clock.now], default=clock.now)
    raise AssertionError(f"still queued after {rounds} passes")
