"""The consumer base's batch computation (`Runner.compute`), with a fake consumer: no Faust app, no broker."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
from collections import Counter
from typing import Any
from unittest.mock import MagicMock

import pytest
from pymongo.errors import AutoReconnect

from shared import metrics
from shared.messaging.consumer import Consumer, Output, Runner
from shared.messaging.envelope import Envelope
from shared.messaging.factory import EventFactory, Outgoing
from shared.schemas.deadletter import DeadLetter
from shared.schemas.privacy import ErasureCompleted, PrivacyRequested
from shared.topics import DEAD_LETTER, PRIVACY_ANSWERS, PRIVACY_REQUESTS, REGISTRY

NOW = dt.datetime(2026, 5, 4, 9, 30, tzinfo=dt.UTC)
PROFILE = EventFactory("profile", "https://bob.example")
SERVICE = EventFactory("advice", "https://bob.example")


def erasure(person: str, traceparent: str | None = None) -> Envelope[PrivacyRequested]:
    """A privacy request as the profile service emits it."""
    _, event = PROFILE.event(
        "privacy.erasure.requested", person, PrivacyRequested(request_id=f"r-{person}", person_id=person,
                                                              kind="erasure"),
        entity=f"r-{person}", time=NOW,
    )
    return event.model_copy(update={"traceparent": traceparent}) if traceparent else event


class Eraser(Consumer[PrivacyRequested]):
    """Handles erasure requests only; fails on the people named in `broken`, records each call."""

    name = "tests-eraser"
    topic = PRIVACY_REQUESTS
    types = ("privacy.erasure.requested",)
    attempts = 2

    def __init__(self, broken: frozenset[str] = frozenset()) -> None:
        self.broken = broken
        self.calls: list[list[str]] = []
        self.stored: list[str] = []

    async def handle(self, events: list[Envelope[PrivacyRequested]]) -> Output:
        people = [e.data.person_id for e in events]
        self.calls.append(people)
        if self.broken.intersection(people):
            raise RuntimeError(f"cannot erase {sorted(self.broken.intersection(people))}")
        answers = [
            SERVICE.event("privacy.erasure.completed", p, ErasureCompleted(
                request_id=f"r-{p}", person_id=p, service="advice", counts={"results": 1}), entity=f"r-{p}", cause=e)
            for p, e in zip(people, events, strict=True)
        ]

        async def store() -> int:
            self.stored.extend(people)
            return 0

        return Output(events=answers, store=store)


def runner(consumer: Consumer[PrivacyRequested]) -> Runner:
    return Runner(MagicMock(), consumer, SERVICE)  # compute never touches the Faust app


def dead_letters(outgoing: list[Outgoing]) -> list[DeadLetter]:
    assert all(topic == DEAD_LETTER.name and e.type == "deadletter" for topic, e in outgoing)
    assert all(e.subject == PRIVACY_REQUESTS.name for _, e in outgoing), "keyed by the refused record's topic"
    return [e.data for _, e in outgoing]


async def test_a_batch_is_handled_at_once_and_its_outputs_kept() -> None:
    consumer = Eraser()
    trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    batch = await runner(consumer).compute([erasure("p1", trace).to_json(), erasure("p2").to_json()])
    assert consumer.calls == [["p1", "p2"]]
    assert (batch.good, batch.skipped, batch.duplicates, batch.dead) == (2, 0, 0, [])
    assert [(topic, e.subject) for topic, e in batch.output.events] == [(PRIVACY_ANSWERS.name, "p1"),
                                                                         (PRIVACY_ANSWERS.name, "p2")]
    assert batch.traces[0] == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert len(batch.traces) == 2, "every event has a trace (the factory starts one)"
    await batch.output.store()
    assert consumer.stored == ["p1", "p2"]


async def test_unreadable_records_are_dead_lettered_byte_for_byte_and_the_rest_handled() -> None:
    consumer = Eraser()
    garbage = b"not json \xff"
    batch = await runner(consumer).compute([garbage, erasure("p1").to_json()])
    assert consumer.calls == [["p1"]]
    assert batch.good == 1
    [letter] = dead_letters(batch.dead)
    assert base64.b64decode(letter.raw_base64) == garbage
    assert letter.raw_text == "not json \ufffd"
    assert (letter.source_topic, letter.consumer) == (PRIVACY_REQUESTS.name, "tests-eraser")


async def test_a_failing_event_is_dead_lettered_without_sinking_the_batch() -> None:
    consumer = Eraser(broken=frozenset({"p2"}))
    events = [erasure("p1"), erasure("p2"), erasure("p3")]
    batch = await runner(consumer).compute([e.to_json() for e in events])
    # The batch failed, then each event alone; p2 was tried `attempts` times.
    assert consumer.calls == [["p1", "p2", "p3"], ["p1"], ["p2"], ["p2"], ["p3"]]
    assert batch.good == 2
    assert [e.subject for _, e in batch.output.events] == ["p1", "p3"]
    [letter] = dead_letters(batch.dead)
    assert "cannot erase ['p2']" in letter.error
    assert REGISTRY.decode(letter.raw) == events[1], "the failed event is kept whole"
    await batch.output.store()
    assert consumer.stored == ["p1", "p3"]


async def test_a_single_failing_event_is_dead_lettered_after_its_attempts() -> None:
    consumer = Eraser(broken=frozenset({"p1"}))
    batch = await runner(consumer).compute([erasure("p1").to_json()])
    assert consumer.calls == [["p1"], ["p1"]]
    assert (batch.good, batch.output.events) == (0, [])
    assert len(dead_letters(batch.dead)) == 1


class Flaky(Eraser):
    """The database away for its first `outage` calls."""

    def __init__(self, outage: int) -> None:
        super().__init__()
        self.outage = outage

    async def handle(self, events: list[Envelope[PrivacyRequested]]) -> Output:
        if self.outage:
            self.outage -= 1
            self.calls.append([e.data.person_id for e in events])
            raise AutoReconnect("127.0.0.1:27017: connection refused")
        return await super().handle(events)


async def test_an_event_failing_because_the_database_is_away_is_retried_past_its_attempts_not_dead_lettered(
) -> None:
    consumer = Flaky(outage=4)  # twice its attempts
    batch = await runner(consumer).compute([erasure("p1").to_json(), erasure("p2").to_json()])
    assert batch.dead == []
    assert batch.good == 2
    assert [e.subject for _, e in batch.output.events] == ["p1", "p2"]
    assert consumer.calls == [["p1", "p2"], ["p1"], ["p1"], ["p1"], ["p1"], ["p2"]]


async def test_an_id_seen_twice_in_a_batch_is_handled_once() -> None:
    consumer = Eraser()
    twice = erasure("p1").to_json()
    batch = await runner(consumer).compute([twice, erasure("p2").to_json(), twice])
    assert consumer.calls == [["p1", "p2"]]
    assert (batch.good, batch.duplicates) == (2, 1)


async def test_types_the_consumer_does_not_handle_are_skipped() -> None:
    consumer = Eraser()
    _, export = PROFILE.event("privacy.export.requested", "p1", PrivacyRequested(
        request_id="r-x", person_id="p1", kind="export"), entity="r-x")
    batch = await runner(consumer).compute([export.to_json()])
    assert consumer.calls == []
    assert (batch.good, batch.skipped, batch.dead) == (0, 1, [])


async def test_a_registered_type_of_another_topic_is_dead_lettered() -> None:
    consumer = Eraser()
    _, misrouted = SERVICE.event("privacy.erasure.completed", "p1", ErasureCompleted(
        request_id="r-1", person_id="p1", service="advice", counts={}), entity="r-1")
    batch = await runner(consumer).compute([misrouted.to_json()])
    assert consumer.calls == []
    [letter] = dead_letters(batch.dead)
    assert "does not belong on privacy.requests" in letter.error


async def test_the_same_refused_record_gets_the_same_dead_letter_id() -> None:
    first = await runner(Eraser()).compute([b"garbage"])
    again = await runner(Eraser()).compute([b"garbage"])
    assert first.dead[0].event.id == again.dead[0].event.id


def test_a_consumer_of_types_its_topic_does_not_carry_is_refused() -> None:
    class Wrong(Eraser):
        types = ("privacy.erasure.completed",)

    with pytest.raises(ValueError, match="not registered on privacy.requests"):
        runner(Wrong())


async def test_a_failing_store_is_retried_each_retry_logged_and_counted(caplog: pytest.LogCaptureFixture) -> None:
    from shared.messaging import consumer as kit

    failures = [ConnectionError("database away")] * 2

    async def store() -> int:
        if failures:
            raise failures.pop()
        return 3

    counter = kit.STORE_RETRIES.labels("flaky")
    before = counter._value.get()
    with caplog.at_level("WARNING", logger=kit.__name__):
        assert await kit._retrying(store, "flaky") == 3
    assert counter._value.get() - before == 2
    lines = [r for r in caplog.records if r.getMessage() == "store failed; retrying"]
    assert [(r.__dict__["consumer"], r.__dict__["attempt"]) for r in lines] == [("flaky", 1), ("flaky", 2)]
    assert "database away" in lines[0].__dict__["error"]


async def test_a_store_counting_more_replays_than_events_still_completes_the_batch() -> None:
    """A partner store counts one delivery per partner: three for one event must not make a negative "processed"
    count, whose error would leave the batch unacked and the partition's offsets stuck (seen in the fault suite)."""
    consumer = Eraser()
    run = runner(consumer)
    batch = await run.compute([erasure("p1").to_json()])

    async def store() -> int:
        return 3

    batch.output.store = store
    processed = metrics.EVENTS_CONSUMED.labels("advice", consumer.name, PRIVACY_REQUESTS.name, "processed")
    replayed = metrics.EVENTS_CONSUMED.labels("advice", consumer.name, PRIVACY_REQUESTS.name, "duplicate")
    before = (processed._value.get(), replayed._value.get())
    await run.finish([], batch, Counter(), 0.0)
    assert (processed._value.get() - before[0], replayed._value.get() - before[1]) == (0, 1)


class Record:
    def __init__(self) -> None:
        self.acked = False

    def ack(self) -> None:
        self.acked = True


class Batches:
    """What `pipelined` reads from Faust: batches of records."""

    def __init__(self, batches: list[list[Record]]) -> None:
        self.batches = batches

    async def noack_take(self, size: int, within: float) -> Any:
        for batch in self.batches:
            yield batch


async def test_a_batch_that_cannot_be_completed_stops_the_worker_unacked() -> None:
    """Acked, its offsets would be committed as if handled; left unacked by a running worker, they would pin the
    partition for good. Stopped, the worker starts again from them."""
    from shared.messaging.consumer import pipelined

    good, bad = [Record(), Record()], [Record()]
    stopped: list[bool] = []

    async def handle_batch(records: list[Record]) -> Any:
        async def finish() -> None:
            if records == bad:
                raise ValueError("Counters can only be incremented by non-negative amounts.")

        return finish()

    await pipelined(Batches([good, bad]), 500, 0.02, 4, handle_batch,  # type: ignore[arg-type]
                    stop=lambda: stopped.append(True))
    await asyncio.sleep(0.05)
    assert [r.acked for r in good] == [True, True]
    assert not bad[0].acked
    assert stopped == [True]
