"""The service's settings, read from the environment (pydantic-settings).

Every setting is an ``OPENENTRY_`` variable; ``openentry serve`` sets ``OPENENTRY_DATABASE_URL``
from ``--db`` so that every worker process reads the same ones.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

MEBIBYTE = 1024 * 1024


class ServiceSettings(BaseSettings):
    """How the service runs: its database, the limits on requests, the rate limit's store."""

    model_config = SettingsConfigDict(env_prefix="OPENENTRY_", extra="ignore", frozen=True)

    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the database (default: ./openentry.sqlite, as the commands)",
    )
    redis_url: str | None = Field(
        default=None,
        description="Redis URL (redis://127.0.0.1:6379/0): the rate limit is then shared by every "
        "process of the service; without it each process counts on its own",
    )
    redis_prefix: str = Field(
        default="openentry",
        min_length=1,
        max_length=100,
        description="The start of the service's keys in Redis (services sharing a Redis use different ones)",
    )
    rate_limit: int = Field(
        default=600,
        ge=0,
        description="Requests a client (its address) may make to the public routes per window; 0: no limit",
    )
    rate_window_seconds: int = Field(default=60, ge=1, description="The rate limit's window, in seconds")
    max_body_bytes: int = Field(
        default=10 * MEBIBYTE, ge=1024, description="The largest request body accepted (413 above it)"
    )
    max_profiles: int = Field(
        default=10_000, ge=1, description="The most profiles one request may carry (413 above it)"
    )
