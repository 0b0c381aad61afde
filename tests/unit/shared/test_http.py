from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from pydantic import BaseModel
from pydantic_settings import SettingsConfigDict

from shared.http import REQUEST_ID_HEADER, create_api
from shared.logs import JsonFormatter
from shared.messaging import tracing
from shared.settings import ServiceSettings

REQUEST_ID = "0af7651916cd43dd8448eb211c80319c"
CALLER_TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


class TinySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TINY_")

    service_name: str = "tiny"
    max_body_bytes: int = 100


class Body(BaseModel):
    text: str


router = APIRouter()


@router.post("/echo")
async def echo(body: Body) -> Body:
    return body


@router.get("/trace")
async def trace() -> dict[str, str | None]:
    return {"traceparent": tracing.current.get()}


@router.get("/broken")
async def broken() -> None:
    raise RuntimeError("a bug")


client = TestClient(create_api(TinySettings(), [router]))


def test_request_id_is_echoed_or_created() -> None:
    assert client.get("/healthz", headers={REQUEST_ID_HEADER: "abc"}).headers[REQUEST_ID_HEADER] == "abc"
    assert len(client.get("/healthz").headers[REQUEST_ID_HEADER]) == 32


def test_oversized_bodies_are_refused_with_or_without_content_length() -> None:
    assert client.post("/echo", json={"text": "x" * 50}).status_code == 200
    assert client.post("/echo", json={"text": "x" * 200}).status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: streamed
        yield b'{"text": "'
        yield b"x" * 200
        yield b'"}'

    assert client.post("/echo", content=chunks()).status_code == 413


def test_metrics_count_requests_by_route_template() -> None:
    client.post("/echo", json={"text": "ok"})
    text = client.get("/metrics").text
    assert 'bob_http_requests_total{method="POST",route="/echo",service="tiny",status="200"}' in text


def test_the_gateway_request_id_becomes_the_trace_of_the_request() -> None:
    response = client.get("/trace", headers={REQUEST_ID_HEADER: REQUEST_ID})
    inside = response.json()["traceparent"]
    assert tracing.trace_id(inside) == REQUEST_ID, "what the handler's events will carry"
    assert response.headers[tracing.TRACEPARENT_HEADER] == inside


def test_a_callers_traceparent_is_continued() -> None:
    response = client.get("/trace", headers={REQUEST_ID_HEADER: REQUEST_ID, "traceparent": CALLER_TRACE})
    assert tracing.trace_id(response.json()["traceparent"]) == tracing.trace_id(CALLER_TRACE)
    assert tracing.current.get() is None, "the trace does not leak out of the request"


@pytest.fixture
def access_log() -> Iterator[io.StringIO]:
    """The access log as the services write it (JSON), formatted when written: the ids live in the context."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("tiny"))
    logger = logging.getLogger("shared.http.access")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    yield stream
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_one_json_line_per_request_carries_the_request_and_trace_ids(access_log: io.StringIO) -> None:
    client.post("/echo", json={"text": "ok"}, headers={REQUEST_ID_HEADER: REQUEST_ID})
    [line] = [json.loads(text) for text in access_log.getvalue().splitlines()]
    assert line["message"] == "request"
    assert (line["request_id"], line["trace_id"]) == (REQUEST_ID, REQUEST_ID)
    assert (line["method"], line["route"], line["status"], line["service"]) == ("POST", "/echo", 200, "tiny")


def test_a_handler_that_raises_is_logged_as_500_with_its_ids_and_answered_500(access_log: io.StringIO) -> None:
    failing = TestClient(create_api(TinySettings(), [router]), raise_server_exceptions=False)
    response = failing.get("/broken", headers={REQUEST_ID_HEADER: REQUEST_ID})
    assert response.status_code == 500
    [line] = [json.loads(text) for text in access_log.getvalue().splitlines()]
    assert (line["route"], line["status"], line["request_id"]) == ("/broken", 500, REQUEST_ID)


def test_a_500_of_every_route_is_counted_from_zero_before_the_first_one() -> None:
    """So that the gateway's error alert sees the first 5xx (a series born at 1 has no increase)."""
    labels = {"service": "tiny", "method": "GET", "route": "/trace", "status": "500"}
    assert REGISTRY.get_sample_value("bob_http_requests_total", labels) == 0
    assert REGISTRY.get_sample_value("bob_http_requests_total", {**labels, "method": "POST", "route": "/echo"}) == 0
