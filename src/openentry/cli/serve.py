"""``openentry serve``: the REST API on uvicorn (interfaces.md §9)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from openentry.cli.database import DatabaseOption, open_engine
from openentry.cli.errors import UsageError
from openentry.db.engine import DATABASE_URL_VARIABLE

# What the service needs beyond the core install: the [api] extra.
API_MODULES = ("fastapi", "uvicorn", "pydantic_settings", "starlette")


def serve(
    host: Annotated[
        str, typer.Option("--host", metavar="ADDRESS", help="Address to listen on")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", metavar="PORT", help="Port to listen on", min=1, max=65535)
    ] = 8000,
    workers: Annotated[
        int, typer.Option("--workers", metavar="N", help="Worker processes", min=1, max=64)
    ] = 1,
    access_log: Annotated[
        bool, typer.Option("--access-log/--no-access-log", help="Log every request on standard output")
    ] = True,
    db: DatabaseOption = None,
) -> None:
    """
    Serve the REST API (OpenAPI at /openapi.json) and the web pages.

    The database is migrated once before the workers start. Settings come from the environment:
    OPENENTRY_REDIS_URL (the rate limit shared by every process), OPENENTRY_RATE_LIMIT and
    OPENENTRY_RATE_WINDOW_SECONDS (requests per client per window on the public routes; 0: none),
    OPENENTRY_MAX_BODY_BYTES and OPENENTRY_MAX_PROFILES (413 above them).
    """
    try:
        import uvicorn
        from pydantic import ValidationError

        from openentry.api.problems import validation_message
        from openentry.api.settings import ServiceSettings
    except ImportError as error:
        if (error.name or "").partition(".")[0] not in API_MODULES:
            raise
        raise UsageError(
            "serve needs FastAPI and uvicorn, not installed: pip install 'openentry[api]'"
        ) from None
    if db:
        os.environ[DATABASE_URL_VARIABLE] = db  # every worker reads it (ServiceSettings.database_url)
    try:
        ServiceSettings()
    except ValidationError as error:
        first = error.errors()[0]
        variable = f"OPENENTRY_{str(first['loc'][0]).upper()}" if first["loc"] else "OPENENTRY_*"
        raise UsageError(f"serve: {variable}: {validation_message(first)}") from None
    open_engine(db).dispose()  # created or migrated here, once, before the workers open it
    uvicorn.run(
        "openentry.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=access_log,
        proxy_headers=False,
    )
