"""The migration check at start-up (issue 10 §2): a database already at every head is opened
without loading Alembic; a fresh one is created, an old one migrated, as before."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect

from openentry.db import engine as engine_module
from openentry.db import make_engine, migrate, open_database


def test_script_heads_are_alembics() -> None:
    from alembic.script import ScriptDirectory

    from openentry.db.engine import MIGRATIONS

    assert engine_module.script_heads() == frozenset(ScriptDirectory(str(MIGRATIONS)).get_heads())


def _refuse_to_migrate(engine: object) -> None:
    raise AssertionError("migrated a database that was current")


def test_a_current_database_is_not_migrated(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    migrate(make_engine(database_url))
    monkeypatch.setattr(engine_module, "migrate", _refuse_to_migrate)
    engine = open_database(database_url)
    assert engine_module.stored_revisions(engine) == engine_module.script_heads()


def test_a_fresh_database_is_created(tmp_path: Path) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    assert engine_module.stored_revisions(engine) == engine_module.script_heads()
    assert "pool_candidates" in inspect(engine).get_table_names()


def test_an_old_database_is_migrated(database_url: str) -> None:
    from alembic import command

    engine = make_engine(database_url)
    migrate(engine)
    command.downgrade(engine_module.alembic_config(engine), "0002_lean_pool")
    assert not engine_module.is_current(engine)
    open_database(database_url)
    assert engine_module.is_current(engine)
    assert "effective_at" in {column["name"] for column in inspect(engine).get_columns("pool_batches")}


def test_opening_a_current_database_does_not_import_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'current.sqlite'}"
    open_database(url)
    check = (
        "import sys; from openentry.db import open_database; open_database(sys.argv[1]);"
        " print('alembic' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", check, url], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
