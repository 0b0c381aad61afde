"""No secret on any topic, tried as someone who can read every topic would: after a full journey through the gateway
(sign-in links, a profile that calls for help, a CV, a helper's pledge and review assignment, a survey email and
the unsubscribe links), every record of every topic is read from the beginning as the admin, every token-like string
in it is collected, and each is tried against the sign-in and link endpoints: none may authenticate.

The test proves it could see a leak: the journey's own events are on the topics it scans, and after the scan the
real secrets from the mailbox (an unredeemed sign-in link, refresh tokens, the survey and both unsubscribe links)
are accepted by the very endpoints that refused every candidate."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import re
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

import httpx
import pytest

from deploy.local.platform import Platform
from services.followup.adapters.store import Store
from services.followup.config import FollowupSettings
from services.followup.entrypoints.deps import wire
from services.followup.service.scheduler import Scheduler
from shared.messaging.envelope import any_event
from shared.topics import NOTIFICATIONS, URGENT_NOTIFICATIONS
from tests.support import (
    bearer,
    broker_topics,
    magic_token,
    mail_text,
    mails,
    read_topic,
    sign_in,
    unique_email,
    wait_for,
)

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

MAX_CANDIDATES = 400  # each is tried on 5 or 6 endpoints: at most ~2,400 requests (the test gateway allows 1,000/s)

# Token-like strings. Every credential these endpoints accept is a signed JWT (shared/auth/tokens.py: EdDSA sign-in
# and refresh tokens; shared/auth/links.py: HS256 survey and unsubscribe links), but the scan looks wider.
JWT_SHAPED = re.compile(r"[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}")
IN_LINKS = (
    re.compile(r"token=([^\s&\"'\\<>#]+)"),
    re.compile(r"/surveys?/([^\s/?&\"'\\<>#]+)"),
    re.compile(r"/unsubscribe/(?:helper/|followup/)?([^\s/?&\"'\\<>#]+)"),
)
LONG_RUNS = (re.compile(r"[A-Za-z0-9_-]{20,}"), re.compile(r"[A-Za-z0-9+/]{20,}={0,2}"))
# The one exclusion: strings of exactly the shape of the platform's identifiers: a UUID (32 hex digits or the
# canonical 8-4-4-4-12 form: event ids, profile, account, helper, review and document ids, jtis, all uuid4/uuid5)
# and a W3C trace context (its 32-hex trace id, 16-hex span id, or the whole `00-<trace>-<span>-<flags>` header).
# None of them can be a credential: every endpoint tried below accepts only a JWT (three dot-separated parts),
# which never has this shape. Longer hex runs (e.g. the 64-hex address hash of a sign-in email) are still tried.
IDENTIFIER = re.compile(
    r"[0-9a-f]{32}|[0-9a-f]{16}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    r"|[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}"
)


@dataclass
class Candidates:
    """Token-like strings with where they were first seen and their tier: 0 JWT-shaped or taken from a link,
    1 in a record about this journey's people, 2 anything else."""

    tier: dict[str, int] = field(default_factory=dict)
    seen_in: dict[str, str] = field(default_factory=dict)

    def add(self, found: str, tier: int, where: str) -> None:
        if len(found) < 10 or IDENTIFIER.fullmatch(found):
            return
        if found not in self.tier or tier < self.tier[found]:
            self.tier[found] = tier
            self.seen_in.setdefault(found, where)

    def scan(self, text: str, related: bool, where: str, depth: int = 0) -> None:
        """Collects from `text`, and from the text inside any base64 run that decodes to readable text (a dead
        letter keeps the refused record's bytes in base64)."""
        for match in JWT_SHAPED.findall(text):
            self.add(match, 0, where)
        for pattern in IN_LINKS:
            for match in pattern.findall(text):
                self.add(match, 0, where)
                self.add(unquote(match), 0, where)
        for pattern in LONG_RUNS:
            for match in pattern.findall(text):
                self.add(match, 1 if related else 2, where)
                if depth < 3 and (inner := readable_base64(match)) is not None:
                    self.scan(inner, related, f"{where} (base64 inside)", depth + 1)

    def chosen(self) -> list[str]:
        """Every tier 0 and 1 candidate (fails when they alone exceed the bound), then tier 2 up to the bound."""
        essential = [c for c, t in self.tier.items() if t < 2]
        assert len(essential) <= MAX_CANDIDATES, (
            f"{len(essential)} token-like strings in JWT shape, in links or in this journey's records: more than "
            f"the {MAX_CANDIDATES} this test tries; first ones: {essential[:5]}"
        )
        rest = [c for c, t in self.tier.items() if t == 2]
        return essential + rest[: MAX_CANDIDATES - len(essential)]


def readable_base64(run: str) -> str | None:
    padded = run + "=" * (-len(run) % 4)
    for decode in (base64.b64decode, base64.urlsafe_b64decode):
        try:
            text = decode(padded).decode("utf-8")
        except (binascii.Error, ValueError):
            continue
        if text and sum(ch.isprintable() or ch.isspace() for ch in text) >= 0.9 * len(text):
            return text
    return None


def record_texts(record: Any) -> Iterable[tuple[str, str]]:
    """(part, text) of a consumed record: its key, its value and each header."""
    if record.key is not None:
        yield "key", bytes(record.key).decode("utf-8", errors="replace")
    if record.value is not None:
        yield "value", bytes(record.value).decode("utf-8", errors="replace")
    for name, value in record.headers or ():
        if value is not None:
            yield f"header {name}", bytes(value).decode("utf-8", errors="replace")


@dataclass(frozen=True)
class Attempt:
    endpoint: str
    send: Callable[[httpx.Client, str], httpx.Response]
    jwt_only: bool = False


ATTEMPTS = (
    Attempt("POST /api/v1/auth/token", lambda c, t: c.post("/api/v1/auth/token", json={"token": t})),
    Attempt("POST /api/v1/auth/refresh", lambda c, t: c.post("/api/v1/auth/refresh", json={"refresh_token": t})),
    Attempt("GET /api/v1/followup/surveys/{token}",
            lambda c, t: c.get(f"/api/v1/followup/surveys/{quote(t, safe='')}")),
    Attempt("GET /api/v1/followup/unsubscribe/{token}",
            lambda c, t: c.get(f"/api/v1/followup/unsubscribe/{quote(t, safe='')}")),
    Attempt("POST /api/v1/helpers/unsubscribe?token=",
            lambda c, t: c.post("/api/v1/helpers/unsubscribe", params={"token": t})),
    # An access token on a topic would open the whole API: JWT-shaped strings are also tried as bearers.
    Attempt("GET /api/v1/accounts/me (bearer)", lambda c, t: c.get("/api/v1/accounts/me", headers=bearer(t)),
            jwt_only=True),
)
NOT_ANSWERED = {429, 502, 503, 504}  # throttled or the service away: the candidate was not tried, so retry


def answer(client: httpx.Client, attempt: Attempt, candidate: str) -> int:
    for _ in range(10):
        status = attempt.send(client, candidate).status_code
        if status not in NOT_ANSWERED:
            return status
        time.sleep(0.5)
    return status


def signed_up(store: Store, pid: str) -> dict[str, Any]:
    return wait_for("the followup worker to sign the person up", lambda: store.person(pid), timeout=60)


def plan_survey(platform: Platform, pid: str) -> None:
    """As tests/browser/test_survey_page.py: surveys go out from day 6 after sign-up, so this person's survey is
    planned at sign-up + 7 days with the followup service's own scheduler, relayed under its principal."""
    followup = platform.kafka("followup")
    settings = FollowupSettings(mongo_url=platform.config.mongo_url, public_url=platform.config.gateway_url,
                                kafka_bootstrap_servers=followup.bootstrap_servers, kafka_username=followup.username,
                                kafka_password=followup.password)
    deps = wire(settings)
    person = signed_up(deps.store, pid)
    [entry] = Scheduler(deps.store, deps.outbox, deps.factory, settings).plan_people(
        [person], person["signed_up_at"] + dt.timedelta(days=7))
    try:
        assert deps.relay.relay([entry]) == 1
    finally:
        deps.relay.close()


def link_token(text: str, path: str) -> str:
    found = re.search(re.escape(path) + r"([A-Za-z0-9_.-]+)", text)
    assert found is not None, text
    return found.group(1)


def address_key(email: str) -> str:
    """The recipient id of a sign-in email: the hash of the address (services/profile/accounts/store.py)."""
    return hashlib.sha256(email.strip().casefold().encode()).hexdigest()


def test_no_token_read_from_any_topic_authenticates(platform: Platform) -> None:
    maildir, gateway = platform.config.maildir, platform.config.gateway_url
    seeker_email, helper_email = unique_email("no-secret-seeker"), unique_email("no-secret-helper")
    with httpx.Client(base_url=gateway, timeout=15) as client:
        # 1. The journey, with the real emails. sign_in redeems the mailed link: a real sign-in token is accepted.
        seeker_tokens = sign_in(client, maildir, seeker_email)
        seeker = seeker_tokens["account"]["account_id"]
        as_seeker = bearer(seeker_tokens["access_token"])
        profile = {
            "email": seeker_email, "name": f"Sasha Secret-{uuid.uuid4().hex[:6]}", "year_of_birth": 1988,
            "locale": "fr", "frustrations": ["RESUME"],
            "projects": [{"target_job": {"rome_code": "M1607"}, "city": {"name": "Nantes", "departement_id": "44"},
                          "job_search_started_at": (dt.date.today() - dt.timedelta(days=60)).isoformat()}],
        }
        stored = client.post("/api/v1/profiles", json=profile, headers=as_seeker)
        assert stored.status_code == 201, stored.text
        assert "/#/help" in mail_text(maildir, seeker_email, "/#/help", timeout=90)  # the help offer
        cv = f"Sasha\nSecretaire depuis 2010\n{uuid.uuid4().hex}\n".encode()
        uploaded = client.post("/api/v1/documents", data={"kind": "RESUME"}, headers=as_seeker,
                               files={"file": ("cv.txt", cv, "text/plain")})
        assert uploaded.status_code == 201, uploaded.text

        helper_tokens = sign_in(client, maildir, helper_email, role="helper")
        helper = helper_tokens["account"]["account_id"]
        pledge = {"name": "Alex", "remote": True, "pledges": [{"kind": "HELP_RESUME", "capacity": 1}]}
        pledged = client.post("/api/v1/helpers", json=pledge, headers=bearer(helper_tokens["access_token"]))
        assert pledged.status_code == 201, pledged.text
        welcome = mail_text(maildir, helper_email, "/#/unsubscribe/helper/")
        helper_unsubscribe = link_token(welcome, "/#/unsubscribe/helper/")
        # The CV is assigned to the helper for review (the email links to the review).
        review = link_token(mail_text(maildir, helper_email, "#/reviews/", timeout=60), "#/reviews/")
        document = client.get(f"/api/v1/reviews/{review}/document", headers=bearer(helper_tokens["access_token"]))
        assert (document.status_code, document.content) == (200, cv), document.text

        plan_survey(platform, seeker)
        survey = mail_text(maildir, seeker_email, "/#/survey/", timeout=60)
        survey_token = link_token(survey, "/#/survey/")
        followup_unsubscribe = link_token(survey, "/#/unsubscribe/followup/")

        # A second sign-in link, left unredeemed while the topics are scanned: a live one, had it leaked.
        before = len(mails(maildir, seeker_email, "/#/sign-in?token="))
        asked = client.post("/api/v1/auth/magic-link", json={"email": seeker_email, "role": "job_seeker"})
        assert asked.status_code == 202, asked.text
        live_sign_in = magic_token(mail_text(maildir, seeker_email, "/#/sign-in?token=", skip=before))
        real_secrets = {
            "unredeemed sign-in token": live_sign_in, "survey token": survey_token,
            "followup unsubscribe token": followup_unsubscribe, "helper unsubscribe token": helper_unsubscribe,
            **{f"seeker {name}": seeker_tokens[name] for name in ("access_token", "refresh_token")},
            **{f"helper {name}": helper_tokens[name] for name in ("access_token", "refresh_token")},
        }

        # 2. Every record of every topic, from the beginning, as the admin.
        journey = {seeker, helper, address_key(seeker_email), address_key(helper_email)}
        candidates, texts = Candidates(), []
        records = 0
        notified: dict[str, list[str]] = {}
        for topic in broker_topics(platform.kafka()):
            for record in read_topic(platform.kafka(), topic):
                records += 1
                parts = list(record_texts(record))
                related = any(j in text for _, text in parts for j in journey)
                for part, text in parts:
                    texts.append(text)
                    candidates.scan(text, related, f"{topic}[{record.partition}]@{record.offset} {part}")
                if topic in (NOTIFICATIONS.name, URGENT_NOTIFICATIONS.name) and record.value:
                    data = any_event(record.value).data
                    notified.setdefault(data["recipient_id"], []).append(data["category"])
        assert records > 0, "no record on any topic: the scan would pass vacuously"
        # The scan saw this journey's emails go through Kafka (sealed): a leak in them could not have been missed.
        seeker_sign_ins = notified.get(address_key(seeker_email), [])
        assert seeker_sign_ins.count("sign-in") >= 2, seeker_sign_ins
        assert "sign-in" in notified.get(address_key(helper_email), [])
        assert {"help-offered", "survey"} <= set(notified.get(seeker, [])), notified.get(seeker)
        assert {"helper-welcome", "review-assigned"} <= set(notified.get(helper, [])), notified.get(helper)

        # The mailed secrets themselves appear nowhere, not even inside a base64 run.
        everything = "\n".join(texts)
        decoded = "\n".join(d for run in set(LONG_RUNS[0].findall(everything) + LONG_RUNS[1].findall(everything))
                            if (d := readable_base64(run)) is not None)
        assert [name for name, secret in real_secrets.items() if secret in everything or secret in decoded] == []

        # 3. Every candidate on every sign-in and link endpoint: none authenticates, each is refused (4xx).
        chosen = candidates.chosen()
        tiers = [sum(1 for t in candidates.tier.values() if t == n) for n in range(3)]
        print(f"{records} records, candidates by tier {tiers}, {len(chosen)} tried")  # shown with -s
        assert chosen, f"no token-like string in {records} records: the scan found nothing to try"
        accepted, unanswered = [], []
        for candidate in chosen:
            for attempt in ATTEMPTS:
                if attempt.jwt_only and not JWT_SHAPED.fullmatch(candidate):
                    continue
                status = answer(client, attempt, candidate)
                where = f"{attempt.endpoint} -> {status} for {candidate[:60]!r} from {candidates.seen_in[candidate]}"
                if 200 <= status < 300:
                    accepted.append(where)
                elif not 400 <= status < 500 or status == 429:
                    unanswered.append(where)
        assert accepted == [], "tokens read from Kafka authenticate:\n" + "\n".join(accepted)
        assert unanswered == [], "candidates neither refused nor accepted (not really tried):\n" + "\n".join(unanswered)

        # The same endpoints accept the real secrets from the mailbox: they would have accepted a leaked one.
        assert client.post("/api/v1/auth/token", json={"token": live_sign_in}).status_code == 200
        assert client.post("/api/v1/auth/refresh", json={"refresh_token": seeker_tokens["refresh_token"]}
                           ).status_code == 200
        assert client.post("/api/v1/auth/refresh", json={"refresh_token": helper_tokens["refresh_token"]}
                           ).status_code == 200
        assert client.get(f"/api/v1/followup/surveys/{survey_token}").status_code == 200
        assert client.get(f"/api/v1/followup/unsubscribe/{followup_unsubscribe}").status_code == 200
        assert client.post("/api/v1/helpers/unsubscribe", params={"token": helper_unsubscribe}).status_code == 200
