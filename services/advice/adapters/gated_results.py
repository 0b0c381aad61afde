"""Read API of the advice, gated by the followup trial: the control group's advice is withheld until
it is released (after their three-month survey, or once its window has passed)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel

from services.advice.adapters import experiment
from services.advice.adapters.results import AdviceList
from shared.auth.access import ProfileIdPath, ProfileOwner
from shared.mongo import as_utc, run_sync
from shared.results import VersionNotFound, latest, will_never_exist


class GatedAdviceOut(BaseModel):
    """`pending` until both the advice and the person's trial group are stored; then `ready` with the
    advice, or `withheld` (control group) with the date after which it will be released."""

    status: Literal["pending", "ready", "withheld"]
    profile_id: str
    profile_version: int | None = None
    computed_at: dt.datetime | None = None
    result: dict[str, Any] | None = None
    release_after: dt.datetime | None = None


def gated_advice_router() -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["advice"])

    @router.get("/profiles/{profile_id}/advice", name="read_advice",
                responses={404: {"description": "A version that has no result and never will"}})
    async def read_advice(
        profile_id: ProfileIdPath, _: ProfileOwner, version: Annotated[int | None, Query(ge=1)] = None
    ) -> GatedAdviceOut:
        doc = await run_sync(latest, AdviceList, profile_id, version)
        if doc is None and version is not None and await run_sync(will_never_exist, AdviceList, profile_id, version):
            raise VersionNotFound(version)
        assignment = await run_sync(experiment.find, profile_id)
        if doc is None or assignment is None:
            return GatedAdviceOut(status="pending", profile_id=profile_id, profile_version=version)
        if not assignment.shows_advice:
            return GatedAdviceOut(
                status="withheld", profile_id=profile_id, profile_version=doc.profile_version,
                computed_at=as_utc(doc.computed_at), release_after=assignment.release_after,
            )
        return GatedAdviceOut(
            status="ready", profile_id=profile_id, profile_version=doc.profile_version,
            computed_at=as_utc(doc.computed_at), result=doc.result,
        )

    return router
