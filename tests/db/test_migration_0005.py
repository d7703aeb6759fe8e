"""Migration 0005 (a candidate's withdrawal, issue 13 §2) up and down on each backend: the table,
its columns and its one-withdrawal-a-submission constraint, and a database at 0004 brought back
to the heads."""

from __future__ import annotations

import datetime

import pytest
from sqlalchemy import Engine, bindparam, inspect, text
from sqlalchemy.exc import IntegrityError

from openentry.db import make_engine, migrate
from openentry.db.base import UtcDateTime
from openentry.db.engine import alembic_config, stored_revisions

SUBMITTED = datetime.datetime(2024, 1, 10, tzinfo=datetime.UTC)
INSERT = text(
    "INSERT INTO pool_withdrawals (candidate_id, submitted_at, withdrawn_at, recorded_at)"
    " VALUES ('a', :submitted, :withdrawn, :withdrawn)"
).bindparams(bindparam("submitted", type_=UtcDateTime), bindparam("withdrawn", type_=UtcDateTime))


def _candidate(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO pool_candidates (id, submitted_at, batch_id, updated_at)"
                " VALUES ('a', :submitted, 1, :submitted)"
            ).bindparams(bindparam("submitted", type_=UtcDateTime)),
            {"submitted": SUBMITTED},
        )


def test_migration_0005_goes_up_and_down(database_url: str) -> None:
    from alembic import command

    engine = make_engine(database_url)
    config = alembic_config(engine)
    migrate(engine)
    assert "0005_withdrawals" in stored_revisions(engine)
    columns = {
        column["name"]: column["nullable"] for column in inspect(engine).get_columns("pool_withdrawals")
    }
    assert columns == {
        "id": False,
        "candidate_id": False,
        "submitted_at": False,
        "withdrawn_at": False,
        "recorded_at": False,
    }
    assert [
        (constraint["name"], constraint["column_names"])
        for constraint in inspect(engine).get_unique_constraints("pool_withdrawals")
    ] == [("uq_pool_withdrawals_submission", ["candidate_id", "submitted_at"])]
    assert [
        (key["referred_table"], key["constrained_columns"])
        for key in inspect(engine).get_foreign_keys("pool_withdrawals")
    ] == [("pool_candidates", ["candidate_id"])]

    _candidate(engine)
    withdrawn = SUBMITTED + datetime.timedelta(days=30)
    with engine.begin() as connection:
        connection.execute(INSERT, {"submitted": SUBMITTED, "withdrawn": withdrawn})
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(INSERT, {"submitted": SUBMITTED, "withdrawn": withdrawn})

    command.downgrade(config, "0004_service")
    assert "pool_withdrawals" not in inspect(engine).get_table_names()
    assert "0004_service" in stored_revisions(engine)
    command.upgrade(config, "heads")
    assert "pool_withdrawals" in inspect(engine).get_table_names()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM pool_withdrawals")).scalar_one() == 0
    engine.dispose()
