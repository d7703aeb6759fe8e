"""Who a request comes from, and whether they may: the routes' dependencies.

``Authorization: Bearer TOKEN`` names an account (:func:`openentry.api.accounts.authenticate`):
no token or one unknown or revoked is 401; a role that may not is 403, naming the roles that may
(the table :data:`openentry.api.accounts.ALLOWED`). Public routes take no token and are
rate-limited per client (:mod:`openentry.api.limits`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine

from openentry.api.accounts import Access, Principal, allowed_roles, authenticate, may
from openentry.api.audit import Actor
from openentry.api.context import current_request_id
from openentry.api.problems import ProblemError
from openentry.api.settings import ServiceSettings

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="token",
    description="The token `openentry user add NAME --role ROLE` printed, as Authorization: Bearer TOKEN",
)
_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def engine_of(request: Request) -> Engine:
    """The service's database."""
    engine: Engine = request.app.state.engine
    return engine


def settings_of(request: Request) -> ServiceSettings:
    settings: ServiceSettings = request.app.state.settings
    return settings


DatabaseEngine = Annotated[Engine, Depends(engine_of)]
Settings = Annotated[ServiceSettings, Depends(settings_of)]


async def principal(
    engine: DatabaseEngine,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The account of the request's token; 401 without a valid one."""
    if credentials is None:
        raise ProblemError(
            401,
            "this route needs an account: send Authorization: Bearer TOKEN "
            "(the token openentry user add printed)",
            headers=_CHALLENGE,
        )
    found = await run_in_threadpool(authenticate, engine, credentials.credentials)
    if found is None:
        raise ProblemError(
            401, "the token is not valid: unknown, or its account was revoked", headers=_CHALLENGE
        )
    return found


def requires(access: Access) -> Callable[[Principal], Principal]:
    """A dependency admitting the roles allowed ``access`` (403 for the others)."""

    def admitted(account: Annotated[Principal, Depends(principal)]) -> Principal:
        if not may(account.role, access):
            raise ProblemError(
                403,
                f"an account with the role {account.role} may not {access.value}; "
                f"allowed: {allowed_roles(access)}",
            )
        return account

    return admitted


def actor_of(account: Principal) -> Actor:
    """The account and the request, as the audit trail names who made a change."""
    return Actor(name=account.name, role=account.role, request_id=current_request_id())


async def rate_limited(request: Request) -> None:
    """Count the request against its client's limit; 429 with Retry-After over it."""
    limiter = request.app.state.limiter
    if limiter is None:
        return
    client = request.client.host if request.client is not None else "unknown"
    wait = await limiter.hit(client)
    if wait is not None:
        raise ProblemError(
            429,
            f"more than {limiter.limit} requests in {limiter.window} s from {client} to the public routes; "
            f"try again in {wait} s",
            headers={"Retry-After": str(wait)},
        )


Candidate = Annotated[Principal, Depends(requires(Access.OWN_PROFILE))]
PoolReader = Annotated[Principal, Depends(requires(Access.READ_POOL))]
Recorder = Annotated[Principal, Depends(requires(Access.RECORD))]
AuditReader = Annotated[Principal, Depends(requires(Access.READ_AUDIT))]
AccountManager = Annotated[Principal, Depends(requires(Access.MANAGE_ACCOUNTS))]
Account = Annotated[Principal, Depends(principal)]
