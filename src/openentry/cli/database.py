"""The option shared by the commands that use the database (``--db URL``), and the audit entry
of the changes of state they make."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from sqlalchemy import Engine

# Moments of the pool and of rounds follow the command line's one time-zone policy (cli/dates.py).
from openentry.cli.dates import parse_moment as parse_moment
from openentry.db import DatabaseError, open_database
from openentry.db.engine import DATABASE_URL_VARIABLE

if TYPE_CHECKING:
    from openentry.api.audit import AuditCallback

T = TypeVar("T")

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


def audited_change(
    engine: Engine,
    action: str,
    target: str,
    change: Callable[[AuditCallback[T]], T],
    describe: Callable[[T], tuple[str, dict[str, object]]] | None = None,
) -> T:
    """Run ``change`` as the service runs a change of state: its audit entry (issue 13 §3), made
    by the person at the terminal (:func:`openentry.api.audit.command_line_actor`), is written in
    the change's own unit of work, or, when the change is refused, in one of its own."""
    from openentry.api.audit import audited, command_line_actor  # framework-free, as the db layer

    return audited(engine, command_line_actor(), action, target, change, describe)
