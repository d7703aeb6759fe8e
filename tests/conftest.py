"""Database fixtures: a real SQLite file, and real PostgreSQL when OPENENTRY_TEST_POSTGRES_URL is set.

Tests that take ``database_url`` run once per backend. PostgreSQL gets a fresh database per test
session, dropped at the end; each test then starts from an empty schema (tables truncated).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_VARIABLE = "OPENENTRY_TEST_POSTGRES_URL"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        backends = ["sqlite"]
        if os.environ.get(POSTGRES_VARIABLE):
            backends.append("postgresql")
        metafunc.parametrize("backend", backends, scope="session")


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped afterwards."""
    server = make_url(os.environ[POSTGRES_VARIABLE])
    name = f"openentry_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _empty_postgres(url: str) -> None:
    engine: Engine = create_engine(url)
    with engine.begin() as connection:
        tables = (
            connection.execute(
                text(
                    "SELECT tablename FROM pg_tables"
                    " WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
                )
            )
            .scalars()
            .all()
        )
        if tables:
            names = ", ".join(f'"{table}"' for table in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        if "round_sequence" in tables:
            connection.execute(text("INSERT INTO round_sequence (id, last_number) VALUES (1, 0)"))
    engine.dispose()


@pytest.fixture
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """An empty, migrated-on-first-use database of the given backend."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'pool.sqlite'}"
    url: str = request.getfixturevalue("postgres_server_url")
    _empty_postgres(url)
    return url
