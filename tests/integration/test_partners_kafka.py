"""Two partners registered through the partners service (which creates each one's topic, user and ACLs): the same
person gets a different pseudonym at each; each partner's principal reads its own feed over TLS (`kcat`) and is
denied the other's; the partners service's principal writes both. Once retired, a partner reads nothing more."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from deploy.local.platform import Platform
from services.partners.domain.partner import SCOPES, Registration
from shared.messaging.acls import ADMIN
from shared.messaging.kafka import make_producer, send
from tests.integration.partners_support import Clock, consume, partners_deps, profile_event
from tests.integration.test_kafka_acls import (  # noqa: F401 (the fixtures)
    Kcat,
    denied,
    kcat,
    kcat_binary,
    refused,
    secured,
)
from tests.support import scratch_db, use_key_store


@pytest.fixture
def db(mongo_url: str) -> Iterator[str]:
    use_key_store(mongo_url)
    with scratch_db(mongo_url, "partners_kafka") as name:
        yield name


def test_each_partner_reads_its_own_feed_and_is_denied_the_others(
    secured: Platform, kcat: Kcat, mongo_url: str, db: str,  # noqa: F811 (the imported fixtures)
) -> None:
    clock = Clock()
    deps = partners_deps(mongo_url, db, clock, kafka_bootstrap_servers=secured.config.bootstrap_servers,
                         kafka_admin_password=SecretStr(secured.credentials[ADMIN]))
    suffix = uuid.uuid4().hex[:6]
    access = {}
    for name in (f"a-{suffix}", f"b-{suffix}"):
        made = deps.partners.register(Registration(
            name=name, title=name, contact=f"{name}@partner.example", scopes=list(SCOPES)), clock())
        assert made.kafka_user == f"partner-{name}"
        assert made.kafka_password
        access[name] = secured.partner_kafka(made.kafka_user, made.kafka_password)

    person = uuid.uuid4().hex
    produced = asyncio.run(consume(deps, [profile_event(person, 1)]))
    assert {topic for topic, _ in produced} == {f"partner.{name}.events" for name in access}
    producer = make_producer(secured.kafka("partners"))  # the service's own principal writes every partner's
    for topic, event in produced:
        send(producer, topic, event).get(timeout=30)  # type: ignore[attr-defined]
    producer.close()

    (first, mine), (second, theirs) = access.items()
    seen = {}
    for name, reader in access.items():
        read = kcat.consume(reader, f"partner.{name}.events")
        assert read.returncode == 0, read.stderr
        [record] = [json.loads(line) for line in read.stdout.splitlines() if line.startswith("{")]
        seen[name] = record["key"]
        assert person not in record["payload"]
    assert seen[first] != seen[second]  # one person, two pseudonyms
    assert denied(kcat.consume(mine, f"partner.{second}.events"))
    assert denied(kcat.consume(theirs, f"partner.{first}.events"))

    # An operator retires the first partner: its own feed is closed to it, the other one's stays open.
    gone = deps.partners.retire(first, clock())
    assert (gone.kafka_user_locked, gone.kafka_left) == (f"partner-{first}", False)
    assert refused(kcat.refusal(mine))
    assert kcat.consume(theirs, f"partner.{second}.events").returncode == 0
    assert [p.name for p in deps.partners.all()] == [second]
