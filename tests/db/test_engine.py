"""The database foundation: URL choice, migrations to every head, UTC timestamps, unit of work."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from openentry.db import Base, make_engine, migrate, open_database, session_scope
from openentry.db.engine import DATABASE_URL_VARIABLE, DatabaseError
from openentry.db.models import PoolBatchRow


def test_default_url_is_sqlite_file_in_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(DATABASE_URL_VARIABLE, raising=False)
    engine = open_database(None)
    assert engine.url.database == str(tmp_path / "openentry.sqlite")
    assert (tmp_path / "openentry.sqlite").is_file()
    assert "rounds" in inspect(engine).get_table_names()


def test_environment_variable_wins_over_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DATABASE_URL_VARIABLE, f"sqlite:///{tmp_path / 'other.sqlite'}")
    assert make_engine(None).url.database == str(tmp_path / "other.sqlite")
    assert make_engine(f"sqlite:///{tmp_path / 'given.sqlite'}").url.database == str(
        tmp_path / "given.sqlite"
    )


def test_bad_url_is_a_database_error() -> None:
    with pytest.raises(DatabaseError, match="cannot use database URL 'nosuchdb://x'"):
        make_engine("nosuchdb://x")


def test_migrate_is_idempotent_and_creates_every_table(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate(engine)
    migrate(engine)
    tables = set(inspect(engine).get_table_names())
    assert {table.name for table in Base.metadata.sorted_tables if table.name in tables} >= {
        "pool_batches",
        "pool_candidates",
        "round_sequence",
        "rounds",
        "invitations",
        "candidate_events",
    }
    with engine.connect() as connection:
        assert (
            connection.execute(text("SELECT last_number FROM round_sequence WHERE id = 1")).scalar_one() == 0
        )


def test_timestamps_come_back_aware_utc_and_errors_roll_back(database_url: str) -> None:
    engine = open_database(database_url)
    montreal = datetime.timezone(datetime.timedelta(hours=-5))
    with session_scope(engine) as session:
        session.add(
            PoolBatchRow(
                loaded_at=datetime.datetime(2024, 1, 1, 7, 0, tzinfo=montreal),
                effective_at=datetime.datetime(2024, 1, 1, 7, 0, tzinfo=montreal),
                source="a",
                profile_count=0,
                columns=b"",
            )
        )
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        session.add(
            PoolBatchRow(
                loaded_at=datetime.datetime(2024, 1, 2, tzinfo=datetime.UTC),
                effective_at=datetime.datetime(2024, 1, 2, tzinfo=datetime.UTC),
                source="b",
                profile_count=0,
                columns=b"",
            )
        )
        session.flush()
        raise RuntimeError("abandon")
    with session_scope(engine) as session:
        rows = session.execute(select(PoolBatchRow.source, PoolBatchRow.loaded_at)).all()
    assert rows == [("a", datetime.datetime(2024, 1, 1, 12, 0, tzinfo=datetime.UTC))]
    assert rows[0][1].tzinfo is datetime.UTC


def test_naive_datetime_is_refused(database_url: str) -> None:
    engine = open_database(database_url)
    with (
        pytest.raises(Exception, match="naive datetime 2024-01-01T00:00:00"),
        session_scope(engine) as session,
    ):
        session.add(
            PoolBatchRow(
                loaded_at=datetime.datetime(2024, 1, 1),
                effective_at=datetime.datetime(2024, 1, 1),
                source="a",
                profile_count=0,
                columns=b"",
            )
        )
        session.flush()


def test_migration_0003_dates_existing_batches_and_goes_back(database_url: str) -> None:
    """A database of the previous version: its batches take effect when they were loaded."""
    from alembic import command

    from openentry.db.engine import alembic_config

    engine = make_engine(database_url)
    config = alembic_config(engine)
    migrate(engine)
    command.downgrade(config, "0002_lean_pool")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO pool_batches (loaded_at, source, profile_count, columns)"
                " VALUES ('2024-03-01 10:00:00', 'old.jsonl', 0, :columns)"
            ),
            {"columns": b""},
        )
    command.upgrade(config, "heads")
    with session_scope(engine) as session:
        row = session.execute(select(PoolBatchRow.loaded_at, PoolBatchRow.effective_at)).one()
    assert row == (datetime.datetime(2024, 3, 1, 10, tzinfo=datetime.UTC),) * 2
    assert {"request_key", "eligible", "tiebreak_id"} <= {
        column["name"] for column in inspect(engine).get_columns("rounds")
    }
    command.downgrade(config, "0002_lean_pool")
    assert "effective_at" not in {column["name"] for column in inspect(engine).get_columns("pool_batches")}
    assert "request_key" not in {column["name"] for column in inspect(engine).get_columns("rounds")}
    command.upgrade(config, "heads")
