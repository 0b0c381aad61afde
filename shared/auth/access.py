"""Who may call a route. Every /api/v1 route depends on exactly one policy below; tests check that none is missing.

- `Public`: no personal data (health, referential search, public counters, signing in).
- `Link`: authorised by a signed single-purpose link from an email (surveys, unsubscribe); forged links get 403.
- `require(*roles)`: a valid access token with one of the roles.
- `owner_of_profile`: a job seeker's token whose subject is the profile id in the path (account id = profile id).

Missing or invalid tokens get 401, valid tokens without the right get 403."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Path, Request
from fastapi.dependencies.models import Dependant
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.auth.tokens import InvalidToken, Principal, Role, TokenVerifier

POLICY_ATTRIBUTE = "__access_policy__"
_bearer = HTTPBearer(auto_error=False, description="Access token from POST /api/v1/auth/token")


def _policy(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def mark(fn: Callable[..., Any]) -> Callable[..., Any]:
        setattr(fn, POLICY_ATTRIBUTE, name)
        return fn

    return mark


def _unauthorized(reason: str) -> HTTPException:
    return HTTPException(401, reason, headers={"WWW-Authenticate": "Bearer"})


async def authenticated(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    if credentials is None:
        raise _unauthorized("an access token is required")
    verifier: TokenVerifier = request.app.state.token_verifier
    try:
        return verifier.principal(credentials.credentials)
    except InvalidToken as exc:
        raise _unauthorized(str(exc)) from None


Caller = Annotated[Principal, Depends(authenticated)]


@_policy("public")
async def public() -> None:
    return None


@_policy("link")
async def link() -> None:
    return None


def require(*roles: Role) -> Callable[..., Any]:
    @_policy("roles:" + ",".join(sorted(roles)))
    async def check(principal: Caller) -> Principal:
        if not principal.has(*roles):
            raise HTTPException(403, f"this needs one of the roles: {', '.join(sorted(roles))}")
        return principal

    return check


_job_seeker = require(Role.JOB_SEEKER)


@_policy("owner")
async def owner_of_profile(
    profile_id: Annotated[str, Path()], principal: Annotated[Principal, Depends(_job_seeker)]
) -> Principal:
    if principal.sub != profile_id:
        raise HTTPException(403, "a person can only reach their own profile")
    return principal


ProfileIdPath = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="the job seeker's account id")]
Public = Depends(public)
Link = Depends(link)
ProfileOwner = Annotated[Principal, Depends(owner_of_profile)]
JobSeeker = Annotated[Principal, Depends(_job_seeker)]
Helper = Annotated[Principal, Depends(require(Role.HELPER))]
Operator = Annotated[Principal, Depends(require(Role.OPERATOR))]
PartnerOrg = Annotated[Principal, Depends(require(Role.PARTNER))]
SignedIn = Annotated[Principal, Depends(require(*Role))]


@dataclass(frozen=True)
class RouteAccess:
    methods: frozenset[str]
    path: str
    policies: tuple[str, ...]


def route_access(app: FastAPI) -> list[RouteAccess]:
    """Every API route of the app with the access policies it depends on (routers included, at any depth)."""
    found = []
    for route in app.routes:
        contexts: list[Any] = (
            list(route.effective_route_contexts()) if hasattr(route, "effective_route_contexts") else [route]
        )
        for context in contexts:
            dependant = getattr(context, "dependant", None)
            if dependant is not None:
                found.append(RouteAccess(frozenset(context.methods), context.path, tuple(policies_of(dependant))))
    return found


def policies_of(dependant: Dependant) -> list[str]:
    """The access policies found in a dependency tree (not below a policy: a policy may build on another)."""
    found: list[str] = []
    stack = [dependant]
    while stack:
        dependant = stack.pop()
        name = getattr(dependant.call, POLICY_ATTRIBUTE, None)
        if name is not None:
            found.append(name)
        else:
            stack.extend(dependant.dependencies)
    return found
