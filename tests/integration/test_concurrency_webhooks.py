"""Two partners workers send webhooks from one queue: OS processes tick their senders at the same moment over the
same queued deliveries, and the receiver gets each delivery once (each attempt is claimed by a unique insert); when
the endpoint refuses everything, one of them disables it (the disabling is claimed too)."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Iterator

import pytest

from services.partners.domain.partner import SCOPES, Registration
from tests.integration.concurrency_support import race
from tests.integration.partners_support import (
    Clock,
    Receiver,
    answer_event,
    consume,
    partners_deps,
    profile_event,
    receiving,
)
from tests.support import scratch_db, use_key_store

pytestmark = [pytest.mark.integration]
SENDERS = 4
PEOPLE = 25


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as found:
        yield found


def test_senders_racing_on_one_queue_deliver_each_webhook_once(mongo_url: str, receiver: Receiver) -> None:
    use_key_store(mongo_url)
    with scratch_db(mongo_url, "partners_race") as name:
        deps = partners_deps(mongo_url, name, Clock())
        made = deps.partners.register(Registration(
            name="acme", title="acme org", contact="acme@partner.example", scopes=list(SCOPES), kafka=False,
            webhook_url=receiver.url), deps.clock())
        assert made.webhook_secret is not None
        receiver.secrets.append(made.webhook_secret)
        people = [uuid.uuid4().hex for _ in range(PEOPLE)]
        asyncio.run(consume(deps, [e for p in people for e in (profile_event(p, 1), answer_event(p, 1))]))
        queued = len(deps.store.queued())
        assert queued == 2 * PEOPLE

        # The first trial builds each sender; in the second they all tick at once.
        race(mongo_url, name, SENDERS, [(mongo_url, name), (mongo_url, name)], "webhooks")

        assert not receiver.rejected
        assert Counter(Counter(m.webhook_id for m in receiver.received).values()) == {1: queued}
        assert deps.store.queued() == []


def test_senders_failing_at_once_disable_the_endpoint_once(mongo_url: str, receiver: Receiver) -> None:
    use_key_store(mongo_url)
    receiver.down = True
    with scratch_db(mongo_url, "partners_race") as name:
        deps = partners_deps(mongo_url, name, Clock())
        deps.partners.register(Registration(
            name="acme", title="acme org", contact="acme@partner.example", scopes=list(SCOPES), kafka=False,
            webhook_url=receiver.url), deps.clock())
        asyncio.run(consume(deps, [profile_event(uuid.uuid4().hex, 1) for _ in range(4 * PEOPLE)]))

        [_, reached] = race(mongo_url, name, SENDERS, [(mongo_url, name, 2)] * 2, "disable")

        assert sum(reached) >= 2  # several senders counted enough failures to disable it
        assert len(list(deps.store.disablings.find())) == 1
        partner = deps.partners.get("acme")
        assert partner.webhook is not None
        assert not partner.webhook.enabled
        assert partner.webhook.disabled_at is not None
