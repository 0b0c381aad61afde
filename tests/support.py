"""Helpers shared by the integration and end-to-end tests."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pymongo
from kafka import KafkaConsumer, TopicPartition  # type: ignore[import-untyped]

from deploy.local.smtp_sink import read_messages
from shared.auth.keys import DEV_KEY_ID, dev_private_key, dev_public_keys
from shared.auth.tokens import Principal, Role, TokenSigner, TokenVerifier
from shared.crypto.keystore import KekRing, KeyStore, collection
from shared.messaging.kafka import KafkaAccess
from shared.mongo import connect, disconnect

T = TypeVar("T")
NPM_PREFIX = Path(__file__).resolve().parents[1] / ".local" / "npm"  # git-ignored (.gitignore: .local/)


def npm_modules(name: str, version: str) -> Path:
    """The node_modules folder holding `name` at `version`, installed with npm into .local/npm when missing."""
    if shutil.which("npm") is None:
        raise AssertionError(f"npm is needed to install {name}")
    modules = NPM_PREFIX / "node_modules"
    manifest = modules / name / "package.json"
    if not manifest.exists() or json.loads(manifest.read_text())["version"] != version:
        subprocess.run(
            ["npm", "install", "--prefix", str(NPM_PREFIX), "--no-audit", "--no-fund", "--loglevel=error",
             f"{name}@{version}"],
            check=True, timeout=600, capture_output=True,
        )
    return modules


def broker_topics(kafka: KafkaAccess) -> list[str]:
    """Every topic on the broker but Kafka's own (`__consumer_offsets`...): the registry's, and each partner's feed
    (`partner.<name>.events`, created at registration)."""
    consumer = KafkaConsumer(**kafka.client_config(), enable_auto_commit=False, group_id=None)
    try:
        return sorted(t for t in consumer.topics() if not t.startswith("__"))
    finally:
        consumer.close()


def read_topic(kafka: KafkaAccess, topic: str) -> list[Any]:
    """Every record on the topic now, from the beginning (tests share the topics: filter after)."""
    consumer = KafkaConsumer(**kafka.client_config(), enable_auto_commit=False, group_id=None)
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        assert partitions, f"no partitions for {topic}"
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        end = consumer.end_offsets(partitions)
        records: list[Any] = []
        while any(consumer.position(tp) < end[tp] for tp in partitions):
            for batch in consumer.poll(timeout_ms=1_000).values():
                records.extend(batch)
        return [r for r in records if r.offset < end[TopicPartition(r.topic, r.partition)]]
    finally:
        consumer.close()


def json_lines(path: Path) -> list[dict[str, Any]]:
    """The JSON lines of a process's log (services, workers, the gateway's access log); other lines are skipped."""
    if not path.exists():
        return []
    found = []
    for line in path.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            try:
                found.append(json.loads(line))
            except ValueError:
                continue  # a line still being written
    return found


def wait_for(what: str, probe: Callable[[], T | None], timeout: float = 60.0, every: float = 0.3) -> T:
    """Polls until `probe` returns something (truthy); fails saying what never came."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def poll_ready(client: httpx.Client, url: str, timeout: float = 60.0) -> dict[str, Any]:
    """GET a result until it is `ready`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = client.get(url)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        if body["status"] == "ready":
            return body
        time.sleep(0.2)
    raise AssertionError(f"{url} still pending after {timeout}s")


def access_token(sub: str | None = None, *roles: Role, email: str | None = None) -> str:
    """A real access token signed with the dev key, as the profile service issues after a magic link. Tests that
    are not about signing in use it to act as a person (default: a new job seeker)."""
    signer = TokenSigner(DEV_KEY_ID, dev_private_key())
    principal = Principal(sub=sub or uuid.uuid4().hex, roles=frozenset(roles or (Role.JOB_SEEKER,)), email=email)
    return signer.access_token(principal, dt.timedelta(minutes=15), dt.datetime.now(dt.UTC))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def token_subject(token: str) -> str:
    """The account id (= profile id) a token was minted for."""
    sub: str = TokenVerifier(dev_public_keys()).principal(token).sub
    return sub


class AsProfileOwner(httpx.Auth):
    """Signs each request as the job seeker whose profile the URL names, or as a new job seeker (POST /profiles):
    for tests about profiles and results rather than about signing in."""

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        match = re.search(r"/profiles/([0-9a-f]{32})", request.url.path)
        request.headers["Authorization"] = f"Bearer {access_token(match.group(1) if match else None)}"
        yield request


def unique_email(who: str) -> str:
    return f"{who}-{uuid.uuid4().hex[:12]}@example.org"


def mails(maildir: Path, to: str, contains: str) -> list[str]:
    """Bodies of the emails to `to` containing the text, oldest first (the SMTP sink's Maildir)."""
    found = []
    for message in read_messages(maildir):
        payload = message.get_payload(decode=True)
        text = payload.decode() if isinstance(payload, bytes) else str(message.get_payload())
        if str(message["To"]).casefold() == to.casefold() and contains in text:
            found.append(text)
    return found


def mail_text(maildir: Path, to: str, contains: str, timeout: float = 30.0, skip: int = 0) -> str:
    """The first matching email after the `skip` first ones (polls until it comes)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = mails(maildir, to, contains)
        if len(found) > skip:
            return found[skip]
        time.sleep(0.2)
    raise AssertionError(f"no email to {to} containing {contains!r} after {timeout}s")


def magic_token(text: str) -> str:
    found = re.search(r"/#/sign-in\?token=([\w.-]+)", text)
    assert found is not None, text
    return found.group(1)


def sign_in(client: httpx.Client, maildir: Path, email: str, role: str = "job_seeker") -> dict[str, Any]:
    """The real journey: ask for a magic link, open it from the email, get the tokens."""
    before = len(mails(maildir, email, "/#/sign-in?token="))
    asked = client.post("/api/v1/auth/magic-link", json={"email": email, "role": role})
    assert asked.status_code == 202, asked.text
    token = magic_token(mail_text(maildir, email, "/#/sign-in?token=", skip=before))
    redeemed = client.post("/api/v1/auth/token", json={"token": token})
    assert redeemed.status_code == 200, redeemed.text
    tokens: dict[str, Any] = redeemed.json()
    return tokens


@contextmanager
def scratch_db(mongo_url: str, prefix: str) -> Iterator[str]:
    """A fresh database for one test, with the default mongoengine connection pointing at it; dropped after."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    connect(mongo_url, name)
    try:
        yield name
    finally:
        disconnect()
        client: pymongo.MongoClient[dict[str, Any]]
        with pymongo.MongoClient(mongo_url, serverSelectionTimeoutMS=5_000) as client:
            client.drop_database(name)


_KEY_STORE: list[KeyStore] = []  # the running platform's person key store, once the `platform` fixture started it


def use_key_store(mongo_url: str) -> None:
    from services.profile.config import ProfileSettings

    settings = ProfileSettings(mongo_url=mongo_url)
    _KEY_STORE[:] = [KeyStore(collection(settings), KekRing.from_settings(settings))]


def ensure_person_key(person_id: str) -> bytes:
    """What redeeming a magic link does for a person: their data key exists (what is sealed to them uses it).
    Tests that mint access tokens directly call this for the people they invent."""
    assert _KEY_STORE, "no key store: the platform fixture has not started, nor was use_key_store called"
    return _KEY_STORE[0].ensure(person_id)


def person_key(person_id: str) -> bytes | None:
    """The person's data key, None once they are erased."""
    assert _KEY_STORE, "no key store: the platform fixture has not started, nor was use_key_store called"
    return _KEY_STORE[0].get(person_id)
