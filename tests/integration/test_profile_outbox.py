"""Everything the profile service emits goes through its outbox (shared/messaging/outbox.py): every stored
profile version produces exactly one `profile.submitted` and one partner event, sign-in emails and privacy
requests are accepted too, even when Kafka is down at the time; the relay sends them once Kafka answers."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from kafka import KafkaProducer  # type: ignore[import-untyped]
from mongoengine.connection import get_db  # type: ignore[import-untyped]

from services.profile.accounts import store as accounts
from services.profile.accounts.service import Accounts
from services.profile.adapters import repository
from services.profile.config import ProfileSettings
from services.profile.domain.errors import AccountErased, ProfileExists, ProfileNotFound, VersionTaken
from services.profile.privacy import store as privacy_store
from services.profile.privacy.own_data import OwnData
from services.profile.privacy.service import Privacy
from services.profile.service import Profiles
from shared import metrics
from shared.auth.tokens import Role
from shared.crypto.keystore import KekRing, KeyStore, collection
from shared.messaging.access import KafkaAccess
from shared.messaging.binding import CONTENT_TYPE, header
from shared.messaging.envelope import Envelope
from shared.messaging.factory import EventFactory, Outgoing
from shared.messaging.outbox import ORPHAN_AGE, Outbox, Relay
from shared.schemas.notification import NotificationRequested
from shared.schemas.privacy import PrivacyRequested
from shared.schemas.profile import ProfileIn, SealedProfileSubmitted
from shared.topics import PRIVACY_REQUESTS, PROFILE_SUBMITTED, REGISTRY, URGENT_NOTIFICATIONS
from tests.support import read_topic, scratch_db, wait_for

pytestmark = [pytest.mark.integration]

UNREACHABLE_KAFKA = KafkaAccess("127.0.0.1:1")
SHORT_BOOTSTRAP_MS = 2_000  # how long kafka-python looks for the unreachable broker
SETTINGS = ProfileSettings()
FACTORY = EventFactory("profile", SETTINGS.public_url)


@pytest.fixture
def keys(mongo_url: str) -> KeyStore:
    """The person key store in the test's database server (the profile service owns it)."""
    return KeyStore(collection(ProfileSettings(mongo_url=mongo_url)), KekRing.from_settings(SETTINGS))


@pytest.fixture
def outbox(mongo_url: str) -> Iterator[Outbox]:
    with scratch_db(mongo_url, "test_outbox"):
        yield Outbox(get_db)


@pytest.fixture
def relay(kafka_bootstrap: KafkaAccess, outbox: Outbox) -> Iterator[Relay]:
    working = Relay(outbox, kafka_bootstrap, "profile")
    yield working
    working.close()


@pytest.fixture
def down(outbox: Outbox, monkeypatch: pytest.MonkeyPatch) -> Iterator[Relay]:
    """A relay whose Kafka does not answer."""
    monkeypatch.setitem(KafkaProducer.DEFAULT_CONFIG, "bootstrap_timeout_ms", SHORT_BOOTSTRAP_MS)
    failing = Relay(outbox, UNREACHABLE_KAFKA, "profile")
    yield failing
    failing.close()


@pytest.fixture
def profiles(outbox: Outbox, down: Relay, keys: KeyStore) -> Profiles:
    return Profiles(outbox, down, FACTORY, keys)


def data_key(keys: KeyStore, person_id: str) -> bytes:
    key = keys.get(person_id)
    assert key is not None, "the profile's write creates its person's data key"
    return key


def a_profile(**changes: Any) -> ProfileIn:
    body: dict[str, Any] = {
        "email": "outbox@example.org",
        "year_of_birth": 1985,
        "frustrations": ["INTERVIEW", "SEX_DISCRIMINATION"],
        "projects": [{
            "target_job": {"rome_code": "M1607"},
            "city": {"name": "Toulouse", "departement_id": "31"},
            "job_search_has_not_started": True,
        }],
        **changes,
    }
    return ProfileIn.model_validate(body)


def on_topic(bootstrap: KafkaAccess, topic: str, key: str) -> list[Envelope[Any]]:
    records = [r for r in read_topic(bootstrap, topic) if r.key == key.encode()]
    assert all(header(r.headers, "content-type") == CONTENT_TYPE for r in records)  # the CloudEvents binding
    return [REGISTRY.decode(r.value) for r in records]


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def fails(relay: Relay) -> None:
    with pytest.raises(Exception):  # noqa: B017, PT011 - whichever kafka-python error: it must not pass
        relay.relay_once()


def test_a_profile_stored_while_kafka_is_down_is_relayed_exactly_once(
    kafka_bootstrap: KafkaAccess, outbox: Outbox, relay: Relay, down: Relay, profiles: Profiles, keys: KeyStore
) -> None:
    profile_id = uuid.uuid4().hex
    doc = asyncio.run(profiles.create(profile_id, a_profile(), now()))
    [entry] = list(outbox.collection().find())
    assert doc.outbox_entry == entry["_id"]
    assert entry["requires"] == {"collection": "profile_versions", "id": f"{profile_id}:1"}
    stored_ids = {r["topic"]: REGISTRY.decode(r["value"]).id for r in entry["records"]}
    assert set(stored_ids) == {PROFILE_SUBMITTED.name}  # partners get theirs from the partners service

    # Kafka unreachable: the version is stored, its events stay in the outbox.
    fails(down)
    fails(down)
    assert outbox.count() == 1
    stored = repository.get_version(profile_id, 1)
    assert stored is not None
    assert stored.profile["email"] == "outbox@example.org"
    assert on_topic(kafka_bootstrap, PROFILE_SUBMITTED.name, profile_id) == []

    # Kafka back: exactly one event, the one stored with the version.
    assert relay.relay_once() == 1
    assert outbox.count() == 0
    [event] = on_topic(kafka_bootstrap, PROFILE_SUBMITTED.name, profile_id)
    assert event.type == "profile.submitted"
    assert event.id == stored_ids[PROFILE_SUBMITTED.name]
    assert isinstance(event.data, SealedProfileSubmitted)
    assert (event.data.profile_id, event.data.version) == (profile_id, 1)
    # Sealed with the person's key, which the write created: the profile without its email, the email apart.
    opened = event.data.opened(data_key(keys, profile_id), with_contact=True)
    assert opened.profile == a_profile()
    assert "outbox@example.org" not in event.to_json().decode()

    # Nothing pending: a second pass sends nothing more.
    assert relay.relay_once() == 0
    assert len(on_topic(kafka_bootstrap, PROFILE_SUBMITTED.name, profile_id)) == 1

    # A new version (PUT) is stored with its own events and relayed once.
    second = asyncio.run(profiles.update(profile_id, a_profile(year_of_birth=1986), now()))
    assert second.version == 2
    assert outbox.count() == 1
    assert relay.relay_once() == 1
    assert relay.relay_once() == 0
    events = on_topic(kafka_bootstrap, PROFILE_SUBMITTED.name, profile_id)
    versions = {e.data.version: e.data.opened(data_key(keys, profile_id)) for e in events}
    assert sorted(versions) == [1, 2]
    assert versions[2].profile.year_of_birth == 1986

    first = asyncio.run(profiles.read(profile_id, 1))
    assert first.profile["year_of_birth"] == 1985
    assert asyncio.run(profiles.read(profile_id, None)).version == 2


def test_no_event_for_a_profile_that_was_not_stored(outbox: Outbox, relay: Relay, profiles: Profiles) -> None:
    with pytest.raises(ProfileNotFound):
        asyncio.run(profiles.update(uuid.uuid4().hex, a_profile(), now()))
    assert outbox.count() == 0
    assert relay.relay_once() == 0


def test_an_erased_account_stores_no_profile_and_no_event(outbox: Outbox, profiles: Profiles) -> None:
    account = accounts.find_or_create(f"erased-{uuid.uuid4().hex[:8]}@example.org", now())
    accounts.mark_erased(account["_id"], now())
    with pytest.raises(AccountErased):
        asyncio.run(profiles.create(account["_id"], a_profile(), now()))
    assert repository.get_version(account["_id"], 1) is None
    assert outbox.count() == 0


def test_concurrent_first_versions_are_stored_together_each_caller_with_its_own_answer(
    kafka_bootstrap: KafkaAccess, outbox: Outbox, relay: Relay, profiles: Profiles, keys: KeyStore
) -> None:
    """Submissions that arrive together share a group commit (shared/batching.py); a duplicate or an erased
    account among them is refused alone, and every stored version gets exactly its own events."""
    erased = accounts.find_or_create(f"erased-{uuid.uuid4().hex[:8]}@example.org", now())["_id"]
    accounts.mark_erased(erased, now())
    people = [uuid.uuid4().hex for _ in range(12)]
    twice = people[0]

    async def submit_all() -> list[Any]:
        submissions = [profiles.create(p, a_profile(year_of_birth=1960 + i), now()) for i, p in enumerate(people)]
        submissions += [profiles.create(twice, a_profile(year_of_birth=2000), now()),
                        profiles.create(erased, a_profile(), now())]
        return await asyncio.gather(*submissions, return_exceptions=True)

    *stored, again, refused = asyncio.run(submit_all())
    assert isinstance(again, ProfileExists)
    assert isinstance(refused, AccountErased)
    assert [(doc.profile_id, doc.version, doc.profile["year_of_birth"]) for doc in stored] == [
        (p, 1, 1960 + i) for i, p in enumerate(people)]
    assert repository.get_version(erased, 1) is None
    assert relay.relay_once() == len(people)  # the duplicate's entry names no stored version: never sent
    for i, person in enumerate(people):
        [event] = on_topic(kafka_bootstrap, PROFILE_SUBMITTED.name, person)
        assert event.data.opened(data_key(keys, person)).profile.year_of_birth == 1960 + i
    assert on_topic(kafka_bootstrap, PROFILE_SUBMITTED.name, erased) == []


def test_a_version_number_is_stored_once_and_a_refused_write_emits_nothing(
    kafka_bootstrap: KafkaAccess, outbox: Outbox, relay: Relay, profiles: Profiles, keys: KeyStore
) -> None:
    """A second version 1 is refused by the unique key: its outbox entry is never sent, and dropped later."""
    profile_id = uuid.uuid4().hex
    doc = asyncio.run(profiles.create(profile_id, a_profile(), now()))
    with pytest.raises(ProfileExists):
        asyncio.run(profiles.create(profile_id, a_profile(year_of_birth=1990), now()))
    with pytest.raises(VersionTaken):
        repository.insert(profile_id, 1, a_profile(), now(), "another-entry")
    assert outbox.count() == 2
    assert relay.relay_once() == 1  # only the stored version's entry
    [event] = on_topic(kafka_bootstrap, PROFILE_SUBMITTED.name, profile_id)
    assert event.data.opened(data_key(keys, profile_id)).profile.year_of_birth == 1985
    assert outbox.pending(10, now()) == []  # the orphan is not sent...
    assert outbox.count() == 1
    assert outbox.pending(10, now() + ORPHAN_AGE * 2) == []  # ...and dropped once old
    assert outbox.count() == 0
    assert asyncio.run(profiles.update(doc.profile_id, a_profile(), now())).version == 2


def test_sign_in_emails_and_privacy_requests_are_accepted_while_kafka_is_down(
    kafka_bootstrap: KafkaAccess, outbox: Outbox, relay: Relay, down: Relay, keys: KeyStore
) -> None:
    email = f"down-{uuid.uuid4().hex[:8]}@example.org"
    asyncio.run(Accounts(SETTINGS, outbox, down, FACTORY, keys).send_magic_link(email, Role.JOB_SEEKER, "en", now()))
    person = accounts.find_or_create(email, now())["_id"]
    privacy = Privacy(outbox, down, FACTORY)
    export_id = asyncio.run(privacy.request_export(person, now()))
    erasure_id = asyncio.run(privacy.erase(person, now()))
    assert asyncio.run(privacy.erase(person, now())) == erasure_id  # a retried DELETE is the same request
    record = privacy_store.get_request(export_id)
    assert record is not None
    assert record["outbox_entry"] == f"privacy:{export_id}"
    assert outbox.count() == 3
    fails(down)

    assert relay.relay_once() == 3
    assert outbox.count() == 0
    [mail] = on_topic(kafka_bootstrap, URGENT_NOTIFICATIONS.name, accounts.email_key(email))  # never behind bulk
    assert isinstance(mail.data, NotificationRequested)
    assert email not in mail.to_json().decode()
    key = keys.get(accounts.email_key(email))
    assert key is not None
    assert mail.data.opened(key).to == email
    assert "/#/sign-in?token=" in mail.data.opened(key).text
    requests = on_topic(kafka_bootstrap, PRIVACY_REQUESTS.name, person)
    assert [(e.type, e.data) for e in requests] == [
        ("privacy.export.requested", PrivacyRequested(request_id=export_id, person_id=person, kind="export")),
        ("privacy.erasure.requested", PrivacyRequested(request_id=erasure_id, person_id=person, kind="erasure")),
    ]


def test_a_sign_in_link_asked_again_with_the_same_idempotency_key_is_the_same_email(
    kafka_bootstrap: KafkaAccess, outbox: Outbox, relay: Relay, down: Relay, keys: KeyStore
) -> None:
    """The API died after relaying the link, before answering: the client's retry runs the route again (its claim
    gone stale) and makes the same email, which the notifier sends once; another request is another email."""
    email = f"again-{uuid.uuid4().hex[:8]}@example.org"
    service = Accounts(SETTINGS, outbox, down, FACTORY, keys)
    request = uuid.uuid4().hex
    asyncio.run(service.send_magic_link(email, Role.JOB_SEEKER, "fr", now(), request))
    assert relay.relay_once() == 1
    asyncio.run(service.send_magic_link(email, Role.JOB_SEEKER, "fr", now(), request))
    asyncio.run(service.send_magic_link(email, Role.JOB_SEEKER, "fr", now(), uuid.uuid4().hex))
    assert relay.relay_once() == 2
    mails = on_topic(kafka_bootstrap, URGENT_NOTIFICATIONS.name, accounts.email_key(email))
    assert len(mails) == 3
    assert mails[0].id == mails[1].id != mails[2].id
    assert mails[0].data.idempotency_key == mails[1].data.idempotency_key != mails[2].data.idempotency_key


def test_erasure_deletes_the_events_still_waiting(outbox: Outbox, profiles: Profiles, keys: KeyStore) -> None:
    profile_id = uuid.uuid4().hex
    asyncio.run(profiles.create(profile_id, a_profile(), now()))
    asyncio.run(profiles.update(profile_id, a_profile(year_of_birth=1986), now()))
    assert outbox.count() == 2
    counts = OwnData(outbox, keys).erase(profile_id, now())
    assert counts["profile_versions"] == 2
    assert outbox.count() == 0
    assert repository.latest_version(profile_id) is None


def test_erasure_deletes_the_sessions(outbox: Outbox, keys: KeyStore) -> None:
    account = accounts.find_or_create(f"sessions-{uuid.uuid4().hex[:8]}@example.org", now())
    opened = [accounts.open_session(account["_id"], now()) for _ in range(2)]
    other = accounts.open_session(uuid.uuid4().hex, now())
    assert OwnData(outbox, keys).erase(account["_id"], now())["sessions"] == 2
    assert [accounts.get_session(s["_id"]) for s in opened] == [None, None]
    assert accounts.get_session(other["_id"]) is not None


def test_the_outbox_gauges_read_the_backlog_from_the_database_while_kafka_is_down(
    outbox: Outbox, profiles: Profiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    asyncio.run(profiles.create(uuid.uuid4().hex, a_profile(), now()))
    # Left by an earlier process five minutes ago: in no relay's memory.
    outbox.add([Outbox.entry([request_of(uuid.uuid4().hex)], now() - dt.timedelta(minutes=5))])
    monkeypatch.setitem(KafkaProducer.DEFAULT_CONFIG, "bootstrap_timeout_ms", SHORT_BOOTSTRAP_MS)
    restarted = Relay(outbox, UNREACHABLE_KAFKA, "profile-restarted", scan_seconds=0.1)
    pending, oldest = metrics.OUTBOX_PENDING.labels("profile-restarted"), metrics.OUTBOX_OLDEST.labels(
        "profile-restarted")

    async def run_until_measured() -> None:
        running = asyncio.create_task(restarted.run())
        try:
            # The relay keeps failing to send, and keeps measuring.
            await asyncio.to_thread(wait_for, "the backlog in the gauge", lambda: pending._value.get() == 2 or None)
        finally:
            running.cancel()
            restarted.close()

    asyncio.run(run_until_measured())
    assert oldest._value.get() >= 300
    assert outbox.count() == 2, "nothing was sent"


def request_of(person: str) -> Outgoing:
    return FACTORY.event("privacy.export.requested", person,
                         PrivacyRequested(request_id=f"r-{person}", person_id=person, kind="export"),
                         entity=f"r-{person}")
