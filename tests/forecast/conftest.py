"""Shared fixtures of the forecast tests: the bundled rounds, a history database made once per
session, and the command line run in this process (faster than a new Python per command; the same
entry point, so the same exit statuses and one-line errors)."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from openentry.cli.main import run
from openentry.history.feed import bundled_rounds
from openentry.history.rounds import PublishedRound


@dataclass(frozen=True)
class Ran:
    status: int
    out: str
    err: str

    def json(self) -> object:
        return json.loads(self.out)

    def lines(self) -> list[dict[str, object]]:
        return [json.loads(line) for line in self.out.splitlines()]


Invoke = Callable[..., Ran]


@pytest.fixture(scope="session")
def rounds() -> list[PublishedRound]:
    return bundled_rounds()


@pytest.fixture(scope="session")
def history_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A history database holding the bundled rounds (loaded by the first command that reads it)."""
    return f"sqlite:///{tmp_path_factory.mktemp('history') / 'history.sqlite'}"


@pytest.fixture
def invoke(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], history_url: str) -> Invoke:
    """Run ``openentry ARGUMENTS`` (with ``--db`` the session's history unless given)."""

    def run_command(*arguments: str, database: str | None = None, stdin: str | None = None) -> Ran:
        command = [*arguments, "--db", database or history_url]
        monkeypatch.setattr(sys, "argv", ["openentry", *command])
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        with pytest.raises(SystemExit) as exited:
            run()
        captured = capsys.readouterr()
        code = exited.value.code
        return Ran(code if isinstance(code, int) else 1, captured.out, captured.err)

    return run_command


def write_profiles(folder: Path, name: str, profiles: list[dict[str, object]]) -> Path:
    path = folder / name
    path.write_text("\n".join(json.dumps(profile) for profile in profiles) + "\n", encoding="utf-8")
    return path
