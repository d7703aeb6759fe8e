"""The service's application: FastAPI over the same services as the command line (issue 13).

``create_app`` builds the app from :class:`~openentry.api.settings.ServiceSettings` (the
environment); ``openentry serve`` runs it on uvicorn, one or several worker processes, each
building its own. The routes are grouped by who may use them (public, candidate, pool, admin)
in :data:`ROUTE_GROUPS`; the web pages, when they come, are one more group served by the same
app (interfaces.md §10).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic.json_schema import models_json_schema
from sqlalchemy import Engine

from openentry import __version__
from openentry.api.bodies import COMPONENTS, profile_schemas
from openentry.api.limits import RequestMiddleware, rate_limiter
from openentry.api.problems import Problem, install_problem_handlers, problem_response_description
from openentry.api.routes.admin import admin_routes
from openentry.api.routes.candidate import candidate_routes
from openentry.api.routes.pool import pool_routes
from openentry.api.routes.public import health_routes, public_routes
from openentry.api.settings import ServiceSettings
from openentry.db import open_database
from openentry.web import install_web

DESCRIPTION = """\
openentry's REST API: the CRS on any date, eligibility, IRCC's published rounds, and a pool of
candidates with its rounds of invitations, over the same engine as the `openentry` command line.

Public routes need no token and are rate-limited per client. Other routes need an account's
token (`openentry user add NAME --role ROLE` prints it once) as `Authorization: Bearer TOKEN`:
a **candidate** keeps their own profile and answers their own invitations; an **analyst** reads
the pool, tries rounds and reads invitations; an **officer** may do all an analyst may and
records rounds, nominations and expired invitations; an **admin** manages accounts; officers
and admins read the audit trail, where every change of state is written in its own transaction.

Errors are `application/problem+json` (RFC 9457) with the field at fault named as the command
line names it.
"""

TAGS = [
    {"name": "public", "description": "No token; rate-limited per client"},
    {"name": "candidate", "description": "A candidate's own profile, standing and invitations"},
    {"name": "pool", "description": "Analysts and officers: the pool, rounds, invitations, nominations"},
    {"name": "admin", "description": "Admins: accounts"},
    {"name": "audit", "description": "Officers and admins: the audit trail"},
]

# The groups of routes, in the order the document lists them; the web pages are installed after.
ROUTE_GROUPS: tuple[Callable[[ServiceSettings], APIRouter], ...] = (
    lambda settings: health_routes(),
    public_routes,
    lambda settings: candidate_routes(),
    lambda settings: pool_routes(),
    lambda settings: admin_routes(),
)


def create_app(settings: ServiceSettings | None = None, engine: Engine | None = None) -> FastAPI:
    """The application; its database is ``engine``, or the settings' URL opened (and migrated)
    when it starts."""
    settings = settings or ServiceSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.engine = engine if engine is not None else open_database(settings.database_url)
        app.state.limiter = rate_limiter(settings)
        try:
            yield
        finally:
            if app.state.limiter is not None:
                await app.state.limiter.close()
            if engine is None:
                app.state.engine.dispose()

    app = FastAPI(
        title="openentry",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
        redoc_url=None,
    )
    app.state.settings = settings
    install_problem_handlers(app)
    for group in ROUTE_GROUPS:
        app.include_router(group(settings))
    # The web pages (in English and French) and the package's static files; none is in the
    # OpenAPI document.
    install_web(app, settings)
    app.add_middleware(RequestMiddleware, max_body_bytes=settings.max_body_bytes)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = openapi_document(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def openapi_document(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI 3.1 document: the routes, the contract's profile schemas, problem documents
    where FastAPI would describe its own validation errors."""
    document = get_openapi(
        title=app.title,
        version=app.version,
        openapi_version=app.openapi_version,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
    )
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(profile_schemas())
    _, problems = models_json_schema([(Problem, "serialization")], ref_template=COMPONENTS)
    schemas.update(problems["$defs"])
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if "requestBody" in operation:
                # Any body may be unreadable (400) or over the size limit (413).
                for status in ("400", "413"):
                    responses.setdefault(status, {})
            for status, response in responses.items():
                if status.startswith(("4", "5")):
                    response.update(problem_response_description(int(status)))
            operation["responses"] = dict(sorted(responses.items()))
    return document
