"""Options shared by the commands that use the database: ``--db URL`` and date-times."""

from __future__ import annotations

import datetime
from typing import Annotated

import typer
from sqlalchemy import Engine

from openentry.db import DatabaseError, open_database
from openentry.db.engine import DATABASE_URL_VARIABLE
from openentry.rules.snapshot import default_tree

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help=f"SQLAlchemy database URL (default: ${DATABASE_URL_VARIABLE}, else ./openentry.sqlite)",
        show_default=False,
    ),
]


def open_engine(url: str | None) -> Engine:
    """The migrated database; an unusable URL is a usage error (one line, exit 2)."""
    from openentry.cli.inputs import UsageError

    try:
        return open_database(url)
    except DatabaseError as error:
        raise UsageError(str(error)) from None


def parse_moment(value: str, option: str = "--at") -> datetime.datetime:
    """An ISO 8601 date-time (``2024-11-20T14:00:00Z``); a bare date is midnight UTC and a time
    without offset is UTC."""
    from openentry.cli.inputs import UsageError

    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option}: {value!r} is not a date-time (e.g. 2024-11-20T14:00:00Z)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    moment = moment.astimezone(datetime.UTC)
    first_day = default_tree().first_day
    if moment.date() < first_day:
        raise UsageError(f"{option}: {value} is before the rules begin ({first_day.isoformat()})")
    return moment
