"""The option shared by the commands that use the database: ``--db URL``."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy import Engine

# Moments of the pool and of rounds follow the command line's one time-zone policy (cli/dates.py).
from openentry.cli.dates import parse_moment as parse_moment
from openentry.db import DatabaseError, open_database
from openentry.db.engine import DATABASE_URL_VARIABLE

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="URL",
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
