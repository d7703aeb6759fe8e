"""Engine, migrations and the unit of work (interfaces.md §3: ``--db URL``).

The database is chosen by, in order: the URL given, ``OPENENTRY_DATABASE_URL``, an SQLite file
``openentry.sqlite`` in the current folder. Alembic runs from configuration built in code, so
migrations work from an installed package with no ``alembic.ini`` on disk.
"""

from __future__ import annotations

import ast
import functools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

DATABASE_URL_VARIABLE = "OPENENTRY_DATABASE_URL"
DEFAULT_SQLITE_FILE = "openentry.sqlite"
MIGRATIONS = Path(__file__).parent / "migrations"


class DatabaseError(Exception):
    """The database URL cannot be used (bad form, missing driver, unreachable server)."""


def database_url(url: str | None = None) -> str:
    """The URL to use: the one given, else the environment variable, else ``./openentry.sqlite``."""
    if url:
        return url
    from_environment = os.environ.get(DATABASE_URL_VARIABLE)
    if from_environment:
        return from_environment
    return f"sqlite:///{Path.cwd() / DEFAULT_SQLITE_FILE}"


def _sqlite_begin_immediate(engine: Engine) -> None:
    """SQLite: take the write lock when a transaction begins, and wait for it rather than fail.

    pysqlite's own transaction handling is switched off so that ``BEGIN IMMEDIATE`` serialises
    writers (the recipe of SQLAlchemy's SQLite dialect documentation).
    """

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, connection_record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 60000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (see :func:`database_url`); raises DatabaseError on a bad URL."""
    resolved = database_url(url)
    try:
        parsed = make_url(resolved)
        if parsed.get_backend_name() == "sqlite":
            engine = create_engine(parsed, connect_args={"timeout": 60})
            _sqlite_begin_immediate(engine)
            return engine
        return create_engine(parsed, pool_pre_ping=True)
    except ImportError as error:
        if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() == "psycopg":
            raise DatabaseError(
                f"cannot use database URL {resolved!r}: the PostgreSQL driver psycopg is not installed:"
                " pip install 'openentry[postgres]'"
            ) from error
        raise DatabaseError(f"cannot use database URL {resolved!r}: {error}") from error
    except ArgumentError as error:
        raise DatabaseError(f"cannot use database URL {resolved!r}: {error}") from error


def alembic_config(engine: Engine) -> Any:
    """Alembic configuration built in code (no alembic.ini needed)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to every head (``alembic upgrade heads``: one branch per domain)."""
    from alembic import command

    command.upgrade(alembic_config(engine), "heads")


@functools.cache
def script_heads() -> frozenset[str] | None:
    """The revisions no migration script builds on, read from the scripts' source without
    importing Alembic (about 0.1 s); None when a script's ``revision`` or ``down_revision`` is
    not a plain literal (then the schema is always handed to Alembic)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        values: dict[str, object] = {}
        targets: list[ast.expr]
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.AnnAssign) and node.value is not None:
                targets, value = [node.target], node.value
            elif isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            else:
                continue
            for target in targets:
                if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
                    try:
                        values[target.id] = ast.literal_eval(value)
                    except ValueError:
                        return None
        revision, down_revision = values.get("revision"), values.get("down_revision")
        if not isinstance(revision, str):
            return None
        revisions.add(revision)
        if isinstance(down_revision, str):
            parents.add(down_revision)
        elif isinstance(down_revision, tuple | list):
            parents.update(str(parent) for parent in down_revision)
        elif down_revision is not None:
            return None
    return frozenset(revisions - parents)


def stored_revisions(engine: Engine) -> frozenset[str]:
    """The revisions Alembic recorded in the database (none for a fresh one)."""
    from sqlalchemy import inspect, text

    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return frozenset()
        return frozenset(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


def is_current(engine: Engine) -> bool:
    """Whether the database is at every head already: then there is nothing to migrate."""
    heads = script_heads()
    return heads is not None and stored_revisions(engine) == heads


def open_database(url: str | None = None) -> Engine:
    """The engine for ``url`` with its schema created or migrated: what every command uses.

    A database already at every head is left alone without loading Alembic."""
    engine = make_engine(url)
    try:
        if not is_current(engine):
            migrate(engine)
    except Exception as error:
        # sqlalchemy.exc.DatabaseError covers an unreachable server (OperationalError) and a file
        # that is not a database or is truncated (SQLite's "file is not a database", "database
        # disk image is malformed"): one line for the user, never a traceback.
        from sqlalchemy.exc import DatabaseError as DriverDatabaseError

        if isinstance(error, DriverDatabaseError):
            reason = " ".join(str(error.orig).split())
            engine.dispose()
            raise DatabaseError(f"cannot open database {engine.url.render_as_string()}: {reason}") from error
        raise
    return engine


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A unit of work: one transaction, committed when the block ends, rolled back on error."""
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with factory() as session, session.begin():
        yield session
