"""Use cases of the partners service: registering partners and their secrets, making each partner's feed from the
internal events, and delivering it by webhook. Storage calls are synchronous (pymongo); the async ones wrap them
in run_sync."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import aiohttp
from kafka.errors import KafkaError  # type: ignore[import-untyped]

from services.partners import metrics
from services.partners.adapters.store import Backlog, Doc, Outcome, Store
from services.partners.config import PartnersSettings
from services.partners.domain import feed, webhooks
from services.partners.domain.errors import NoWebhook, PartnerExists, RevocationFailed, UnknownPartner
from services.partners.domain.partner import Partner, Registration, Webhook, check_url
from shared.crypto.cipher import new_key
from shared.crypto.keystore import KekRing
from shared.messaging.acls import AclError
from shared.messaging.factory import EventFactory, Outgoing
from shared.mongo import as_utc, run_sync
from shared.schemas.operator import PartnerEndpointDisabled
from shared.schemas.partner import FeedEvent
from shared.topics import OPERATOR_ALERTS

log = logging.getLogger(__name__)
Clock = Callable[[], dt.datetime]
# Creates the partner's Kafka user, topic and ACLs; returns (user, password).
Provision = Callable[[str], tuple[str, str]]
# Locks the partner's Kafka user and revokes its ACLs; returns the user.
Revoke = Callable[[str], str]
Resolve = Callable[[str], list[str]]
# Sends events to Kafka and waits for their acknowledgement (the worker's producer).
Emit = Callable[[list[Outgoing]], Awaitable[None]]
(ENDPOINT_DISABLED,) = OPERATOR_ALERTS.event_types


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Keys:
    """Seals partners' pseudonym keys and webhook secrets under the platform's KEK ring, bound to what they are."""

    def __init__(self, ring: KekRing) -> None:
        self.ring = ring

    def seal(self, what: str, secret: bytes) -> Doc:
        return self.ring.wrap(what, secret)

    def open(self, sealed: Doc) -> bytes:
        return self.ring.unwrap(sealed)


def partner_of(doc: Doc) -> Partner:
    hook = doc.get("webhook")
    return Partner(
        name=doc["_id"], title=doc["title"], contact=doc["contact"], scopes=doc["scopes"], kafka=doc["kafka"],
        webhook=None if hook is None else Webhook(**{**hook, "disabled_at": hook.get("disabled_at") and
                                                     as_utc(hook["disabled_at"])}),
        registered_at=as_utc(doc["registered_at"]),
    )


@dataclass(frozen=True)
class Retired:
    name: str
    deliveries_dropped: int  # queued, never to be sent
    kafka_user_locked: str | None
    kafka_left: bool  # Kafka access is still to revoke with `python -m shared.admin partner delete <name>`


@dataclass(frozen=True)
class Registered:
    partner: Partner
    webhook_secret: str | None  # shown once
    kafka_user: str | None
    kafka_password: str | None  # shown once


class Partners:
    """Registering partners and managing their secrets (the operator's and the partner's API, and the CLI)."""

    def __init__(self, store: Store, keys: Keys, settings: PartnersSettings, resolve: Resolve,
                 provision: Provision | None, revoke: Revoke | None = None) -> None:
        self.store, self.keys, self.settings = store, keys, settings
        self.resolve, self.provision, self.revoke = resolve, provision, revoke

    def check_url(self, url: str) -> None:
        private = self.settings.private_urls_allowed
        check_url(url, [] if private else self.resolve(urlsplit(url).hostname or ""), private)

    def register(self, registration: Registration, now: dt.datetime) -> Registered:
        if registration.webhook_url is not None:
            self.check_url(registration.webhook_url)
        name = registration.name
        secret = webhooks.new_secret() if registration.webhook_url is not None else None
        doc: Doc = {
            "_id": name, "title": registration.title, "contact": registration.contact.lower(),
            "scopes": sorted(set(registration.scopes)), "kafka": registration.kafka, "registered_at": now,
            "webhook": None if registration.webhook_url is None else Webhook(url=registration.webhook_url).model_dump(),
            "key": self.keys.seal(f"partner-key:{name}", new_key()),
            "secrets": [] if secret is None else [self._sealed_secret(name, secret, 1)],
        }
        if not self.store.add_partner(doc):
            raise PartnerExists(name)
        user = password = None
        if registration.kafka and self.provision is not None:
            user, password = self.provision(name)
            self.store.update_partner(name, {"kafka_user": user})
        return Registered(partner_of(doc), secret, user, password)

    def _sealed_secret(self, name: str, secret: str, number: int, not_after: dt.datetime | None = None) -> Doc:
        return {"number": number, "not_after": not_after,
                "sealed": self.keys.seal(f"webhook-secret:{name}:{number}", secret.encode())}

    def _doc(self, name: str) -> Doc:
        doc = self.store.partner(name)
        if doc is None:
            raise UnknownPartner(name)
        return doc

    def get(self, name: str) -> Partner:
        return partner_of(self._doc(name))

    def all(self) -> list[Partner]:
        return [partner_of(d) for d in self.store.all_partners()]

    def retire(self, name: str, now: dt.datetime) -> Retired:
        """Ends a partnership: its Kafka access first (the user locked, its ACLs gone), then all that is stored for
        it, secrets and pseudonym key, deliveries queued or logged, recipients (Store.forget_partner). A retry after
        a failure completes it. Without the super user's password, the Kafka part is left to the CLI, and said."""
        doc = self.store.partner(name, retiring_too=True)
        if doc is None:
            raise UnknownPartner(name)
        user = None
        if doc["kafka"] and self.revoke is not None:
            try:
                user = self.revoke(name)
            except (KafkaError, AclError, OSError) as exc:
                raise RevocationFailed(name) from exc
        dropped = self.store.forget_partner(name, now)
        metrics.forget(name)
        log.info("partner retired", extra={"partner": name, "deliveries_dropped": dropped, "kafka_user": user})
        return Retired(name, dropped, user, kafka_left=bool(doc["kafka"]) and user is None)

    def rotate_secret(self, name: str, now: dt.datetime) -> str:
        """A new secret, signing from now on; the previous one keeps verifying for the overlap, then goes."""
        doc = self._doc(name)
        if doc.get("webhook") is None:
            raise NoWebhook(name)
        until = now + dt.timedelta(hours=self.settings.rotation_overlap_hours)
        kept = [{**s, "not_after": s["not_after"] or until} for s in doc["secrets"]
                if s["not_after"] is None or as_utc(s["not_after"]) > now]
        secret = webhooks.new_secret()
        number = max((s["number"] for s in doc["secrets"]), default=0) + 1
        self.store.update_partner(name, {"secrets": [*kept, self._sealed_secret(name, secret, number)]})
        return secret

    def enable_webhook(self, name: str, now: dt.datetime) -> Partner:
        doc = self._doc(name)
        if doc.get("webhook") is None:
            raise NoWebhook(name)
        # One write whatever the backlog: the sender takes the deliveries whose backoff was decided before
        # `enabled_at` as due (webhooks.due_at).
        self.store.update_partner(name, {"webhook.enabled": True, "webhook.enabled_at": now,
                                         "webhook.failures_in_a_row": 0, "webhook.disabled_at": None,
                                         "webhook.operator_told": None})
        metrics.DISABLED.labels(name).set(0)
        return self.get(name)

    def deliveries(self, name: str, limit: int) -> list[Doc]:
        self._doc(name)
        return self.store.log_of(name, limit)

    def replay(self, name: str, since: dt.datetime, until: dt.datetime, now: dt.datetime) -> int:
        """Queue again the deliveries made in [since, until) (same webhook-id: a receiver that kept them knows
        them), in their first order; returns how many."""
        doc = self._doc(name)
        if doc.get("webhook") is None:
            raise NoWebhook(name)
        entries = sorted(self.store.log_of(name, 10_000, since, until), key=lambda d: d["created_at"])
        base = time.time_ns()
        queued = [{"_id": e["_id"], "partner": name, "lane": e["lane"], "seq": base + i, "event_id": e["event_id"],
                   "type": e["type"], "body": e["body"], "attempts": 0, "next_at": now, "created_at": now}
                  for i, e in enumerate(entries)]
        self.store.queue_again(queued)
        return len(queued)


@dataclass
class Book:
    """The partners as the worker uses them: their doc and their opened pseudonym key."""

    partners: list[tuple[Partner, bytes]] = field(default_factory=list)

    @classmethod
    def load(cls, store: Store, keys: Keys) -> Book:
        return cls([(partner_of(d), keys.open(d["key"])) for d in store.all_partners()])


@dataclass
class Made:
    """A batch's feed: the events for Kafka, the webhook deliveries to queue, the people each partner received."""

    events: list[Outgoing] = field(default_factory=list)
    queued: list[Doc] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)


View = Callable[[bytes], FeedEvent]


class Feeds:
    """Makes each partner's events from internal ones (pure but for the clock and the queueing order)."""

    def __init__(self, factory: EventFactory) -> None:
        self.factory = factory

    def make(self, book: Book, items: Iterable[tuple[str, str, View]], now: dt.datetime,
             only_to: Callable[[Partner, str], bool] | None = None) -> Made:
        """`items`: (feed event type, cause id, view of it given a partner key). `only_to(partner, pseudonym)`
        narrows who receives (erasures go to past recipients only)."""
        made = Made()
        seq = time.time_ns()
        for event_type, cause, view in items:
            for partner, key in book.partners:
                if not partner.receives(event_type):
                    continue
                data = view(key)
                lane = data.pseudonym
                if only_to is not None and not only_to(partner, lane):
                    continue
                day = data.day
                _, event = self.factory.event(
                    event_type, lane, data, entity=feed.entity(event_type, data, f"{partner.name}:{cause}"),
                    time=dt.datetime.combine(day, dt.time(), dt.UTC),
                )
                made.recipients.append(f"{partner.name}:{lane}")
                if partner.kafka:
                    made.events.append(Outgoing(partner.topic, event))
                    metrics.FEED_EVENTS.labels(partner.name, event_type, "kafka").inc()
                if partner.webhook is not None:
                    seq += 1
                    made.queued.append({
                        "_id": f"{partner.name}:{event.id}", "partner": partner.name, "lane": lane, "seq": seq,
                        "event_id": event.id, "cause": cause, "type": event_type, "body": event.to_json().decode(),
                        "attempts": 0,
                        "next_at": now, "created_at": now,
                    })
                    metrics.FEED_EVENTS.labels(partner.name, event_type, "webhook").inc()
        return made


@dataclass
class _Endpoint:
    url: str
    secrets: list[str]
    failures: int
    enabled: bool
    enabled_at: dt.datetime | None = None  # last enabled by an operator
    disabled_at: dt.datetime | None = None
    operator_told: bool = True  # whether operators heard of the disabling (True while enabled)
    last_error: str = ""
    changed: bool = False
    disabled_here: bool = False  # this sender won the disabling's claim in this pass


def http_client(settings: PartnersSettings) -> aiohttp.ClientSession:
    """The sender's HTTP client (aiohttp: httpx's connection pool cost more than the sending at this rate)."""
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=settings.webhook_timeout_seconds))


class Sender:
    """Delivers the queued webhooks: each lane (partner, person) in order, lanes side by side. `clock` schedules
    (tests compress hours with it); the signature's timestamp is the real time of sending (`wall`)."""

    def __init__(self, store: Store, keys: Keys, settings: PartnersSettings, client: aiohttp.ClientSession,
                 clock: Clock = utc_now, rng: random.Random | None = None, wall: Clock = utc_now,
                 resolve: Resolve | None = None, alerts: tuple[EventFactory, Emit] | None = None) -> None:
        self.store, self.keys, self.settings, self.client = store, keys, settings, client
        self.alerts = alerts  # how operators are told of a disabled endpoint
        self.clock, self.wall, self.rng = clock, wall, rng or random.Random()
        self.resolve = resolve
        self.backlogs: dict[str, tuple[float, Backlog]] = {}  # disabled endpoints': (monotonic time read, backlog)
        self.gauged: set[str] = set()  # the partners whose series this sender sets
        self.schedule = webhooks.Schedule(settings.retry_base_seconds, settings.retry_max_seconds,
                                          settings.retry_jitter, settings.retry_attempts)

    def _endpoints(self, now: dt.datetime) -> dict[str, _Endpoint]:
        found = {}
        for doc in self.store.all_partners():
            hook = doc.get("webhook")
            if hook is None:
                continue
            valid = [self.keys.open(s["sealed"]).decode() for s in sorted(doc["secrets"], key=lambda s: -s["number"])
                     if s["not_after"] is None or as_utc(s["not_after"]) > now]
            disabled_at, enabled_at = hook.get("disabled_at"), hook.get("enabled_at")
            found[doc["_id"]] = _Endpoint(
                hook["url"], valid, hook.get("failures_in_a_row", 0), hook["enabled"],
                enabled_at=as_utc(enabled_at) if enabled_at else None,
                disabled_at=as_utc(disabled_at) if disabled_at else None,
                operator_told=hook["enabled"] or hook.get("operator_told") is not False,
                last_error=hook.get("last_error") or "")
        # A disabling claimed by a sender that did not write it (it died, or is still in its pass): done here.
        claimed = self.store.disablings_of({name: e.enabled_at for name, e in found.items() if e.enabled})
        for name, claim in claimed.items():
            endpoint = found[name]
            endpoint.enabled, endpoint.disabled_here, endpoint.changed = False, True, True
            endpoint.operator_told, endpoint.disabled_at, endpoint.last_error = False, claim["at"], claim["last_error"]
        return found

    async def tick(self) -> int:
        """One pass over the queue; returns how many were delivered."""
        now = self.clock()
        endpoints = await run_sync(self._endpoints, now)
        # Only the enabled endpoints' deliveries: a disabled one's backlog may be large, and waits for an operator.
        queued = await run_sync(self.store.queued, [name for name, e in endpoints.items() if e.enabled])
        await self._gauges(queued, endpoints, now)
        disabled = frozenset(name for name, e in endpoints.items() if not e.enabled)
        docs = {d["_id"]: d for d in queued}
        items = [webhooks.Queued(d["_id"], d["partner"], d["lane"], d["seq"], d["next_at"], d["scheduled_at"])
                 for d in docs.values()]
        enabled_at = {name: e.enabled_at for name, e in endpoints.items()}
        lanes: dict[tuple[str, str], list[webhooks.Queued]] = {}
        for item in sorted(items, key=lambda q: q.seq):
            lanes.setdefault((item.partner, item.lane), []).append(item)
        limit = asyncio.Semaphore(self.settings.webhook_concurrency)
        outcomes: list[Outcome] = []

        async def lane(head: webhooks.Queued) -> None:
            async with limit:
                for item in lanes[(head.partner, head.lane)]:
                    endpoint = endpoints[item.partner]
                    if not endpoint.enabled or webhooks.due_at(item, endpoint.enabled_at) > now:
                        return
                    if not await run_sync(self.store.claim_attempt, docs[item.id], now):
                        return  # another sender has this lane
                    outcome = await self._attempt(item, docs[item.id], endpoint)
                    outcomes.append(outcome)
                    if outcome.status == "retrying":  # the person's next events wait for this one
                        return

        await asyncio.gather(*(lane(head) for head in webhooks.due_heads(items, now, disabled, enabled_at)))
        if outcomes:
            await run_sync(self.store.record, outcomes, self.clock())
        for name, endpoint in endpoints.items():
            if endpoint.changed:
                await run_sync(self._save_endpoint, name, endpoint, now)
        await self._tell_operators(endpoints)
        return sum(1 for o in outcomes if o.status == "delivered")

    async def _tell_operators(self, endpoints: dict[str, _Endpoint]) -> None:
        """One alert per disabling, once it is stored, marked told only after Kafka took it: a crash in between
        sends it again under the same event id, which the notifier mails once."""
        if self.alerts is None:
            return
        factory, emit = self.alerts
        for name, endpoint in endpoints.items():
            if endpoint.operator_told or endpoint.disabled_at is None:
                continue
            alert = PartnerEndpointDisabled(partner=name, failures_in_a_row=endpoint.failures,
                                            last_error=endpoint.last_error, disabled_at=endpoint.disabled_at)
            try:
                await emit([factory.event(ENDPOINT_DISABLED, name, alert,
                                          entity=f"{name}:{endpoint.disabled_at.isoformat()}")])
            except Exception:  # e.g. Kafka away: the next pass tries again
                log.warning("operators not told yet of a disabled endpoint", exc_info=True, extra={"partner": name})
                continue
            await run_sync(self.store.update_partner, name, {"webhook.operator_told": True})
            endpoint.operator_told = True

    async def _attempt(self, item: webhooks.Queued, doc: Doc, endpoint: _Endpoint) -> Outcome:
        attempt = doc["attempts"] + 1
        error = await self._post(endpoint, doc["event_id"], doc["body"])
        if error is None:
            metrics.DELIVERIES.labels(item.partner, "delivered").inc()
            endpoint.changed |= endpoint.failures != 0
            endpoint.failures = 0
            return Outcome(item.id, "delivered", attempt)
        next_at = self.schedule.next_attempt(attempt, self.clock(), self.rng)
        metrics.DELIVERIES.labels(item.partner, "failed" if next_at else "given-up").inc()
        endpoint.failures += 1
        endpoint.changed = True
        if endpoint.enabled and webhooks.should_disable(endpoint.failures, self.settings.disable_after_failures):
            endpoint.enabled = False  # before the await: this pass's other lanes send no more to it
            metrics.DISABLED.labels(item.partner).set(1)
            # Several senders may count failures of one endpoint: the claim's winner disables it and tells operators.
            disabled_at = self.clock()
            if await run_sync(self.store.claim_disabling, item.partner, endpoint.enabled_at, disabled_at, error[:200]):
                endpoint.disabled_here, endpoint.operator_told = True, False
                endpoint.disabled_at, endpoint.last_error = disabled_at, error[:200]
                log.warning("partner webhook disabled after failures in a row; an operator must enable it again",
                            extra={"partner": item.partner, "failures": endpoint.failures, "last_error": error[:200]})
        # Given up (no next attempt): the lane moves on to the person's next event.
        return Outcome(item.id, "retrying" if next_at else "given-up", attempt, error[:500], next_at)

    async def _post(self, endpoint: _Endpoint, event_id: str, body: str) -> str | None:
        """None when delivered, else why not."""
        if not endpoint.secrets:
            return "no valid secret"
        if self.resolve is not None and not self.settings.private_urls_allowed:
            try:
                host = urlsplit(endpoint.url).hostname or ""
                check_url(endpoint.url, await run_sync(self.resolve, host), False)
            except Exception as exc:  # checked again at each send: a name may come to point inside
                return f"refused: {exc}"
        try:
            # Redirects are not followed: a public URL must not bounce the platform onto a private one.
            headers = webhooks.headers(event_id, body, self.wall(), endpoint.secrets)
            async with self.client.post(endpoint.url, data=body.encode(), allow_redirects=False,
                                        headers=headers) as sent:
                status = sent.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            return repr(exc)
        return None if 200 <= status < 300 else f"HTTP {status}"

    def _save_endpoint(self, name: str, endpoint: _Endpoint, now: dt.datetime) -> None:
        """The failure count (two senders may each write theirs: one may be short of the other's, which only
        delays a disabling), and the disabling this sender claimed. Enabling is the operators' alone: a sender that
        read the endpoint enabled never writes it back over another one's disabling."""
        self.store.update_partner(name, {"webhook.failures_in_a_row": endpoint.failures})
        if endpoint.disabled_here:
            self.store.disable_webhook(name, endpoint.enabled_at, {
                "webhook.disabled_at": endpoint.disabled_at or now, "webhook.operator_told": False,
                "webhook.last_error": endpoint.last_error})

    async def _gauges(self, queued: list[Doc], endpoints: dict[str, _Endpoint], now: dt.datetime) -> None:
        for name in self.gauged - endpoints.keys():  # retired (or its webhook gone)
            metrics.forget(name)
            self.backlogs.pop(name, None)
        self.gauged = set(endpoints)
        for name, endpoint in endpoints.items():
            if endpoint.enabled:
                self.backlogs.pop(name, None)
                backlog = Backlog.of([d for d in queued if d["partner"] == name])
            else:  # read again every `disabled_backlog_seconds` (nothing leaves it but by erasure meanwhile)
                read = self.backlogs.get(name)
                if read is None or time.monotonic() - read[0] >= self.settings.disabled_backlog_seconds:
                    read = self.backlogs[name] = (time.monotonic(), await run_sync(self.store.backlog, name))
                backlog = read[1]
            metrics.PENDING.labels(name).set(backlog.pending)
            metrics.RETRIES_PENDING.labels(name).set(backlog.retries)
            metrics.OLDEST_UNDELIVERED.labels(name).set((now - (backlog.oldest or now)).total_seconds())
            metrics.DISABLED.labels(name).set(0 if endpoint.enabled else 1)
            for outcome in metrics.DELIVERY_OUTCOMES:  # at zero before the first delivery (see shared/metrics.py)
                metrics.DELIVERIES.labels(name, outcome)
