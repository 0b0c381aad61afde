from __future__ import annotations

import datetime as dt

import pytest
from pydantic import BaseModel, ValidationError

from shared.consumer import DeadLetter, decode_batch
from shared.events import Envelope, typed


class Sample(BaseModel):
    name: str
    count: int


def test_envelope_round_trips_with_cloudevents_attributes() -> None:
    event = Envelope.wrap(type="sample.happened", source="/tests", subject="person-1", data=Sample(name="a", count=2))
    parsed = typed(Sample).model_validate_json(event.to_json())
    assert parsed == event
    assert Envelope.from_json(event.to_json()).data == {"name": "a", "count": 2}
    assert parsed.specversion == "1.0"
    assert parsed.dataschema == "urn:bob:schema:sample.happened:v1"
    assert parsed.key == b"person-1"
    assert parsed.payload(Sample) == Sample(name="a", count=2)
    assert parsed.time.tzinfo is not None


def test_deterministic_ids_are_kept() -> None:
    a = Envelope.wrap(type="t", source="/s", subject="p", data=Sample(name="x", count=1), id="fixed")
    assert a.id == "fixed"


def test_envelope_refuses_unknown_attributes() -> None:
    event = Envelope.wrap(type="t", source="/s", subject="p", data=Sample(name="x", count=1))
    raw = event.model_dump(mode="json") | {"surprise": 1}
    with pytest.raises(ValidationError):
        Envelope.model_validate(raw)


def test_decode_batch_dead_letters_bad_records_without_losing_them() -> None:
    good = Envelope.wrap(type="sample.happened", source="/s", subject="p", data=Sample(name="x", count=1))
    wrong_type = Envelope.wrap(type="other", source="/s", subject="p", data=Sample(name="x", count=1))
    bad_data = Envelope.wrap(type="sample.happened", source="/s", subject="p", data=DeadLetter(
        source_topic="t", consumer="c", error="e", raw_value="r", failed_at=dt.datetime.now(dt.UTC)))
    raws = [good.to_json(), b"not json \xff", wrong_type.to_json(), bad_data.to_json()]
    decoded, dead = decode_batch(raws, Sample, "sample.happened", topic="samples", consumer="tests")
    assert [d.data for d in decoded] == [Sample(name="x", count=1)]
    assert len(dead) == 3
    letters = [d.payload(DeadLetter) for d in dead]
    assert letters[0].raw_value == "not json \ufffd"
    assert "unexpected event type" in letters[1].error
    assert all(d.type == "deadletter" and d.subject == "samples" for d in dead)
