"""Webhook delivery to a real receiver (an HTTP server in the test) that verifies every request with the
`standardwebhooks` library: signatures hold, a tampered body or an old timestamp is refused, events arrive in
order per person through failures and retries (hours compressed by the test's clock), a duplicate only repeats
the same webhook-id, rotation keeps both secrets valid, an endpoint failing in a row is disabled, and an erasure
reaches the partners that received the person."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import aiohttp
import httpx
import pytest
from pymongo import MongoClient, monitoring
from standardwebhooks.webhooks import Webhook, WebhookVerificationError
from typer.testing import CliRunner

from services.partners import metrics, privacy
from services.partners.__main__ import cli
from services.partners.adapters.store import Store
from services.partners.domain import feed, webhooks
from services.partners.domain.errors import UnknownPartner
from services.partners.domain.partner import SCOPES, Registration
from services.partners.entrypoints.deps import Deps
from services.partners.entrypoints.worker import Profiles
from services.partners.service import Book, Registered, Sender, http_client
from shared.crypto.keystore import person_keys
from shared.messaging.envelope import Envelope
from shared.messaging.factory import Outgoing
from shared.topics import OPERATOR_ALERTS
from tests.integration.partners_support import (
    NOW,
    Clock,
    Receiver,
    answer_event,
    consume,
    deliver_all,
    erasure_event,
    partners_deps,
    profile_event,
    receiving,
)
from tests.support import scratch_db, use_key_store


@pytest.fixture
def db(mongo_url: str) -> Iterator[str]:
    use_key_store(mongo_url)
    with scratch_db(mongo_url, "partners_test") as name:
        yield name


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as found:
        yield found


def register(deps: Deps, name: str, url: str, receiver: Receiver | None = None) -> Registered:
    made = deps.partners.register(Registration(
        name=name, title=f"{name} org", contact=f"{name}@partner.example", scopes=list(SCOPES), kafka=False,
        webhook_url=url), deps.clock())
    assert made.webhook_secret is not None
    assert made.webhook_secret.startswith("whsec_")
    if receiver is not None:
        receiver.secrets.append(made.webhook_secret)
    return made


async def _flow(deps: Deps, clock: Clock, events: list[object]) -> None:
    await consume(deps, events)  # type: ignore[arg-type]
    async with http_client(deps.settings) as client:
        await deliver_all(deps, clock, client)


def test_every_delivery_verifies_and_carries_nothing_sensitive(mongo_url: str, db: str, receiver: Receiver) -> None:
    clock = Clock()
    deps = partners_deps(mongo_url, db, clock)
    register(deps, "acme", receiver.url, receiver)
    person = uuid.uuid4().hex
    asyncio.run(_flow(deps, clock, [profile_event(person, 1), answer_event(person, 1)]))

    assert not receiver.rejected
    assert [m.data["type"] for m in receiver.received] == ["partner.profile-submitted", "partner.followup-answered"]
    profile = receiver.received[0]
    data = profile.data["data"]
    assert data["pseudonym"] != person
    assert person not in profile.body.decode()
    assert data["day"] == "2026-06-01"
    assert data["age_band"] == "35-44"
    assert profile.data["time"].startswith("2026-06-01T00:00:00")  # the day, never the internal event's time
    assert data["frustrations"] == ["RESUME"]  # LANGUAGE, RACE_DISCRIMINATION, CHILD_CARE dropped
    for hidden in ("handicap", "SINGLE_PARENT", "\"ar\"", "example.org", "09:30"):
        assert hidden not in profile.body.decode()
    assert receiver.received[1].data["data"]["back_at_work"] is True
    assert profile.webhook_id == profile.data["id"]


def test_a_tampered_body_or_an_old_timestamp_is_refused(mongo_url: str, db: str, receiver: Receiver) -> None:
    clock = Clock()
    deps = partners_deps(mongo_url, db, clock)
    secret = register(deps, "acme", receiver.url, receiver).webhook_secret
    assert secret is not None
    body = json.dumps({"hello": "partner"})
    now = dt.datetime.now(dt.UTC)
    good = webhooks.headers("msg_1", body, now, [secret])
    assert Webhook(secret).verify(body, good) == {"hello": "partner"}
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace("partner", "partneR"), good)
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(secret).verify(body, webhooks.headers("msg_1", body, now - dt.timedelta(minutes=10), [secret]))
    # The receiver itself refuses them.
    for headers, content in ((good, body.replace("partner", "partneR")),
                             (webhooks.headers("msg_2", body, now - dt.timedelta(minutes=10), [secret]), body)):
        assert httpx.post(receiver.url, content=content, headers=headers).status_code == 400
    assert len(receiver.rejected) == 2
    assert not receiver.received


def test_receiver_down_then_back_every_event_arrives_in_order(mongo_url: str, db: str, receiver: Receiver) -> None:
    clock = Clock()
    deps = partners_deps(mongo_url, db, clock, disable_after_failures=10_000)
    register(deps, "acme", receiver.url, receiver)
    people = [uuid.uuid4().hex for _ in range(4)]
    events = [e for version in (1, 2, 3) for p in people for e in (profile_event(p, version), answer_event(p, version))]

    async def flow() -> None:
        await consume(deps, events)
        queued = await asyncio.to_thread(deps.store.queued)
        expected: dict[str, list[str]] = {}
        for doc in sorted(queued, key=lambda d: d["seq"]):
            expected.setdefault(doc["lane"], []).append(doc["event_id"])
        async with http_client(deps.settings) as client:
            receiver.down = True
            for _ in range(5):  # down through several retries, hours apart
                await_ticks = await _tick_and_jump(deps, clock, client)
                assert await_ticks == 0
            assert not receiver.received
            retried = await asyncio.to_thread(deps.store.queued)
            tried = {d["lane"] for d in retried if d["attempts"] >= 1}
            assert tried == set(expected)  # each person's first event was retried...
            heads = {lane: ids[0] for lane, ids in expected.items()}
            assert all(d["attempts"] == 0 for d in retried if d["event_id"] != heads[d["lane"]])  # ...the next wait
            assert metrics.RETRIES_PENDING.labels("acme")._value.get() > 0
            receiver.down, receiver.flaky = False, 5  # back, but the first answers fail after reading
            await deliver_all(deps, clock, client)
        got: dict[str, list[str]] = {}
        for message in receiver.firsts():
            got.setdefault(message.data["subject"], []).append(message.webhook_id)
        assert got == expected  # all of them, in order per person
        ids = [m.webhook_id for m in receiver.received]
        assert len(ids) > len(set(ids))  # the flaky answers made duplicates...
        bodies: dict[str, bytes] = {}
        for message in receiver.received:  # ...each repeating one message, same id, same body
            assert bodies.setdefault(message.webhook_id, message.body) == message.body
        assert clock.now - NOW > dt.timedelta(minutes=5)  # retries spread over (compressed) time, not at once

    asyncio.run(flow())


async def _tick_and_jump(deps: Deps, clock: Clock, client: aiohttp.ClientSession, alerts: Alerts | None = None
                         ) -> int:
    delivered = await Sender(deps.store, deps.keys, deps.settings, client, clock,
                             alerts=None if alerts is None else (deps.factory, alerts)).tick()
    queued = await asyncio.to_thread(deps.store.queued)
    clock.now = min([d["next_at"] for d in queued if d["next_at"] > clock.now], default=clock.now)
    return delivered


def test_during_a_rotation_both_secrets_verify(mongo_url: str, db: str, receiver: Receiver) -> None:
    clock = Clock()
    deps = partners_deps(mongo_url, db, clock)
    old = register(deps, "acme", receiver.url).webhook_secret
    new = deps.partners.rotate_secret("acme", clock())
    assert old
    assert new != old
    for secrets in ([old], [new]):  # a receiver that knows either one
        receiver.secrets[:] = secrets
        receiver.received.clear()
        asyncio.run(_flow(deps, clock, [profile_event(uuid.uuid4().hex, 1)]))
        assert len(receiver.received) == 1
        assert not receiver.rejected
    clock.now += dt.timedelta(hours=deps.settings.rotation_overlap_hours + 1)
    receiver.secrets[:] = [old]
    asyncio.run(_flow(deps, clock, [profile_event(uuid.uuid4().hex, 1)]))
    assert receiver.rejected  # the old one expired after the overlap


class Alerts:
    """Stands for the worker's producer (the e2e test mails operators through the real one): keeps what is sent,
    or fails like a broker away."""

    def __init__(self) -> None:
        self.sent: list[Envelope[Any]] = []
        self.failing = False

    async def __call__(self, outgoing: list[Outgoing]) -> None:
        if self.failing:
            raise ConnectionError("broker away")
        assert {topic for topic, _ in outgoing} == {OPERATOR_ALERTS.name}
        self.sent.extend(event for _, event in outgoing)


def test_an_endpoint_failing_in_a_row_is_disabled_operators_told_once_then_enabled(
    mongo_url: str, db: str, receiver: Receiver,
) -> None:
    clock, alerts = Clock(), Alerts()
    deps = partners_deps(mongo_url, db, clock, disable_after_failures=3)
    register(deps, "acme", receiver.url, receiver)
    receiver.down, alerts.failing = True, True

    async def flow() -> None:
        await consume(deps, [profile_event(uuid.uuid4().hex, 1) for _ in range(2)])
        async with http_client(deps.settings) as client:
            for _ in range(4):
                await _tick_and_jump(deps, clock, client, alerts)
            partner = deps.partners.get("acme")
            assert partner.webhook is not None
            assert not partner.webhook.enabled
            assert partner.webhook.last_error == "HTTP 503"
            assert metrics.DISABLED.labels("acme")._value.get() == 1
            attempts = sum(d["attempts"] for d in await asyncio.to_thread(deps.store.queued))
            assert attempts == 3  # nothing sent once disabled
            assert not alerts.sent  # Kafka away: told at a later pass

            alerts.failing = False
            for _ in range(3):  # later passes, and a restarted sender, tell nothing more
                await _tick_and_jump(deps, clock, client, alerts)
            [alert] = alerts.sent
            assert alert.type == "operator.partner-endpoint-disabled"
            assert (alert.subject, alert.data.partner, alert.data.failures_in_a_row) == ("acme", "acme", 3)
            assert (alert.data.disabled_at, alert.data.last_error) == (partner.webhook.disabled_at, "HTTP 503")

            receiver.down = False
            deps.partners.enable_webhook("acme", clock())
            await deliver_all(deps, clock, client)
            assert len(receiver.firsts()) == 2

            receiver.down = True  # failing again: disabled again, a new alert
            await consume(deps, [profile_event(uuid.uuid4().hex, 1) for _ in range(3)])
            for _ in range(4):
                await _tick_and_jump(deps, clock, client, alerts)
            assert len(alerts.sent) == 2
            assert alerts.sent[1].id != alert.id

    asyncio.run(flow())


def test_a_disabling_claimed_by_a_sender_that_died_is_done_by_the_next_pass(
    mongo_url: str, db: str, receiver: Receiver,
) -> None:
    clock, alerts = Clock(), Alerts()
    deps = partners_deps(mongo_url, db, clock, disable_after_failures=3)
    register(deps, "acme", receiver.url, receiver)
    disabled_at = clock() - dt.timedelta(seconds=5)
    assert deps.store.claim_disabling("acme", None, disabled_at, "HTTP 503")  # then the sender died

    async def flow() -> None:
        await consume(deps, [profile_event(uuid.uuid4().hex, 1)])
        async with http_client(deps.settings) as client:
            sender = Sender(deps.store, deps.keys, deps.settings, client, clock, alerts=(deps.factory, alerts))
            assert await sender.tick() == 0
            assert await sender.tick() == 0
        assert not receiver.received
        partner = deps.partners.get("acme")
        assert partner.webhook is not None
        assert (partner.webhook.enabled, partner.webhook.disabled_at, partner.webhook.last_error) == (
            False, disabled_at, "HTTP 503")
        [alert] = alerts.sent
        assert (alert.data.partner, alert.data.disabled_at) == ("acme", disabled_at)

        deps.partners.enable_webhook("acme", clock())  # a claim of the past enabling no longer counts
        async with http_client(deps.settings) as client:
            assert await Sender(deps.store, deps.keys, deps.settings, client, clock).tick() == 1

    asyncio.run(flow())


def test_a_sender_that_read_the_endpoint_enabled_never_enables_it_again(
    mongo_url: str, db: str, receiver: Receiver,
) -> None:
    """While a sender's delivery is in flight, another sender disables the endpoint (its claim and write, as in
    `Sender`): the first one's success resets the failure count and leaves the endpoint disabled."""
    clock = Clock()
    deps = partners_deps(mongo_url, db, clock, disable_after_failures=3)
    register(deps, "acme", receiver.url, receiver)
    gate = receiver.gate = threading.Event()

    async def flow() -> None:
        await consume(deps, [profile_event(uuid.uuid4().hex, 1)])
        await asyncio.to_thread(deps.store.update_partner, "acme", {"webhook.failures_in_a_row": 2})
        async with http_client(deps.settings) as client:
            first = asyncio.create_task(Sender(deps.store, deps.keys, deps.settings, client, clock).tick())
            for _ in range(600):
                if receiver.held:
                    break
                await asyncio.sleep(0.05)
            assert receiver.held == 1
            assert deps.store.claim_disabling("acme", None, clock(), "HTTP 503")
            deps.store.disable_webhook("acme", None, {"webhook.disabled_at": clock(), "webhook.operator_told": False})
            gate.set()
            assert await first == 1
            partner = deps.partners.get("acme")
            assert partner.webhook is not None
            assert (partner.webhook.enabled, partner.webhook.failures_in_a_row) == (False, 0)
            await consume(deps, [profile_event(uuid.uuid4().hex, 1)])
            assert await Sender(deps.store, deps.keys, deps.settings, client, clock).tick() == 0

    asyncio.run(flow())


class QueueReads(monitoring.CommandListener):
    """Counts the queued deliveries that the database returned (finds and their getMores)."""

    def __init__(self) -> None:
        self.documents = 0

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        pass

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        cursor = event.reply.get("cursor") or {}
        if event.command_name in ("find", "getMore") and str(cursor.get("ns", "")).endswith(".queue"):
            self.documents += len(cursor.get("firstBatch") or cursor.get("nextBatch") or [])

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


def test_a_disabled_endpoints_backlog_is_not_read_at_each_pass(mongo_url: str, db: str, receiver: Receiver) -> None:
    clock = Clock()
    deps = partners_deps(mongo_url, db, clock, disable_after_failures=1)
    register(deps, "beta", receiver.url, receiver)
    register(deps, "acme", "http://127.0.0.1:9/refused")  # the discard port: nothing listens
    reads = QueueReads()
    client: MongoClient[dict[str, Any]] = MongoClient(mongo_url, tz_aware=True, event_listeners=[reads])
    store = Store(client[db])

    async def flow() -> None:
        async with http_client(deps.settings) as http:
            await consume(deps, [profile_event(uuid.uuid4().hex, 1) for _ in range(20)])
            assert await Sender(deps.store, deps.keys, deps.settings, http, clock).tick() == 20  # acme disabled
            await consume(deps, [profile_event(uuid.uuid4().hex, 1) for _ in range(20)])
            sender = Sender(store, deps.keys, deps.settings, http, clock)
            assert await sender.tick() == 20
            assert metrics.PENDING.labels("acme")._value.get() == 40  # its gauges: read once, then kept a while
            assert metrics.PENDING.labels("beta")._value.get() == 20  # at the start of the pass
            reads.documents = 0
            await consume(deps, [profile_event(uuid.uuid4().hex, 1) for _ in range(5)])
            assert await sender.tick() == 5
            assert reads.documents == 5  # beta's five, none of acme's 45

    try:
        asyncio.run(flow())
    finally:
        client.close()
    plan = deps.store.db.command("explain", {"find": "queue", "filter": {"_id": {"$gte": "acme:", "$lt": "acme;"}}})
    if "filterPushdown" in plan:  # FerretDB: our patch makes a prefix range of `_id` an index range
        assert plan["filterPushdown"] is True
        assert "USING INDEX" in str(plan["queryPlanner"])
    else:  # MongoDB
        assert "IXSCAN" in str(plan["queryPlanner"]) or "IDHACK" in str(plan["queryPlanner"])


def test_a_retired_partner_gets_nothing_more_and_leaves_nothing_stored(
    mongo_url: str, db: str, receiver: Receiver,
) -> None:
    clock = Clock()
    deps = partners_deps(mongo_url, db, clock, disable_after_failures=2)
    register(deps, "acme", receiver.url, receiver)
    register(deps, "acme-two", receiver.url, receiver)  # its name starts like the other's: kept whole
    people = [uuid.uuid4().hex for _ in range(3)]

    async def flow() -> None:
        await consume(deps, [profile_event(p, 1) for p in people])
        async with http_client(deps.settings) as client:
            await deliver_all(deps, clock, client)
            receiver.down = True
            await consume(deps, [answer_event(p, 1) for p in people])
            assert await Sender(deps.store, deps.keys, deps.settings, client, clock).tick() == 0  # both disabled

            retired = await asyncio.to_thread(deps.partners.retire, "acme", clock())
            assert (retired.deliveries_dropped, retired.kafka_user_locked, retired.kafka_left) == (3, None, False)
            mine = {"_id": {"$regex": "^acme:"}}
            for collection in ("partners", "queue", "log", "recipients", "delivery_attempts", "disablings"):
                assert deps.store.db[collection].count_documents(mine) == 0, collection
            assert deps.store.partner("acme") is None
            assert [p.name for p in deps.partners.all()] == ["acme-two"]
            assert deps.store.db["log"].count_documents({"partner": "acme-two"}) == 6

            receiver.down, sent = False, len(receiver.received)
            deps.partners.enable_webhook("acme-two", clock())
            await consume(deps, [answer_event(p, 2) for p in people])
            await deliver_all(deps, clock, client)
            assert len(receiver.received) - sent == 6  # acme-two's three waiting and three new; none to acme

            # The name is free again: a new registration starts afresh (no old deliveries, no old disabling).
            register(deps, "acme", receiver.url, receiver)
            sent = len(receiver.received)
            await consume(deps, [answer_event(people[0], 3)])
            await deliver_all(deps, clock, client)
            assert len(receiver.received) - sent == 2
        with pytest.raises(UnknownPartner):
            deps.partners.retire("nobody", clock())

    asyncio.run(flow())


def series(partner: str) -> list[str]:
    """The partners metrics' series that name this partner (in this process)."""
    return [sample.name for family in (metrics.PENDING, metrics.DISABLED, metrics.OLDEST_UNDELIVERED,
                                       metrics.DELIVERIES)
            for metric in family.collect() for sample in metric.samples if sample.labels.get("partner") == partner]


def test_a_retired_partners_series_go_so_no_alert_fires_for_it(mongo_url: str, db: str, receiver: Receiver) -> None:
    clock = Clock()
    deps = partners_deps(mongo_url, db, clock, disable_after_failures=1)
    register(deps, "acme", receiver.url, receiver)
    register(deps, "beta", receiver.url, receiver)
    receiver.down = True

    async def flow() -> None:
        await consume(deps, [profile_event(uuid.uuid4().hex, 1)])
        async with http_client(deps.settings) as client:
            sender = Sender(deps.store, deps.keys, deps.settings, client, clock)
            assert await sender.tick() == 0
            await sender.tick()
            assert metrics.DISABLED.labels("acme")._value.get() == 1  # PartnerWebhookDisabled fires
            assert series("acme")
            # Retired through another process's API: this worker's sender drops the series at its next pass.
            await asyncio.to_thread(deps.store.forget_partner, "acme", clock())
            await sender.tick()
            assert series("acme") == []
            assert series("beta")
        deps.partners.retire("beta", clock())  # in this process: at once
        assert series("beta") == []

    asyncio.run(flow())


def test_an_operator_retires_a_partner_from_the_command_line(mongo_url: str, db: str, receiver: Receiver) -> None:
    deps = partners_deps(mongo_url, db, Clock())
    register(deps, "gamma", receiver.url, receiver)
    env = {"PARTNERS_ENVIRONMENT": "test", "PARTNERS_MONGO_URL": mongo_url, "PARTNERS_MONGO_DB": db}
    done = CliRunner().invoke(cli, ["retire", "gamma"], env=env)
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["deliveries_dropped"] == 0
    assert deps.store.partner("gamma", retiring_too=True) is None
    again = CliRunner().invoke(cli, ["retire", "gamma"], env=env)
    assert again.exit_code != 0
    assert "gamma" in again.output


def test_enabling_an_endpoint_sends_its_waiting_retries_at_once_without_rewriting_the_queue(
    mongo_url: str, db: str, receiver: Receiver,
) -> None:
    clock = Clock()
    deps = partners_deps(mongo_url, db, clock, disable_after_failures=3)
    register(deps, "acme", receiver.url, receiver)
    people = [uuid.uuid4().hex for _ in range(3)]
    receiver.down = True

    async def flow() -> None:
        await consume(deps, [*(profile_event(p, 1) for p in people), answer_event(people[0], 1)])
        async with http_client(deps.settings) as client:
            sender = Sender(deps.store, deps.keys, deps.settings, client, clock)
            assert await sender.tick() == 0  # each lane's head fails: three in a row, disabled
            partner = deps.partners.get("acme")
            assert partner.webhook is not None
            assert not partner.webhook.enabled
            queued = await asyncio.to_thread(deps.store.queued)
            retried = [d for d in queued if d["attempts"] == 1]
            assert len(retried) == 3
            assert all(d["next_at"] > clock.now and d["scheduled_at"] == clock.now for d in retried)
            # A queue document stored before `scheduled_at` was kept: due on enabling too.
            await asyncio.to_thread(deps.store.queue.update_one, {"_id": retried[0]["_id"]},
                                    {"$unset": {"scheduled_at": ""}})
            before = {d["_id"]: d["next_at"] for d in await asyncio.to_thread(deps.store.queued)}

            receiver.down = False
            clock.now += dt.timedelta(seconds=1)  # well within their backoff
            await asyncio.to_thread(deps.partners.enable_webhook, "acme", clock())
            after = {d["_id"]: d["next_at"] for d in await asyncio.to_thread(deps.store.queued)}
            assert after == before  # enabling wrote nothing to the queue
            assert await sender.tick() == 4  # at once, the clock unmoved: the heads, then the lane's next one
            got: dict[str, list[str]] = {}
            for message in receiver.firsts():
                got.setdefault(message.data["data"]["pseudonym"], []).append(message.data["type"])
            assert sorted(got.values()) == sorted([["partner.profile-submitted", "partner.followup-answered"],
                                                   ["partner.profile-submitted"], ["partner.profile-submitted"]])

            receiver.down = True  # a failure after the enabling waits its own backoff
            await consume(deps, [profile_event(uuid.uuid4().hex, 1)])
            assert await sender.tick() == 0
            receiver.down = False
            assert await sender.tick() == 0
            [waiting] = await asyncio.to_thread(deps.store.queued)
            clock.now = waiting["next_at"]
            assert await sender.tick() == 1

    asyncio.run(flow())


def test_two_partners_see_different_pseudonyms_and_the_erasure_reaches_recipients_only(
    mongo_url: str, db: str, receiver: Receiver,
) -> None:
    clock = Clock()
    deps = partners_deps(mongo_url, db, clock)
    with receiving() as other:
        register(deps, "acme", receiver.url, receiver)
        register(deps, "beta", other.url, other)
        person, stranger = uuid.uuid4().hex, uuid.uuid4().hex
        asyncio.run(_flow(deps, clock, [profile_event(person, 1)]))
        ours, theirs = receiver.received[0].data["subject"], other.received[0].data["subject"]
        assert ours != theirs
        assert person not in (ours, theirs)
        asyncio.run(_flow(deps, clock, [erasure_event(person), erasure_event(stranger)]))
        for got, pseudonym in ((receiver, ours), (other, theirs)):
            erased = [m.data for m in got.received if m.data["type"] == feed.ERASED]
            assert [e["subject"] for e in erased] == [pseudonym]  # the stranger went to nobody
        # Forgotten: a second erasure request sends nothing more.
        before = len(receiver.received)
        asyncio.run(_flow(deps, clock, [erasure_event(person)]))
        assert len(receiver.received) == before


def test_a_replay_sends_again_what_was_delivered_in_the_range_with_the_same_webhook_ids(
    mongo_url: str, db: str, receiver: Receiver
) -> None:
    clock = Clock()
    deps = partners_deps(mongo_url, db, clock)
    register(deps, "acme", receiver.url, receiver)
    early, late = uuid.uuid4().hex, uuid.uuid4().hex
    asyncio.run(_flow(deps, clock, [profile_event(early, 1), answer_event(early, 1)]))
    clock.now += dt.timedelta(hours=2)
    asyncio.run(_flow(deps, clock, [profile_event(late, 1)]))
    first = list(receiver.received)
    assert len(first) == 3

    queued = deps.partners.replay("acme", NOW, NOW + dt.timedelta(hours=1), clock())
    assert queued == 2  # the early person's two deliveries, not the late one's

    async def resend() -> None:
        async with http_client(deps.settings) as client:
            await deliver_all(deps, clock, client)
    asyncio.run(resend())

    again = receiver.received[len(first):]
    assert not receiver.rejected
    assert [(m.webhook_id, m.body) for m in again] == [(m.webhook_id, m.body) for m in first[:2]]  # same ids, order
    assert all(m.data["data"]["pseudonym"] == first[0].data["data"]["pseudonym"] for m in again)


def test_a_person_learns_which_partners_received_them_and_erasure_leaves_only_the_notice(
    mongo_url: str, db: str, receiver: Receiver,
) -> None:
    clock = Clock()
    deps = partners_deps(mongo_url, db, clock)
    register(deps, "acme", receiver.url, receiver)
    deps.partners.register(Registration(name="beta", title="beta org", contact="beta@partner.example",
                                        scopes=[feed.FOLLOWUP], kafka=False, webhook_url=receiver.url), clock())
    person, stranger = uuid.uuid4().hex, uuid.uuid4().hex
    asyncio.run(_flow(deps, clock, [profile_event(person, 1), profile_event(stranger, 1)]))

    def export(who: str) -> dict[str, Any]:
        return privacy.export_person(deps.store, Book.load(deps.store, deps.keys), who)

    mine = export(person)
    [acme] = mine["partners"]  # beta's scopes never sent it this person
    assert (acme["partner"], acme["title"], acme["contact"]) == ("acme", "acme org", "acme@partner.example")
    assert acme["pseudonym"] in {m.data["subject"] for m in receiver.received}
    assert [(d["partner"], d["type"], d["status"]) for d in mine["deliveries"]] == [
        ("acme", feed.PROFILE, "delivered")]
    assert "body" not in mine["deliveries"][0]

    erasure = erasure_event(person)
    produced = asyncio.run(consume(deps, [erasure]))
    [answer] = [e for _, e in produced if e.type == "privacy.erasure.completed"]
    assert (answer.data.service, answer.data.person_id, answer.data.counts) == (
        "partners", person, {"log": 1, "recipients": 1})
    asyncio.run(_flow(deps, clock, []))
    assert [m.data["type"] for m in receiver.firsts()][-1] == feed.ERASED

    after = export(person)
    assert after["partners"] == []
    assert [(d["type"], d["status"]) for d in after["deliveries"]] == [(feed.ERASED, "delivered")]
    assert [d["type"] for d in export(stranger)["deliveries"]] == [feed.PROFILE]  # others keep theirs
    [again] = [e for _, e in asyncio.run(consume(deps, [erasure])) if e.type == "privacy.erasure.completed"]
    assert again.id == answer.id  # a replayed request: the same answer, nothing more erased


def test_the_delivery_log_keeps_settled_entries_for_the_retention_period_only(
    mongo_url: str, db: str, receiver: Receiver,
) -> None:
    clock = Clock()
    deps = partners_deps(mongo_url, db, clock)
    register(deps, "acme", receiver.url, receiver)
    asyncio.run(_flow(deps, clock, [profile_event(uuid.uuid4().hex, 1)]))
    receiver.down = True
    asyncio.run(consume(deps, [profile_event(uuid.uuid4().hex, 1)]))
    waiting = {d["_id"] for d in deps.store.queued()}
    assert len(deps.store.log_of("acme", 10)) == 2

    assert deps.store.expire_log(NOW) == 0  # nothing settled before then
    assert deps.store.expire_log(NOW + dt.timedelta(days=1)) == 1
    assert {d["_id"] for d in deps.store.log_of("acme", 10)} == waiting  # the queued one waits for its outcome


def test_a_redelivered_event_counts_once_as_replayed_whatever_the_number_of_partners(mongo_url: str, db: str) -> None:
    """The consumer counts replays in events: one event queued for three partners and handled again is one."""
    deps = partners_deps(mongo_url, db, Clock())
    for name in ("acme", "globex", "initech"):
        register(deps, name, f"https://{name}.example/hooks")
    people = [uuid.uuid4().hex for _ in range(2)]

    async def store(events: list[Envelope[Any]]) -> int | None:
        output = await Profiles(deps, person_keys(deps.settings)).handle(events)
        return await output.store()

    assert asyncio.run(store([profile_event(people[0], 1)])) == 0
    assert asyncio.run(store([profile_event(people[0], 1), profile_event(people[1], 1)])) == 1
    assert len(deps.store.queued()) == 6
