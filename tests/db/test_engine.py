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
                source="a",
                profile_count=0,
                columns=b"",
            )
        )
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        session.add(
            PoolBatchRow(
                loaded_at=datetime.datetime(2024, 1, 2, tzinfo=datetime.UTC),
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
            PoolBatchRow(loaded_at=datetime.datetime(2024, 1, 1), source="a", profile_count=0, columns=b"")
        )
        session.flush()
