"""HTTP entrypoint of the partners service, under /api/v1/partners: operators register partners and watch their
endpoints; a partner (role `partner`, signed in with its contact address) reads its subscription and delivery log,
replays a time range, rotates its webhook secret and reads the AsyncAPI document of its feed. Domain errors become
HTTP statuses here and nowhere else (`STATUSES`)."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

import uvicorn
from fastapi import APIRouter, FastAPI, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, model_validator

from services.partners.config import PartnersSettings
from services.partners.domain.errors import NoWebhook, PartnerExists, RefusedUrl, RevocationFailed, UnknownPartner
from services.partners.domain.partner import ERASED, Partner, Registration
from services.partners.entrypoints.deps import Deps, wire
from services.partners.service import Registered, Retired
from shared.auth.access import Operator, PartnerOrg
from shared.auth.tokens import Principal
from shared.health import RETRY_AFTER_SECONDS
from shared.http import Lifespan, create_api
from shared.logs import configure_logging
from shared.messaging import catalogue
from shared.mongo import as_utc, connect, run_sync
from shared.topics import PARTNER_FEEDS

STATUSES: dict[type[Exception], tuple[int, str]] = {
    UnknownPartner: (404, "no such partner"),
    PartnerExists: (409, "a partner has this name"),
    RefusedUrl: (422, "webhook URL refused"),
    NoWebhook: (409, "this partner has no webhook"),
    RevocationFailed: (503, "Kafka access not revoked, nothing retired; try again shortly"),
}
PartnerName = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]


class Created(BaseModel):
    """A registered partner, with what is shown once: the webhook secret and the Kafka password."""

    partner: Partner
    webhook_secret: str | None
    kafka_user: str | None
    kafka_password: str | None


class Delivery(BaseModel):
    webhook_id: str
    type: str
    status: str = Field(description="pending, retrying, delivered, given-up or replaying")
    attempts: int
    created_at: dt.datetime
    updated_at: dt.datetime
    last_error: str | None


class Gone(BaseModel):
    """A retired partner: what was dropped, and whether its Kafka access is still to revoke by hand."""

    name: str
    deliveries_dropped: int = Field(description="Queued webhook deliveries that will never be sent")
    kafka_user_locked: str | None
    next_step: str | None = Field(description="What an operator must still do, if anything")


class Replay(BaseModel):
    since: dt.datetime
    until: dt.datetime

    @model_validator(mode="after")
    def _ordered(self) -> Replay:
        if self.until <= self.since:
            raise ValueError("until must come after since")
        return self


class Replayed(BaseModel):
    queued: int


class Secret(BaseModel):
    webhook_secret: str = Field(description="Shown once; the previous secret keeps verifying during the overlap")
    previous_valid_until: dt.datetime


def router(deps: Deps) -> APIRouter:
    api = APIRouter(prefix="/api/v1/partners", tags=["partners"])
    partners = deps.partners

    async def mine(caller: Principal) -> Partner:
        """The partner whose contact address signed in."""
        found = [p for p in await run_sync(partners.all) if caller.email and p.contact == caller.email.lower()]
        if not found:
            raise HTTPException(403, "this account is no partner's contact")
        return found[0]

    @api.get("/me")
    async def my_subscription(caller: PartnerOrg) -> Partner:
        return await mine(caller)

    @api.get("/me/deliveries")
    async def my_deliveries(caller: PartnerOrg,
                            limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[Delivery]:
        me = await mine(caller)
        docs = await run_sync(partners.deliveries, me.name, limit)
        return [Delivery(webhook_id=d["event_id"], type=d["type"], status=d["status"], attempts=d["attempts"],
                         created_at=as_utc(d["created_at"]), updated_at=as_utc(d["updated_at"]),
                         last_error=d["last_error"]) for d in docs]

    @api.post("/me/replays", status_code=202)
    async def replay(caller: PartnerOrg, wanted: Replay) -> Replayed:
        me = await mine(caller)
        return Replayed(queued=await run_sync(partners.replay, me.name, wanted.since, wanted.until, deps.clock()))

    @api.post("/me/webhook-secret")
    async def rotate(caller: PartnerOrg) -> Secret:
        me = await mine(caller)
        now = deps.clock()
        secret = await run_sync(partners.rotate_secret, me.name, now)
        return Secret(webhook_secret=secret,
                      previous_valid_until=now + dt.timedelta(hours=deps.settings.rotation_overlap_hours))

    @api.get("/me/asyncapi.json")
    async def my_asyncapi(caller: PartnerOrg) -> dict[str, Any]:
        return feed_asyncapi(await mine(caller))

    @api.post("", status_code=201)
    async def register(_: Operator, registration: Registration) -> Created:
        made: Registered = await run_sync(partners.register, registration, deps.clock())
        return Created(partner=made.partner, webhook_secret=made.webhook_secret, kafka_user=made.kafka_user,
                       kafka_password=made.kafka_password)

    @api.get("")
    async def list_partners(_: Operator) -> list[Partner]:
        return await run_sync(partners.all)

    @api.get("/{name}")
    async def read_partner(_: Operator, name: PartnerName) -> Partner:
        return await run_sync(partners.get, name)

    @api.delete("/{name}")
    async def retire(_: Operator, name: PartnerName) -> Gone:
        """Ends the partnership: Kafka access revoked, then its secrets, key and deliveries deleted; nothing is
        sent to it any more."""
        done: Retired = await run_sync(partners.retire, name, deps.clock())
        step = f"python -m shared.admin partner delete {name}" if done.kafka_left else None
        return Gone(name=done.name, deliveries_dropped=done.deliveries_dropped,
                    kafka_user_locked=done.kafka_user_locked, next_step=step)

    @api.post("/{name}/webhook/enable")
    async def enable(_: Operator, name: PartnerName) -> Partner:
        """After the endpoint was disabled for failing: its waiting deliveries go at once."""
        return await run_sync(partners.enable_webhook, name, deps.clock())

    return api


def feed_asyncapi(partner: Partner) -> dict[str, Any]:
    """The catalogue narrowed to this partner's topic and the event types it receives."""
    doc = copy.deepcopy(catalogue.asyncapi())
    wanted = {*partner.scopes, ERASED}
    channel_id = catalogue.channel_id(PARTNER_FEEDS)
    channel = doc["channels"][channel_id]
    channel.pop("parameters", None)
    channel.update(address=partner.topic, title=partner.topic,
                   messages={t: m for t, m in channel["messages"].items() if t in wanted})
    channel["bindings"]["kafka"]["topic"] = partner.topic
    doc["channels"] = {channel_id: channel}
    doc["operations"] = {k: {**op, "messages": [m for m in op["messages"] if m["$ref"].rsplit("/", 1)[1] in wanted]}
                         for k, op in doc["operations"].items() if op["channel"]["$ref"].endswith(channel_id)}
    doc["components"]["messages"] = {t: m for t, m in doc["components"]["messages"].items() if t in wanted}
    doc["servers"] = {"partners": doc["servers"]["partners"]}
    for channel_doc in doc["channels"].values():
        channel_doc["servers"] = [{"$ref": "#/servers/partners"}]
    doc.pop("x-consumer-groups", None)
    doc["info"]["title"] = f"Bob platform events for {partner.title}"
    return doc


async def _refused(_: Request, exc: Exception) -> JSONResponse:
    status, detail = next(found for error, found in STATUSES.items() if isinstance(exc, error))
    return JSONResponse({"detail": f"{detail}: {exc}"}, status,
                        headers={"Retry-After": str(RETRY_AFTER_SECONDS)} if status == 503 else None)


def create_app(deps: Deps, lifespan: Lifespan | None = None) -> FastAPI:
    app = create_api(deps.settings, [router(deps)], lifespan)
    for error in STATUSES:
        app.add_exception_handler(error, _refused)
    return app


def lifespan_of(deps: Deps) -> Lifespan:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        connect(deps.settings.mongo_url, deps.settings.mongo_db)  # for /readyz
        yield

    return lifespan


settings = PartnersSettings()
configure_logging(settings.service_name, settings.log_level)
deps = wire(settings)
app = create_app(deps, lifespan_of(deps))

if __name__ == "__main__":
    uvicorn.run(app, host=settings.http_host, port=settings.http_port, access_log=False, log_config=None)
