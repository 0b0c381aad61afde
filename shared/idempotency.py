"""`Idempotency-Key` on POST, PUT and PATCH (after the IETF draft "The Idempotency-Key HTTP Header Field"): a client
that retries after losing the answer (a 502, a timeout) gets the original answer, not a second effect.

The first request with a key claims it by a unique insert (atomic on FerretDB too), runs, and stores its answer; a
retry with the same key, caller, method, path and body gets that answer again (`Idempotent-Replayed: true`). The
same key with another body is refused (422); a retry while the first still runs gets 409 with Retry-After. A 5xx
is not kept: the retry runs again. Records live 24 hours in the service's own database (`idempotency_keys`).

Nothing in a record is readable without the key, which only the client holds: the record's id and the request's
fingerprint are keyed hashes, and the answer (it may hold personal data) is sealed with AES-256-GCM under a key
derived from the Idempotency-Key. So records need no GDPR handling of their own: at rest they say nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
from contextlib import suppress
from typing import Any

from mongoengine.connection import get_db  # type: ignore[import-untyped]
from pymongo.errors import DuplicateKeyError
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.auth.tokens import InvalidToken, TokenVerifier
from shared.crypto.cipher import seal, unseal
from shared.health import OUTAGES, outage
from shared.mongo import as_utc, run_sync

HEADER = "idempotency-key"
COLLECTION = "idempotency_keys"
KEEP = dt.timedelta(hours=24)
STALE = dt.timedelta(minutes=1)  # a claim still running after this belongs to a process that died
METHODS = frozenset({"POST", "PUT", "PATCH"})
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, as the draft's sf-string
_REPLAYED_HEADERS = ("content-type", "location", "retry-after")
ANONYMOUS = "anonymous"
STATE_KEY = "idempotency_request_id"


def request_id(request: Request) -> str | None:
    """The id of the keyed request being run (a keyed hash of the caller, route and Idempotency-Key), None without
    a key: the same for every retry of one intended change."""
    found = getattr(request.state, STATE_KEY, None)
    return str(found) if found is not None else None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Sealing:
    """What the client's key opens: the record id, the body's fingerprint and the stored answer."""

    def __init__(self, service: str, principal: str, method: str, path: str, key: str) -> None:
        scope = "\0".join((service, principal, method, path)).encode()
        secret = hashlib.sha256(b"bob-idempotency\0" + scope + b"\0" + key.encode()).digest()
        self.record_id = hmac.new(secret, b"record", hashlib.sha256).hexdigest()
        self.key = hmac.new(secret, b"seal", hashlib.sha256).digest()

    def fingerprint(self, body: bytes) -> str:
        return hmac.new(self.key, body, hashlib.sha256).hexdigest()

    def seal(self, answer: bytes) -> str:
        return seal(self.key, answer, self.record_id.encode())

    def open(self, sealed: str) -> bytes:
        return unseal(self.key, sealed, self.record_id.encode())


def _claim(record_id: str, fingerprint: str, now: dt.datetime) -> dict[str, Any] | None:
    """None when this request now holds the key, else the record that holds it."""
    records = get_db()[COLLECTION]
    doc = {"_id": record_id, "fingerprint": fingerprint, "state": "running", "at": now}
    for _ in range(2):
        try:
            records.insert_one(doc)
            return None
        except DuplicateKeyError:
            found: dict[str, Any] | None = records.find_one({"_id": record_id})
            if found is None:
                continue  # released meanwhile: claim it
            at = as_utc(found["at"])
            expired = now - at > KEEP or (found["state"] == "running" and now - at > STALE)
            if not expired:
                return found
            records.delete_one({"_id": record_id, "at": found["at"]})
    return records.find_one({"_id": record_id}) or doc


def _store(record_id: str, sealed: str) -> None:
    get_db()[COLLECTION].update_one({"_id": record_id}, {"$set": {"state": "done", "answer": sealed}})


def _release(record_id: str) -> None:
    get_db()[COLLECTION].delete_one({"_id": record_id})


async def _release_if_reachable(record_id: str) -> None:
    """With the database away (often why the route failed), the claim stays: a retry gets 409 until it is stale."""
    with suppress(*OUTAGES):
        await run_sync(_release, record_id)


def _json(status: int, detail: str, extra: dict[str, str] | None = None) -> tuple[int, list[tuple[str, str]], bytes]:
    return status, [("content-type", "application/json"), *(extra or {}).items()], json.dumps(
        {"detail": detail}).encode()


class Idempotency:
    """Pure ASGI: the body is read once and handed on as it came."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app, self.service = app, service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = Headers(scope=scope).get(HEADER) if scope["type"] == "http" and scope["method"] in METHODS else None
        if key is None:
            await self.app(scope, receive, send)
            return
        if not _KEY.match(key):
            await _answer(send, *_json(400, "Idempotency-Key must be 1 to 255 printable ASCII characters"))
            return
        body = await _read(receive)
        sealing = Sealing(self.service, _principal(scope), scope["method"], scope["path"], key)
        fingerprint = sealing.fingerprint(body)
        try:
            held = await run_sync(_claim, sealing.record_id, fingerprint, _now())
        except tuple(OUTAGES) as exc:  # the database away before the route runs: a 503 the client may retry
            await (await outage(Request(scope), exc))(scope, receive, send)
            return
        if held is not None:
            await _answer(send, *_replay(held, fingerprint, sealing))
            return
        # For routes whose effect has no natural identity (a sign-in link): run again after a crash (the claim gone
        # stale), they derive the same ids from it, and what they caused once is not caused twice.
        scope.setdefault("state", {})[STATE_KEY] = sealing.record_id
        await self._run(scope, body, send, sealing)

    async def _run(self, scope: Scope, body: bytes, send: Send, sealing: Sealing) -> None:
        status, headers, chunks = 500, [], []
        given = False

        async def receive() -> Message:
            nonlocal given
            if given:
                return {"type": "http.disconnect"}
            given = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def keep(message: Message) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in message.get("headers", [])]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, keep)
        except BaseException:
            await _release_if_reachable(sealing.record_id)
            raise
        if status >= 500:
            await _release_if_reachable(sealing.record_id)  # not an answer to keep: the retry runs again
        else:
            kept = [[k, v] for k, v in headers if k in _REPLAYED_HEADERS]
            answer = json.dumps({"status": status, "headers": kept, "body": b"".join(chunks).decode("latin-1")})
            await run_sync(_store, sealing.record_id, sealing.seal(answer.encode()))


def _replay(held: dict[str, Any], fingerprint: str, sealing: Sealing) -> tuple[int, list[tuple[str, str]], bytes]:
    if not hmac.compare_digest(held["fingerprint"], fingerprint):
        return _json(422, "this Idempotency-Key was used with another request")
    if held["state"] != "done":
        return _json(409, "a request with this Idempotency-Key is still running", {"retry-after": "1"})
    answer = json.loads(sealing.open(held["answer"]))
    headers = [(str(k), str(v)) for k, v in answer["headers"]]
    return int(answer["status"]), [*headers, ("idempotent-replayed", "true")], answer["body"].encode("latin-1")


def _principal(scope: Scope) -> str:
    """The verified caller's id: keys are per caller. Without a valid token, one anonymous space (keys are random:
    the draft asks for UUIDs)."""
    authorization = Headers(scope=scope).get("authorization", "")
    verifier: TokenVerifier | None = getattr(getattr(scope.get("app"), "state", None), "token_verifier", None)
    if verifier is None or not authorization.lower().startswith("bearer "):
        return ANONYMOUS
    try:
        return verifier.principal(authorization[7:].strip()).sub
    except InvalidToken:
        return ANONYMOUS


async def _read(receive: Receive) -> bytes:
    chunks, more = [], True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)


async def _answer(send: Send, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": [
        (k.encode("latin-1"), v.encode("latin-1")) for k, v in [*headers, ("content-length", str(len(body)))]]})
    await send({"type": "http.response.body", "body": body})
