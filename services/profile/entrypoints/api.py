"""HTTP entrypoint of the profile service: submit, read and update profiles; relay their events."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any, ParamSpec

import uvicorn
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel

from services.profile.accounts import routes as auth_routes
from services.profile.accounts import store as accounts_store
from services.profile.accounts.service import Accounts
from services.profile.adapters import repository
from services.profile.adapters.documents import ProfileVersion
from services.profile.adapters.outbox_relay import OutboxRelay
from services.profile.adapters.publisher import Publisher
from services.profile.config import ProfileSettings
from services.profile.domain.references import unknown_references
from services.profile.privacy import routes as privacy_routes
from shared.auth.access import JobSeeker, ProfileOwner, Public
from shared.http import create_api
from shared.logs import configure_logging
from shared.mongo import as_utc, connect, run_sync
from shared.referential.connection import connect_referential
from shared.referential.repository import ReferentialCache
from shared.schemas.profile import ProfileIn

settings = ProfileSettings()
configure_logging(settings.service_name, settings.log_level)
relay = OutboxRelay(settings)
P = ParamSpec("P")


class ProfileOut(BaseModel):
    profile_id: str
    version: int
    submitted_at: dt.datetime
    profile: dict[str, Any]
    links: dict[str, str]


class JobTitleOut(BaseModel):
    code_ogr: str
    name: str
    rome_code: str


def _out(doc: ProfileVersion) -> ProfileOut:
    base = f"/api/v1/profiles/{doc.profile_id}"
    return ProfileOut(
        profile_id=doc.profile_id, version=doc.version, submitted_at=as_utc(doc.submitted_at), profile=doc.profile,
        links={"self": base, "diagnosis": f"{base}/diagnosis?version={doc.version}",
               "advice": f"{base}/advice?version={doc.version}"},
    )


def get_referential(request: Request) -> ReferentialCache:
    cache: ReferentialCache = request.app.state.referential
    return cache


Referential = Annotated[ReferentialCache, Depends(get_referential)]


def _check_references(profile: ProfileIn, referential: ReferentialCache) -> None:
    errors = unknown_references(profile, referential.is_known_rome, referential.is_known_departement)
    if errors:
        raise RequestValidationError(
            [{"loc": loc, "msg": msg, "type": "unknown_reference", "input": None} for loc, msg in errors]
        )


router = APIRouter(prefix="/api/v1", tags=["profiles"])


def _unless_erased(write: Callable[P, ProfileVersion]) -> Callable[P, ProfileVersion]:
    """A store call that first refuses an erased account (an access token outlives erasure by minutes); both run
    in one trip to the thread pool."""

    def guarded(*args: P.args, **kwargs: P.kwargs) -> ProfileVersion:
        account = accounts_store.get(str(args[0]))
        if account is not None and account["erased_at"] is not None:
            raise HTTPException(403, "this account was erased")
        return write(*args, **kwargs)

    return guarded


@router.post("/profiles", status_code=201)
async def create_profile(body: ProfileIn, referential: Referential, principal: JobSeeker) -> ProfileOut:
    """One profile per job seeker: its id is the account id. Later changes are new versions (PUT)."""
    _check_references(body, referential)
    try:
        doc = await run_sync(
            _unless_erased(repository.create), principal.sub, body, dt.datetime.now(dt.UTC), settings.key
        )
    except repository.ProfileExists:
        raise HTTPException(409, "this account already has a profile: PUT a new version") from None
    relay.enqueue(doc)
    return _out(doc)


ProfileId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="the account id of the job seeker")]


@router.put("/profiles/{profile_id}")
async def update_profile(
    profile_id: ProfileId, body: ProfileIn, referential: Referential, _: ProfileOwner
) -> ProfileOut:
    _check_references(body, referential)
    try:
        doc = await run_sync(
            _unless_erased(repository.add_version), profile_id, body, dt.datetime.now(dt.UTC), settings.key
        )
    except repository.ProfileNotFound:
        raise HTTPException(404, "profile not found") from None
    relay.enqueue(doc)
    return _out(doc)


@router.get("/profiles/{profile_id}")
async def read_profile(
    profile_id: ProfileId, _: ProfileOwner, version: Annotated[int | None, Query(ge=1)] = None
) -> ProfileOut:
    if version is None:
        doc = await run_sync(repository.latest_version, profile_id)
    else:
        doc = await run_sync(repository.get_version, profile_id, version)
    if doc is None:
        raise HTTPException(404, "profile not found")
    return _out(doc)


@router.get("/referential/job-titles", dependencies=[Public])
async def search_job_titles(
    referential: Referential,
    q: Annotated[str, Query(min_length=2, max_length=80)],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> list[JobTitleOut]:
    return [
        JobTitleOut(code_ogr=t.code_ogr, name=t.name, rome_code=t.rome_code)
        for t in referential.search_job_titles(q, limit)
    ]


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    connect(settings.mongo_url, settings.mongo_db)
    connect_referential(settings.mongo_url, settings.referential_db)
    app.state.referential = await run_sync(ReferentialCache.load)
    task = asyncio.create_task(relay.run())
    yield
    task.cancel()
    relay.close()
    app.state.publisher.close()


app = create_api(settings, [router, auth_routes.auth, auth_routes.me, privacy_routes.router], lifespan)
app.state.accounts = Accounts(settings)
app.state.publisher = Publisher(settings.kafka_bootstrap_servers)

if __name__ == "__main__":
    uvicorn.run(app, host=settings.http_host, port=settings.http_port, access_log=False, log_config=None)
