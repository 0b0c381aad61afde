"""The typed dependencies of the profile routes: the use cases (wired in api.py), the referential, the clock.

All are coroutines: FastAPI runs a plain function dependency in its thread pool, a hop per request."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError

from services.profile.accounts.service import Accounts
from services.profile.domain.references import unknown_references
from services.profile.privacy.service import Privacy
from services.profile.service import Profiles
from shared.referential.repository import ReferentialCache
from shared.schemas.profile import ProfileIn


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def get_profiles(request: Request) -> Profiles:
    profiles: Profiles = request.app.state.profiles
    return profiles


async def get_accounts(request: Request) -> Accounts:
    accounts: Accounts = request.app.state.accounts
    return accounts


async def get_privacy(request: Request) -> Privacy:
    privacy: Privacy = request.app.state.privacy
    return privacy


async def get_referential(request: Request) -> ReferentialCache:
    cache: ReferentialCache = request.app.state.referential
    return cache


ProfilesDep = Annotated[Profiles, Depends(get_profiles)]
AccountsDep = Annotated[Accounts, Depends(get_accounts)]
PrivacyDep = Annotated[Privacy, Depends(get_privacy)]
Referential = Annotated[ReferentialCache, Depends(get_referential)]


async def checked_profile(body: ProfileIn, referential: Referential) -> ProfileIn:
    """The body, once its ROME codes and départements are known: refused like any invalid field (422)."""
    errors = unknown_references(body, referential.is_known_rome, referential.is_known_departement)
    if errors:
        raise RequestValidationError(
            [{"loc": loc, "msg": msg, "type": "unknown_reference", "input": None} for loc, msg in errors]
        )
    return body


CheckedProfile = Annotated[ProfileIn, Depends(checked_profile)]
