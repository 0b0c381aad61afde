"""W3C trace context: the gateway's request id becomes the trace id, each hop a new span of it."""

from __future__ import annotations

import pytest

from shared.messaging import tracing

TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
REQUEST_ID = "0af7651916cd43dd8448eb211c80319c"


def test_a_trace_started_from_a_request_id_uses_it_as_the_trace_id() -> None:
    started = tracing.start(REQUEST_ID)
    assert tracing.is_valid(started)
    assert tracing.trace_id(started) == REQUEST_ID
    assert tracing.trace_id(tracing.start(REQUEST_ID.upper())) == REQUEST_ID


@pytest.mark.parametrize("request_id", [None, "", "abc", "not-a-hex-request-id-of-32-chars!", REQUEST_ID + "00"])
def test_other_request_ids_start_a_fresh_trace(request_id: str | None) -> None:
    started = tracing.start(request_id)
    assert tracing.is_valid(started)
    assert tracing.trace_id(started) != request_id
    assert tracing.trace_id(started) != tracing.trace_id(tracing.start(request_id))


def test_a_child_keeps_the_trace_and_flags_with_a_new_span() -> None:
    child = tracing.child(TRACE)
    assert tracing.is_valid(child)
    assert child[:36] == TRACE[:36]
    assert child[-3:] == TRACE[-3:]
    assert child[36:52] != TRACE[36:52]


@pytest.mark.parametrize("parent", [None, "", "garbage", "00-" + "0" * 32 + "-00f067aa0ba902b7-01"])
def test_a_child_of_nothing_valid_is_a_new_trace(parent: str | None) -> None:
    assert tracing.is_valid(tracing.child(parent))


@pytest.mark.parametrize("value", [
    "00-" + "0" * 32 + "-00f067aa0ba902b7-01",  # all-zero trace id
    "00-4bf92f3577b34da6a3ce929d0e0e4736-" + "0" * 16 + "-01",  # all-zero span id
    TRACE.upper(),
    TRACE + "-extra",
    "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    None,
])
def test_invalid_traceparents_are_recognised(value: str | None) -> None:
    assert not tracing.is_valid(value)
    assert tracing.trace_id(value) is None


def test_a_request_continues_the_callers_trace_else_starts_from_its_id() -> None:
    assert tracing.trace_id(tracing.from_request(TRACE, REQUEST_ID)) == TRACE[3:35]
    assert tracing.trace_id(tracing.from_request("garbage", REQUEST_ID)) == REQUEST_ID
    assert tracing.trace_id(tracing.from_request(None, REQUEST_ID)) == REQUEST_ID
