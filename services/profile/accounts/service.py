"""Signing in: a magic link by email, redeemed once for an access token and a rotating refresh token.

Refresh tokens rotate: each one is good for a single refresh. Presenting an already used one means it leaked
(or the client raced itself), so the whole session is revoked."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from services.profile.accounts import store
from services.profile.accounts.emails import magic_link_email
from services.profile.config import ProfileSettings
from services.profile.domain.errors import AccountNotFound, LinkRejected, SessionRejected
from shared.auth.tokens import (
    AUTH_AUDIENCE,
    SELF_SERVICE_ROLES,
    InvalidToken,
    Principal,
    Role,
    TokenSigner,
    TokenVerifier,
)
from shared.crypto.keystore import KeyStore
from shared.messaging.factory import EventFactory
from shared.messaging.outbox import Outbox, Relay
from shared.mongo import run_sync
from shared.schemas.notification import Notification
from shared.topics import URGENT_NOTIFICATIONS

# The person waits for it: the urgent topic, never behind bulk emails.
(URGENT_REQUESTED,) = URGENT_NOTIFICATIONS.event_types


@dataclass(frozen=True)
class Issued:
    access_token: str
    refresh_token: str
    expires_in: int
    account: dict[str, Any]


def account_view(account: dict[str, Any]) -> dict[str, Any]:
    return {"account_id": account["_id"], "email": account["email"], "roles": sorted(account["roles"])}


class Accounts:
    def __init__(
        self, settings: ProfileSettings, outbox: Outbox, relay: Relay, factory: EventFactory, keys: KeyStore,
    ) -> None:
        self.settings = settings
        self.keys = keys
        self.signer = TokenSigner(settings.auth_key_id, settings.private_key)
        self.verifier = TokenVerifier(settings.auth_public_keys)
        self.outbox = outbox
        self.relay = relay
        self.factory = factory

    async def send_magic_link(self, email: str, role: Role, locale: str, now: dt.datetime,
                              request_id: str | None = None) -> None:
        """Queues the sign-in email in the outbox. Nothing else is stored: the account is created when the link
        is redeemed, so the entry's id comes from the link itself. A request retried with its Idempotency-Key
        (`request_id`) after a crash makes the same link id: one email, whatever ran twice."""
        email = email.strip().casefold()
        minutes = self.settings.magic_link_minutes
        jti = uuid.uuid4().hex if request_id is None else _link_id(request_id)
        token = self.signer.sign(
            {"typ": "magic", "sub": store.email_key(email), "email": email, "role": role.value, "jti": jti},
            AUTH_AUDIENCE, dt.timedelta(minutes=minutes), now,
        )
        subject, text = magic_link_email(locale, f"{self.settings.public_url}/#/sign-in?token={token}", minutes)
        note = Notification(
            idempotency_key=f"magic-link:{jti}", recipient_id=store.email_key(email), to=email, subject=subject,
            text=text, category="sign-in", locale=locale,
        )
        # No account yet, maybe: the link is sealed with the key of the address's hash, destroyed with the account.
        data = note.sealed(await run_sync(self.keys.ensure, note.recipient_id))
        event = self.factory.event(URGENT_REQUESTED, data.recipient_id, data, entity=jti, time=now)
        entry = Outbox.entry([event], now, entry_id=data.idempotency_key)
        await run_sync(self.outbox.add, [entry])
        self.relay.enqueue(entry)

    @staticmethod
    def read(account_id: str) -> dict[str, Any]:
        account = store.get(account_id)
        if account is None or account["erased_at"] is not None:
            raise AccountNotFound
        return account_view(account)

    def redeem(self, token: str, now: dt.datetime) -> Issued:
        try:
            claims = self.verifier.claims(token, AUTH_AUDIENCE, "magic", now)
            role = Role(claims["role"])
        except InvalidToken as exc:
            raise LinkRejected(str(exc), gone=exc.expired) from None
        except (KeyError, ValueError):
            raise LinkRejected("invalid link") from None
        if role not in SELF_SERVICE_ROLES:
            raise LinkRejected("invalid link")
        if not store.use_link(claims["jti"], now):
            raise LinkRejected("this link was already used", gone=True)
        account = store.add_role(store.find_or_create(claims["email"], now), role.value)
        self.keys.ensure(account["_id"])  # every account has its data key (accounts older than keys get it here)
        session = store.open_session(account["_id"], now)
        return self._issue(account, session["_id"], 0, now)

    def refresh(self, token: str, now: dt.datetime) -> Issued:
        try:
            claims = self.verifier.claims(token, AUTH_AUDIENCE, "refresh", now)
            session_id, generation = str(claims["sid"]), int(claims["gen"])
        except (InvalidToken, KeyError, ValueError):
            raise SessionRejected("invalid refresh token") from None
        session = store.get_session(session_id)
        if session is None or session["revoked"]:
            raise SessionRejected("this session has ended")
        if not store.advance_session(session_id, generation, now):
            store.revoke_session(session_id, now)
            raise SessionRejected("this refresh token was already used: the session is revoked")
        account = store.get(session["account_id"])
        if account is None or account["erased_at"] is not None:
            raise SessionRejected("this account no longer exists")
        return self._issue(account, session_id, generation + 1, now)

    def sign_out(self, principal: Principal, now: dt.datetime) -> None:
        if principal.session_id is not None:
            store.revoke_session(principal.session_id, now)

    def _issue(self, account: dict[str, Any], session_id: str, generation: int, now: dt.datetime) -> Issued:
        principal = Principal(
            sub=account["_id"], roles=frozenset(Role(r) for r in account["roles"]), email=account["email"],
            session_id=session_id,
        )
        ttl = dt.timedelta(minutes=self.settings.access_token_minutes)
        refresh = self.signer.sign(
            {"typ": "refresh", "sub": account["_id"], "sid": session_id, "gen": generation}, AUTH_AUDIENCE,
            dt.timedelta(days=self.settings.refresh_token_days), now,
        )
        return Issued(self.signer.access_token(principal, ttl, now), refresh, int(ttl.total_seconds()),
                      account_view(account))


def _link_id(request_id: str) -> str:
    return hashlib.sha256(f"magic-link:{request_id}".encode()).hexdigest()[:32]
