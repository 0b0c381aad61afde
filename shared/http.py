"""FastAPI app factory: request ids, metrics, body-size limit, /healthz, /readyz and /metrics."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared import logs, metrics
from shared.auth.access import Public, route_access
from shared.auth.tokens import TokenVerifier
from shared.health import OUTAGES, Probe, outage
from shared.idempotency import Idempotency
from shared.messaging import tracing
from shared.messaging.kafka import kafka_ready
from shared.mongo import ping
from shared.settings import ServiceSettings

REQUEST_ID_HEADER = "X-Request-ID"
log = logging.getLogger("shared.http.access")

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


class BodySizeLimit:
    """Rejects bodies larger than the limit with 413, whether or not Content-Length is given."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and int(length) > self.max_bytes:
            await JSONResponse({"detail": "request body too large"}, status_code=413)(scope, receive, send)
            return
        # Read the body first (it is small by definition) so an oversized stream is refused before any parsing.
        messages: list[Message] = []
        received = 0
        while True:
            message = await receive()
            messages.append(message)
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                await JSONResponse({"detail": "request body too large"}, status_code=413)(scope, receive, send)
                return
            if message["type"] != "http.request" or not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)


class RequestContext:
    """Per request: the request id (the gateway's `X-Request-ID`, else a new one) and the trace (the caller's
    `traceparent` continued, else one made from the request id) set in the context for the handler, its logs and
    its events, and sent back as headers; one JSON access line and the HTTP metrics. Pure ASGI, like
    `BodySizeLimit`: Starlette's `BaseHTTPMiddleware` (`@app.middleware("http")`) ran every request in an anyio
    task with memory streams (benchmarks/README.md, issue 12's flame graphs)."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        rid = headers.get(REQUEST_ID_HEADER) or uuid.uuid4().hex
        traceparent = tracing.from_request(headers.get(tracing.TRACEPARENT_HEADER), rid)
        token, trace_token = logs.request_id.set(rid), tracing.current.set(traceparent)
        started = time.perf_counter()
        answered = False

        def access_line(status: int) -> tuple[str, float]:
            # One line per request, carrying the request and trace ids (the gateway logs the same request id).
            route, elapsed = _route_template(scope), time.perf_counter() - started
            log.info("request", extra={"method": scope["method"], "route": route, "status": status,
                                       "ms": round(elapsed * 1000, 1)})
            return route, elapsed

        async def send_with_ids(message: Message) -> None:
            nonlocal answered
            if message["type"] == "http.response.start" and not answered:
                # Logged and counted as the answer starts, before it is sent (when `call_next` used to return).
                answered = True
                status = message["status"]
                route, elapsed = access_line(status)
                metrics.HTTP_REQUESTS.labels(self.service, scope["method"], route, str(status)).inc()
                metrics.HTTP_LATENCY.labels(self.service, scope["method"], route).observe(elapsed)
                response_headers = MutableHeaders(scope=message)
                response_headers[REQUEST_ID_HEADER] = rid
                response_headers[tracing.TRACEPARENT_HEADER] = traceparent
            await send(message)

        try:
            await self.app(scope, receive, send_with_ids)
        finally:
            if not answered:  # raised before answering: logged as 500, not counted (the error middleware answers)
                access_line(500)
            logs.request_id.reset(token)
            tracing.current.reset(trace_token)


def _route_template(scope: Scope) -> str:
    route = scope.get("route")
    return getattr(route, "path", "unmatched")


def health_router(settings: ServiceSettings) -> APIRouter:
    router = APIRouter(tags=["health"], dependencies=[Public])
    kafka, mongo = Probe(lambda: kafka_ready(settings.kafka)), Probe(ping, fresh_for=1.0)

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "alive", "service": settings.service_name}

    @router.get("/readyz")
    async def readyz() -> JSONResponse:
        kafka_ok, mongo_ok = await asyncio.gather(kafka.ok(), mongo.ok())
        checks = {"kafka": kafka_ok, "mongo": mongo_ok}
        status = 200 if all(checks.values()) else 503
        return JSONResponse({"ready": status == 200, "checks": checks}, status_code=status)

    @router.get("/metrics", include_in_schema=False)
    async def prometheus_metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


Loc = Sequence[str | int]


def refused_fields(errors: Sequence[tuple[Loc, str, str]]) -> JSONResponse:
    """A 422 in FastAPI's shape, one (location, message, type) per refused field: where and why, never the
    submitted values (they may be sensitive, e.g. discrimination answers, and error bodies end up in logs)."""
    return JSONResponse({"detail": [{"loc": list(loc), "msg": msg, "type": kind} for loc, msg, kind in errors]},
                        status_code=422)


def create_api(
    settings: ServiceSettings,
    routers: Sequence[APIRouter],
    lifespan: Lifespan | None = None,
) -> FastAPI:
    app = FastAPI(title=f"bob {settings.service_name}", version="1.0.0", lifespan=lifespan)
    app.state.token_verifier = TokenVerifier(settings.auth_public_keys)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        return refused_fields([(e["loc"], e["msg"], e["type"]) for e in exc.errors()])

    for outage_type in OUTAGES:
        app.add_exception_handler(outage_type, outage)

    # Outermost last: the body-size limit refuses before the request is given an id, logged or counted.
    app.add_middleware(Idempotency, service=settings.service_name)
    app.add_middleware(RequestContext, service=settings.service_name)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.include_router(health_router(settings))
    for router in routers:
        app.include_router(router)
    metrics.init_http(settings.service_name, [
        (method, route.path) for route in route_access(app) for method in route.methods - {"HEAD"}
    ])
    return app


