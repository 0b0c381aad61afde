from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter
from fastapi.testclient import TestClient
from pydantic import BaseModel
from pydantic_settings import SettingsConfigDict

from shared.http import REQUEST_ID_HEADER, create_api
from shared.settings import ServiceSettings


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
