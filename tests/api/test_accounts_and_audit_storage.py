"""Accounts and the audit trail in the database (issue 13 §2-3): migration 0004 up and down on
each backend, the database itself refusing to change or delete an entry, tokens kept only as
their hash, and the commands ``openentry user`` and ``openentry audit``."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import DBAPIError

from openentry.api.accounts import add_user, authenticate
from openentry.api.audit import Actor
from openentry.db import make_engine, migrate, open_database, session_scope
from openentry.db.engine import alembic_config
from openentry.db.service_models import UserRow

ADMIN = Actor(name="tester", role="command-line")


def test_migration_0004_goes_up_and_down(database_url: str) -> None:
    from alembic import command

    engine = make_engine(database_url)
    config = alembic_config(engine)
    migrate(engine)
    assert {"users", "audit"} <= set(inspect(engine).get_table_names())
    add_user(engine, "ana", "analyst", ADMIN)
    command.downgrade(config, "0003_versions_keys")
    assert not {"users", "audit"} & set(inspect(engine).get_table_names())
    command.upgrade(config, "heads")
    assert {"users", "audit"} <= set(inspect(engine).get_table_names())
    with session_scope(engine) as session:
        assert session.execute(select(UserRow)).first() is None


@pytest.mark.parametrize("statement", ["UPDATE audit SET outcome = 'ok'", "DELETE FROM audit"])
def test_the_database_refuses_to_change_or_delete_an_audit_entry(database_url: str, statement: str) -> None:
    engine = open_database(database_url)
    add_user(engine, "ana", "analyst", ADMIN)
    operation = statement.split()[0]
    with (
        pytest.raises(DBAPIError, match=f"the audit trail is append-only: {operation} refused"),
        engine.begin() as connection,
    ):
        connection.execute(text(statement))
    with engine.connect() as connection:
        entries = connection.execute(text("SELECT actor, action, object, outcome FROM audit")).all()
    assert [tuple(entry) for entry in entries] == [("tester", "user.added", "user:ana", "ok")]


def test_a_token_is_kept_only_as_its_hash(database_url: str) -> None:
    engine = open_database(database_url)
    made = add_user(engine, "ana", "analyst", ADMIN)
    assert len(made.token) == 43  # 32 random bytes, URL-safe base64 without padding
    with session_scope(engine) as session:
        stored = session.execute(select(UserRow.token_hash)).scalar_one()
    assert stored == hashlib.sha256(made.token.encode()).hexdigest()
    assert authenticate(engine, made.token) is not None
    assert authenticate(engine, stored) is None


def _openentry(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key != "OPENENTRY_DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "-m", "openentry.cli.main", *arguments],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        timeout=120,
    )


def test_user_and_audit_commands(database_url: str, tmp_path: Path) -> None:
    added = _openentry("user", "add", "alice", "--role", "candidate", "--db", database_url, cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    made = json.loads(added.stdout)
    assert (list(made), made["user"], made["role"]) == (["user", "role", "token"], "alice", "candidate")
    engine = open_database(database_url)
    principal = authenticate(engine, made["token"])
    assert principal is not None and (principal.name, principal.role) == ("alice", "candidate")

    again = _openentry("user", "add", "alice", "--role", "analyst", "--db", database_url, cwd=tmp_path)
    assert (again.returncode, again.stdout, again.stderr) == (
        2,
        "",
        "openentry: NAME: 'alice' exists already; an account name is used once\n",
    )
    bad_role = _openentry("user", "add", "bob", "--role", "boss", "--db", database_url, cwd=tmp_path)
    assert (bad_role.returncode, bad_role.stderr) == (
        2,
        "openentry: --role: 'boss' is not a role; expected one of candidate, analyst, officer, admin\n",
    )
    bad_name = _openentry("user", "add", "bob smith", "--role", "analyst", "--db", database_url, cwd=tmp_path)
    assert (bad_name.returncode, bad_name.stderr) == (
        2,
        "openentry: NAME: 'bob smith' must be 1-64 characters of A-Z a-z 0-9 . _ : -\n",
    )

    revoked = _openentry("user", "revoke", "alice", "--db", database_url, cwd=tmp_path)
    assert revoked.returncode == 0, revoked.stderr
    assert authenticate(engine, made["token"]) is None
    listed = _openentry("user", "list", "--db", database_url, cwd=tmp_path)
    accounts = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [
        (account["user"], account["role"], account["revoked_at"] is not None) for account in accounts
    ] == [("alice", "candidate", True)]
    assert "token" not in accounts[0]
    missing = _openentry("user", "revoke", "nobody", "--db", database_url, cwd=tmp_path)
    assert (missing.returncode, missing.stderr) == (2, "openentry: NAME: no account 'nobody'\n")

    trail = _openentry("audit", "list", "--db", database_url, cwd=tmp_path)
    entries = [json.loads(line) for line in trail.stdout.splitlines()]
    assert [(entry["action"], entry["object"], entry["outcome"], entry["role"]) for entry in entries] == [
        ("user.added", "user:alice", "ok", "command-line"),
        ("user.added", "user:alice", "refused", "command-line"),
        ("user.revoked", "user:alice", "ok", "command-line"),
        ("user.revoked", "user:nobody", "refused", "command-line"),
    ]
    assert entries[1]["detail"] == {"reason": "user: 'alice' exists already; an account name is used once"}
    only = _openentry(
        "audit", "list", "--action", "user.revoked", "--after", "3", "--db", database_url, cwd=tmp_path
    )
    assert [json.loads(line)["object"] for line in only.stdout.splitlines()] == ["user:nobody"]
