"""The broker authenticates every connection (SASL/SCRAM-SHA-512 on every listener, TLS on the partner's) and
every service connects as itself. kafka-python as the independent client here; the ACL matrix is tested with kcat
in test_kafka_acls.py."""

from __future__ import annotations

import stat
import uuid
from collections.abc import Iterator
from dataclasses import replace

import pytest
from kafka import KafkaConsumer, TopicPartition  # type: ignore[import-untyped]
from kafka.errors import KafkaTimeoutError, TopicAuthorizationFailedError  # type: ignore[import-untyped]

from deploy.local.platform import Platform
from shared.admin import add_partner
from shared.messaging import acls
from shared.messaging.access import KafkaAccess
from shared.messaging.acls import PRINCIPALS
from shared.messaging.kafka import admin_client, make_producer
from shared.topics import DEAD_LETTER, PARTNER_FEEDS, PROFILE_SUBMITTED
from tests.conftest import Infra
from tests.support import read_topic

SHORT = {"request_timeout_ms": 5_000, "bootstrap_timeout_ms": 5_000}
# kafka-python's word for a broker that closed every connection attempt (a failed handshake or authentication).
REFUSED = "Unable to bootstrap"


@pytest.fixture(scope="module")
def secured(infra: Infra) -> Platform:
    """The project's own broker: the only one the suite secures (see tests/conftest.py)."""
    if infra.platform is None:
        pytest.skip("the broker under test is not the project's own secured broker")
    return infra.platform


def topics_seen(access: KafkaAccess) -> set[str]:
    """What a consumer of this principal learns from the broker (it fails if the broker refuses the principal)."""
    consumer = KafkaConsumer(**access.client_config(), **SHORT, group_id=None)
    try:
        return set(consumer.topics())
    finally:
        consumer.close()


def test_without_credentials_the_broker_refuses(secured: Platform) -> None:
    with pytest.raises(KafkaTimeoutError, match=REFUSED):
        topics_seen(KafkaAccess(secured.config.bootstrap_servers))


def test_a_wrong_password_is_refused(secured: Platform) -> None:
    profile = secured.kafka("profile")
    assert PROFILE_SUBMITTED.name in topics_seen(profile)
    with pytest.raises(KafkaTimeoutError, match=REFUSED):
        topics_seen(profile.as_user("profile", "not-the-password"))


def test_the_controller_listener_refuses_an_outsider(secured: Platform) -> None:
    """Clients may bootstrap from a controller (Kafka >= 3.7): its port is no back door."""
    with pytest.raises(KafkaTimeoutError, match=REFUSED):
        topics_seen(KafkaAccess(f"127.0.0.1:{secured.config.kafka_controller_port}"))


def test_the_admin_sees_every_topic(secured: Platform) -> None:
    assert {PROFILE_SUBMITTED.name, DEAD_LETTER.name} <= topics_seen(secured.kafka())


def test_a_service_publishes_to_its_own_topic_as_itself(secured: Platform) -> None:
    key = uuid.uuid4().hex.encode()
    producer = make_producer(secured.kafka("profile"))
    try:
        producer.send(PROFILE_SUBMITTED.name, key=key, value=b"{}").get(timeout=30)
    finally:
        producer.close()
    assert [r.key for r in read_topic(secured.kafka(), PROFILE_SUBMITTED.name) if r.key == key] == [key]


def test_a_service_cannot_publish_to_a_topic_it_does_not_own(secured: Platform) -> None:
    producer = make_producer(secured.kafka("diagnosis"))
    try:
        with pytest.raises(TopicAuthorizationFailedError):
            producer.send(PROFILE_SUBMITTED.name, key=b"k", value=b"{}").get(timeout=30)
    finally:
        producer.close()


def test_every_service_process_gets_its_own_principal(secured: Platform) -> None:
    users = {}
    for service in PRINCIPALS:
        env = secured.service_env(service)
        prefix = f"{service.upper()}_"
        users[service] = env[f"{prefix}KAFKA_USERNAME"]
        assert env[f"{prefix}KAFKA_PASSWORD"] == secured.credentials[service]
    assert users == {service: service for service in PRINCIPALS}
    assert len(set(secured.credentials.values())) == len(secured.credentials)


def test_the_credentials_file_is_readable_by_its_owner_only(secured: Platform) -> None:
    for secret in (secured.config.kafka_credentials_file, secured.config.kafka_dir / "server.properties"):
        assert stat.S_IMODE(secret.stat().st_mode) == 0o600, secret


@pytest.fixture(scope="module")
def partner(secured: Platform) -> Iterator[KafkaAccess]:
    user, password = add_partner(secured.kafka(), f"test-{uuid.uuid4().hex[:8]}")
    yield secured.partner_kafka(user, password)
    admin = admin_client(secured.kafka())
    try:
        acls.revoke(admin, user)
    finally:
        admin.close()


def _own_feed(partner: KafkaAccess) -> str:
    assert partner.username is not None
    return PARTNER_FEEDS.address(partner.username.removeprefix(acls.PARTNER_PREFIX))


def test_a_partner_reads_its_topic_over_tls(secured: Platform, partner: KafkaAccess) -> None:
    key = uuid.uuid4().hex.encode()
    producer = make_producer(secured.kafka("partners"))
    try:
        producer.send(_own_feed(partner), key=key, value=b"{}").get(timeout=30)
    finally:
        producer.close()
    assert partner.security_protocol == "SASL_SSL"
    consumer = KafkaConsumer(**partner.client_config(), **SHORT, group_id=None, enable_auto_commit=False)
    try:
        partitions = [TopicPartition(_own_feed(partner), p) for p in range(PARTNER_FEEDS.partitions)]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        end = consumer.end_offsets(partitions)
        keys = []
        while any(consumer.position(tp) < end[tp] for tp in partitions):
            keys += [r.key for batch in consumer.poll(timeout_ms=1_000).values() for r in batch]
    finally:
        consumer.close()
    assert key in keys


def test_the_partner_listener_takes_tls_only(partner: KafkaAccess) -> None:
    assert topics_seen(partner) == {_own_feed(partner)}
    with pytest.raises(KafkaTimeoutError, match=REFUSED):
        topics_seen(replace(partner, ca_file=None))


def test_the_partner_listener_certificate_is_signed_by_the_platform_ca(partner: KafkaAccess) -> None:
    """Verified against the system's CAs instead, the broker's certificate is refused."""
    consumer_config = partner.client_config() | {"ssl_cafile": None}
    with pytest.raises(KafkaTimeoutError, match=REFUSED):
        KafkaConsumer(**consumer_config, **SHORT, group_id=None).topics()
