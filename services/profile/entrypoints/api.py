"""HTTP entrypoint of the profile service: profiles, sign-in and GDPR routes, the outbox relay, and the one map
of the service's refusals to HTTP statuses."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

import uvicorn
from fastapi import APIRouter, FastAPI, Path, Query, Request
from fastapi.responses import JSONResponse
from mongoengine.connection import get_db  # type: ignore[import-untyped]
from pydantic import BaseModel

from services.profile.accounts import routes as auth_routes
from services.profile.accounts.service import Accounts
from services.profile.adapters.documents import ProfileVersion
from services.profile.config import ProfileSettings
from services.profile.domain import errors
from services.profile.entrypoints import drafts, markets
from services.profile.entrypoints.deps import CheckedProfile, ProfilesDep, Referential, now
from services.profile.privacy import routes as privacy_routes
from services.profile.privacy.service import Privacy
from services.profile.service import Profiles
from shared.auth.access import JobSeeker, ProfileOwner, Public
from shared.crypto.keystore import KekRing, KeyStore, collection
from shared.http import create_api
from shared.logs import configure_logging
from shared.messaging.factory import EventFactory
from shared.messaging.outbox import Outbox, Relay
from shared.mongo import as_utc, connect, run_sync
from shared.referential.connection import connect_referential
from shared.referential.repository import ReferentialCache

settings = ProfileSettings()
configure_logging(settings.service_name, settings.log_level)
factory = EventFactory(settings.service_name, settings.public_url)
outbox = Outbox(get_db)
relay = Relay(outbox, settings.kafka, settings.service_name,
              batch_size=settings.relay_batch_size, scan_seconds=settings.relay_scan_seconds)
# The writer of the person key store; uncached here, since only the worker hears of erasures (a key must not
# outlive its person's erasure in a cache).
keys = KeyStore(collection(settings), KekRing.from_settings(settings))


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


router = APIRouter(prefix="/api/v1", tags=["profiles"])
ProfileId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="the account id of the job seeker")]


@router.post("/profiles", status_code=201)
async def create_profile(body: CheckedProfile, principal: JobSeeker, profiles: ProfilesDep) -> ProfileOut:
    """One profile per job seeker: its id is the account id. Later changes are new versions (PUT)."""
    return _out(await profiles.create(principal.sub, body, now()))


@router.put("/profiles/{profile_id}")
async def update_profile(
    profile_id: ProfileId, body: CheckedProfile, _: ProfileOwner, profiles: ProfilesDep
) -> ProfileOut:
    return _out(await profiles.update(profile_id, body, now()))


@router.get("/profiles/{profile_id}")
async def read_profile(
    profile_id: ProfileId, _: ProfileOwner, profiles: ProfilesDep,
    version: Annotated[int | None, Query(ge=1)] = None,
) -> ProfileOut:
    return _out(await profiles.read(profile_id, version))


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


STATUS: dict[type[errors.ProfileError], int] = {
    errors.ProfileExists: 409,
    errors.ProfileNotFound: 404,
    errors.DraftNotFound: 404,
    errors.VersionTaken: 409,
    errors.AccountErased: 403,
    errors.AccountNotFound: 404,
    errors.LinkRejected: 400,
    errors.SessionRejected: 401,
    errors.ExportNotFound: 404,
    errors.NotYourExport: 403,
}


async def refused(_: Request, exc: Exception) -> JSONResponse:
    """The one place where the service's refusals become HTTP answers."""
    assert isinstance(exc, errors.ProfileError)
    status = STATUS[type(exc)]
    if isinstance(exc, errors.LinkRejected) and exc.gone:
        status = 410
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"detail": str(exc)}, status_code=status, headers=headers)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    connect(settings.mongo_url, settings.mongo_db)
    connect_referential(settings.mongo_url, settings.referential_db)
    app.state.referential = await run_sync(ReferentialCache.load)
    task = asyncio.create_task(relay.run())
    yield
    task.cancel()
    relay.close()


app = create_api(
    settings, [drafts.router, router, markets.router, auth_routes.auth, auth_routes.me, privacy_routes.router], lifespan
)
app.add_exception_handler(errors.ProfileError, refused)
app.state.profiles = Profiles(outbox, relay, factory, keys)
app.state.accounts = Accounts(settings, outbox, relay, factory, keys)
app.state.privacy = Privacy(outbox, relay, factory)

if __name__ == "__main__":
    uvicorn.run(app, host=settings.http_host, port=settings.http_port, access_log=False, log_config=None)
