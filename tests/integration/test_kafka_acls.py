"""The broker's ACLs, tried as an outsider would: with Debian's `kcat` (librdkafka, an independent client; installed
when missing). No credentials and wrong passwords are refused; each service's principal sees, reads and writes what
the registry grants it and nothing else; a partner created with `python -m shared.admin partner create` reads its
topic over TLS and is denied the others; only the admin deletes consumer groups (kafka-python's admin client)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition  # type: ignore[import-untyped]
from kafka.admin import NewTopic  # type: ignore[import-untyped]
from kafka.errors import GroupAuthorizationFailedError  # type: ignore[import-untyped]
from kafka.structs import OffsetAndMetadata  # type: ignore[import-untyped]
from prometheus_client import REGISTRY as REGISTRY_METRICS
from tenacity import Retrying, stop_after_delay, wait_fixed
from typer.testing import CliRunner

from deploy.local.platform import Platform, PlatformConfig
from shared.admin import cli, retire_topics
from shared.messaging import acls, lag_exporter
from shared.messaging.access import MECHANISM, KafkaAccess
from shared.messaging.acls import ADMIN, MONITOR, PRINCIPALS, consumer_group, partner_user
from shared.messaging.binding import record
from shared.messaging.envelope import Envelope
from shared.messaging.factory import EventFactory
from shared.messaging.kafka import admin_client
from shared.schemas.deadletter import DeadLetter
from shared.schemas.partner import FeedProfileSubmitted
from shared.topics import (
    ALL_TOPICS,
    DEAD_LETTER,
    NOTIFICATIONS,
    PARTNER_FEEDS,
    PLEDGES_MATCHES,
    PROFILE_SUBMITTED,
    REGISTRY,
    RETIRED_TOPICS,
)
from tests.conftest import Infra
from tests.support import wait_for

REFUSAL_WAIT = 5  # seconds of kcat's metadata wait when a refusal is expected
DENIED = "authorization failed"  # librdkafka's "Topic/Group authorization failed"
NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def kcat_binary() -> str:
    """Debian's kcat, installed with apt-get when missing (after refreshing the package lists if needed)."""
    found = shutil.which("kcat")
    if found is None:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "-qq", "kcat"]
        if subprocess.run(install, env=env, capture_output=True, check=False, timeout=600).returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, check=True, timeout=600)
            subprocess.run(install, env=env, capture_output=True, check=True, timeout=600)
        found = shutil.which("kcat")
    assert found, "kcat could not be installed"
    return found


@dataclass(frozen=True)
class Kcat:
    binary: str
    folder: Path  # per-run config files (0600): passwords stay off the command line

    def __call__(self, access: KafkaAccess, *args: str, stdin: str | None = None,
                 wait: int = 20) -> subprocess.CompletedProcess[str]:
        lines = [f"security.protocol={access.security_protocol.lower()}"]
        if access.username is not None:
            lines += [f"sasl.mechanisms={MECHANISM}", f"sasl.username={access.username}",
                      f"sasl.password={access.password}"]
        if access.ca_file:
            lines.append(f"ssl.ca.location={access.ca_file}")
        config = self.folder / f"{uuid.uuid4().hex}.conf"
        fd = os.open(config, os.O_WRONLY | os.O_CREAT, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write("\n".join(lines) + "\n")
        # -m: seconds to wait for metadata; a refused client fails after it at the latest (`refusal` when it must).
        command = [self.binary, "-F", str(config), "-b", access.bootstrap_servers, "-m", str(wait), *args]
        return subprocess.run(command, input=stdin, capture_output=True, text=True, errors="replace", timeout=180,
                              check=False)  # other tests put garbage bytes on some topics

    def refusal(self, access: KafkaAccess) -> subprocess.CompletedProcess[str]:
        """A listing that is expected to fail: a refused client waits for metadata until `-m`, so a short one
        (authentication, TLS and a refusal take milliseconds)."""
        return self(access, "-L", wait=REFUSAL_WAIT)

    def topics(self, access: KafkaAccess) -> set[str]:
        """The topics the broker lets this principal see (kcat -L)."""
        listing = self(access, "-L", "-J")
        assert listing.returncode == 0, listing.stderr
        return {t["topic"] for t in json.loads(listing.stdout)["topics"]}

    def consume(self, access: KafkaAccess, topic: str) -> subprocess.CompletedProcess[str]:
        """Every record of the topic, one JSON object a line (key, payload, ...), then exit."""
        return self(access, "-C", "-t", topic, "-o", "beginning", "-e", "-J", "-q")

    def produce(self, access: KafkaAccess, topic: str, event: Envelope[Any]) -> subprocess.CompletedProcess[str]:
        key, value, headers = record(event)
        header_args = [arg for name, raw in headers for arg in ("-H", f"{name}={raw.decode()}")]
        return self(access, "-P", "-t", topic, "-K", "\t", *header_args, stdin=f"{key.decode()}\t{value.decode()}\n")


@pytest.fixture(scope="module")
def secured(infra: Infra) -> Platform:
    """The project's own broker: the only one the suite secures (see tests/conftest.py)."""
    if infra.platform is None:
        pytest.skip("the broker under test is not the project's own secured broker")
    return infra.platform


@pytest.fixture(scope="module")
def kcat(kcat_binary: str, tmp_path_factory: pytest.TempPathFactory) -> Kcat:
    return Kcat(kcat_binary, tmp_path_factory.mktemp("kcat"))


def refused(result: subprocess.CompletedProcess[str]) -> bool:
    """kcat failed, and listed no topic on the way."""
    return result.returncode != 0 and "topic" not in result.stdout


def denied(result: subprocess.CompletedProcess[str]) -> bool:
    return result.returncode != 0 and DENIED in result.stderr.lower()


def keys(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [json.loads(line)["key"] for line in result.stdout.splitlines() if line.startswith("{")]


def test_without_credentials_both_listeners_refuse(secured: Platform, kcat: Kcat) -> None:
    loopback = KafkaAccess(secured.config.bootstrap_servers)
    partner_tls_only = KafkaAccess(secured.config.partner_bootstrap_servers, ca_file=str(secured.config.kafka_ca_file))
    for access in (loopback, partner_tls_only):
        result = kcat.refusal(access)
        assert refused(result), (access.bootstrap_servers, result.stdout, result.stderr)


def test_a_wrong_password_is_refused(secured: Platform, kcat: Kcat) -> None:
    result = kcat.refusal(secured.kafka("diagnosis").as_user("diagnosis", "not-the-password"))
    assert refused(result)
    assert "authentication failed" in result.stderr.lower(), result.stderr


@pytest.mark.parametrize("service", PRINCIPALS)
def test_a_service_sees_only_the_topics_it_publishes_or_subscribes_to(
    secured: Platform, kcat: Kcat, service: str
) -> None:
    mine = [t for t in ALL_TOPICS if service in (*t.publishers, *t.subscribers)]
    seen = kcat.topics(secured.kafka(service))
    prefixes = tuple(t.name.split("{")[0] for t in mine if t.per_partner)
    if prefixes:  # the publisher of every partner's topic (a prefixed ACL) sees whichever exist
        seen = {name for name in seen if not name.startswith(prefixes)}
    assert seen == {t.name for t in mine if not t.name.startswith(prefixes or ("{",))}
    assert kcat.topics(secured.kafka()) >= {t.name for t in ALL_TOPICS if not t.per_partner}, "the admin sees all"


@pytest.mark.parametrize("topic", [NOTIFICATIONS.name, PLEDGES_MATCHES.name])
def test_a_service_cannot_read_another_services_topic(secured: Platform, kcat: Kcat, topic: str) -> None:
    result = kcat.consume(secured.kafka("diagnosis"), topic)
    assert denied(result), result.stderr
    assert not keys(result)


def test_a_service_reads_the_topic_it_subscribes_to(secured: Platform, kcat: Kcat) -> None:
    result = kcat.consume(secured.kafka("diagnosis"), PROFILE_SUBMITTED.name)
    assert result.returncode == 0, result.stderr


def _dead_letter(marker: str) -> Envelope[Any]:
    letter = DeadLetter(source_topic=PROFILE_SUBMITTED.name, consumer="acl-test", error=marker, raw_base64="",
                        raw_text="", failed_at=NOW)
    _, event = EventFactory("diagnosis", "https://bob.example").event(
        DEAD_LETTER.event_types[0], marker, letter, entity=marker)
    return event


def test_a_service_cannot_write_a_topic_it_does_not_own(secured: Platform, kcat: Kcat) -> None:
    marker = uuid.uuid4().hex
    denied_write = kcat.produce(secured.kafka("diagnosis"), PROFILE_SUBMITTED.name, _dead_letter(marker))
    assert denied(denied_write), denied_write.stderr
    # The same client, producer and principal write where the registry lets diagnosis write.
    allowed = kcat.produce(secured.kafka("diagnosis"), DEAD_LETTER.name, _dead_letter(marker))
    assert allowed.returncode == 0, allowed.stderr
    assert marker in keys(kcat.consume(secured.kafka(), DEAD_LETTER.name))
    assert marker not in keys(kcat.consume(secured.kafka(), PROFILE_SUBMITTED.name))


@dataclass(frozen=True)
class Partner:
    name: str
    access: KafkaAccess


def _admin_args(platform: Platform) -> list[str]:
    return ["--bootstrap-servers", platform.config.bootstrap_servers,
            "--admin-password", platform.credentials[ADMIN]]


@pytest.fixture(scope="module")
def partner(secured: Platform) -> Iterator[Partner]:
    """A partner created as an operator would, with `python -m shared.admin partner create <name>`."""
    name = f"acl-{uuid.uuid4().hex[:8]}"
    created = CliRunner().invoke(cli, ["partner", "create", name, *_admin_args(secured)])
    assert created.exit_code == 0, created.output
    fields = dict(line.split(": ", 1) for line in created.output.splitlines() if ": " in line)
    assert fields["user"] == partner_user(name)
    yield Partner(name, secured.partner_kafka(fields["user"], fields["password"]))
    deleted = CliRunner().invoke(cli, ["partner", "delete", name, *_admin_args(secured)])
    assert deleted.exit_code == 0, deleted.output


def _partner_event(marker: str) -> Envelope[Any]:
    data = FeedProfileSubmitted(
        pseudonym=marker, day=NOW.date(), version=1, age_band="25-34", highest_degree=None,
        rome_code="M1607", departement_id="31", mobility_area="CITY", project_kind="FIND_A_NEW_JOB",
        search_started=True, frustrations=[],
    )
    _, event = EventFactory("partners", "https://bob.example").event(
        PARTNER_FEEDS.event_types[0], marker, data, entity=marker)
    return event


def test_the_partner_reads_its_topic_over_tls(secured: Platform, kcat: Kcat, partner: Partner) -> None:
    marker, feed = uuid.uuid4().hex, PARTNER_FEEDS.address(partner.name)
    sent = kcat.produce(secured.kafka("partners"), feed, _partner_event(marker))
    assert sent.returncode == 0, sent.stderr
    assert partner.access.security_protocol == "SASL_SSL"
    # It sees its own feed (created with it) and no other topic.
    assert kcat.topics(partner.access) == {feed}
    read = kcat.consume(partner.access, feed)
    assert read.returncode == 0, read.stderr
    [payload] = [json.loads(line)["payload"] for line in read.stdout.splitlines()
                 if line.startswith("{") and json.loads(line)["key"] == marker]
    assert REGISTRY.decode(payload.encode()).data.pseudonym == marker


@pytest.mark.parametrize("topic", [PROFILE_SUBMITTED.name, NOTIFICATIONS.name])
def test_the_partner_is_denied_internal_topics(kcat: Kcat, partner: Partner, topic: str) -> None:
    result = kcat.consume(partner.access, topic)
    assert denied(result), result.stderr
    assert not keys(result)


def test_the_partner_cannot_write_even_its_topic(kcat: Kcat, partner: Partner) -> None:
    result = kcat.produce(partner.access, PARTNER_FEEDS.address(partner.name), _partner_event(uuid.uuid4().hex))
    assert denied(result), result.stderr


def test_the_partner_consumes_in_its_own_groups_only(kcat: Kcat, partner: Partner) -> None:
    def in_group(group: str) -> subprocess.CompletedProcess[str]:
        feed = PARTNER_FEEDS.address(partner.name)
        return kcat(partner.access, "-X", "auto.offset.reset=earliest", "-G", group, feed, "-e", "-q")

    own = in_group(f"{partner_user(partner.name)}.reporting")
    assert own.returncode == 0, own.stderr
    assert denied(in_group(consumer_group("notifier")))
    assert denied(in_group(f"{partner_user(partner.name)}x"))  # a longer name is another partner's prefix


def test_a_deleted_partner_is_refused(secured: Platform, kcat: Kcat) -> None:
    name = f"gone-{uuid.uuid4().hex[:8]}"
    created = CliRunner().invoke(cli, ["partner", "create", name, *_admin_args(secured)])
    assert created.exit_code == 0, created.output
    password = created.output.split("password: ", 1)[1].split()[0]
    access = secured.partner_kafka(partner_user(name), password)
    assert kcat.topics(access) == {PARTNER_FEEDS.address(name)}
    deleted = CliRunner().invoke(cli, ["partner", "delete", name, *_admin_args(secured)])
    assert deleted.exit_code == 0, deleted.output
    assert refused(kcat.refusal(access))
    again = CliRunner().invoke(cli, ["partner", "delete", name, *_admin_args(secured)])
    assert again.exit_code == 0, again.output


# `partner-gone-100`: Java's String.hashCode puts it in bucket 0 of a HashMap of 16, 32 or 64 entries, where none
# of the platform's own users is, so Kafka's loader visits it first among them at start.
FIRST_VISITED = "gone-100"


def java_bucket(name: str, capacity: int) -> int:
    h = 0
    for char in name:
        h = (31 * h + ord(char)) & 0xFFFFFFFF
    return (h ^ (h >> 16)) & (capacity - 1)


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[Platform]:
    """A broker (and database) of its own: the test kills it."""
    platform = Platform(PlatformConfig.on_free_ports(tmp_path / "platform"))
    try:
        platform.start_infra()
        yield platform
    finally:
        platform.procs.stop_all()


def test_after_a_partner_is_deleted_a_restarted_broker_still_lets_everyone_in(scratch: Platform, kcat: Kcat) -> None:
    """Kafka rebuilds its SCRAM credentials from the metadata log at start, and its `ScramDelta.apply` (3.9.1 to 4.1
    at least) lost all of them when the first user it visited had been deleted: found by the fault suite, whose
    broker killed after the whole suite never came back, its own controller refusing the admin."""
    own = [ADMIN, MONITOR, *PRINCIPALS]
    assert all(java_bucket(partner_user(FIRST_VISITED), n) == 0 for n in (16, 32, 64))
    assert not any(java_bucket(user, n) == 0 for user in own for n in (16, 32, 64))
    kept = f"kept-{uuid.uuid4().hex[:8]}"
    passwords = {}
    for name in (FIRST_VISITED, kept):
        created = CliRunner().invoke(cli, ["partner", "create", name, *_admin_args(scratch)])
        assert created.exit_code == 0, created.output
        passwords[name] = created.output.split("password: ", 1)[1].split()[0]
    deleted = CliRunner().invoke(cli, ["partner", "delete", FIRST_VISITED, *_admin_args(scratch)])
    assert deleted.exit_code == 0, deleted.output

    # Killed as a crash would, then started as the supervisor or `make run` does.
    os.kill(scratch.procs.running()["kafka"], signal.SIGKILL)
    wait_for("the broker's death", lambda: scratch.procs.exited("kafka"))
    scratch.start_infra()

    for principal in own:
        assert not refused(kcat(scratch.kafka(principal), "-L")), principal
    assert kcat.topics(scratch.partner_kafka(partner_user(kept), passwords[kept])) == {PARTNER_FEEDS.address(kept)}
    assert refused(kcat.refusal(scratch.partner_kafka(partner_user(FIRST_VISITED), passwords[FIRST_VISITED])))


def _make_group(admin: KafkaAccess) -> str:
    """A consumer group with a committed offset, made by the admin (no service's group: their offsets matter)."""
    group = f"acl-test-{uuid.uuid4().hex[:8]}"
    consumer = KafkaConsumer(**admin.client_config(), group_id=group, enable_auto_commit=False)
    try:
        partition = TopicPartition(PROFILE_SUBMITTED.name, 0)
        consumer.assign([partition])
        consumer.commit({partition: OffsetAndMetadata(0, "", -1)})
    finally:
        consumer.close()
    return group


def test_only_the_admin_lists_and_deletes_consumer_groups(secured: Platform, partner: Partner) -> None:
    group = _make_group(secured.kafka())
    for access in (secured.kafka("diagnosis"), partner.access):
        client: KafkaAdminClient = admin_client(access)
        try:
            assert group not in {g["group_id"] for g in client.list_groups()}
            with pytest.raises(GroupAuthorizationFailedError):
                client.delete_groups([group])
        finally:
            client.close()
    # Not even its own group: a service may read it, not delete it.
    diagnosis = admin_client(secured.kafka("diagnosis"))
    try:
        own = consumer_group("diagnosis")
        assert diagnosis.delete_groups([own]) == {own: GroupAuthorizationFailedError.__name__}
    finally:
        diagnosis.close()
    admin = admin_client(secured.kafka())
    try:
        assert admin.delete_groups([group]) == {group: "OK"}
    finally:
        admin.close()


def test_the_broker_holds_exactly_the_generated_acls(secured: Platform) -> None:
    client = admin_client(secured.kafka())
    try:
        acls.apply(client, acls.service_rules())  # again: idempotent
        services = {f"User:{service}" for service in PRINCIPALS}
        assert acls.current(client, services) == {rule.acl() for rule in acls.service_rules()}
        assert acls.current(client, {"User:*"}) == set(), "no right is granted to everyone"
        # A right the rules no longer grant is revoked on the broker.
        user = f"acl-stale-{uuid.uuid4().hex[:8]}"
        read, describe = (acls.Rule(user, "topic", PROFILE_SUBMITTED.name, op) for op in ("READ", "DESCRIBE"))
        acls.apply(client, [read, describe])
        acls.apply(client, [describe])
        assert acls.current(client, {describe.principal}) == {describe.acl()}
        acls.revoke(client, user)
        assert acls.current(client, {describe.principal}) == set()
    finally:
        client.close()


def test_provisioning_deletes_a_retired_topic_and_every_acl_naming_it(
        secured: Platform, kcat: Kcat, partner: Partner) -> None:
    """`partner.events` (one pseudonym shared by every partner) left by an older version goes with its rights."""
    [retired] = RETIRED_TOPICS
    client = admin_client(secured.kafka())
    try:
        client.create_topics([NewTopic(retired, 1, 1)])
        user = partner_user(partner.name)
        legacy = [acls.Rule(user, "topic", retired, op) for op in ("READ", "DESCRIBE")]
        acls.apply(client, [*acls.partner_rules(partner.name), *legacy])
        assert retired in kcat.topics(partner.access)
        assert retire_topics(secured.kafka()) == [retired]
        for attempt in Retrying(stop=stop_after_delay(60), wait=wait_fixed(0.5), reraise=True):
            with attempt:  # topic deletion completes in the background
                assert retired not in client.list_topics()
        assert acls.current(client, {f"User:{user}"}) == {
            rule.acl() for rule in acls.partner_rules(partner.name)}
        assert kcat.topics(partner.access) == {PARTNER_FEEDS.address(partner.name)}
        assert retire_topics(secured.kafka()) == [], "idempotent"
    finally:
        client.close()


def test_the_lag_exporter_reads_offsets_but_no_record(secured: Platform, kcat: Kcat) -> None:
    monitor = secured.kafka(acls.MONITOR)
    assert denied(kcat.consume(monitor, PROFILE_SUBMITTED.name))
    assert denied(kcat.produce(monitor, PROFILE_SUBMITTED.name, _any_event()))
    # What it is for: every service group's committed offsets and every subscribed topic's end offsets.
    lag_exporter.Exporter(monitor, acls.subscriptions()).measure()
    assert acls.consumer_group("advice") in {s.labels["group"] for m in REGISTRY_METRICS.collect()
                                             if m.name == "bob_consumer_group_lag" for s in m.samples}
    assert lag_exporter.ERRORS._value.get() == 0


def _any_event() -> Envelope[Any]:
    data = DeadLetter(source_topic="t", consumer="c", error="e", raw_base64="", raw_text="",
                      failed_at=NOW)
    return EventFactory("monitor", "https://bob.example").event("deadletter", "t", data, entity="e").event
