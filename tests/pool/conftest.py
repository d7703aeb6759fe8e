"""Helpers for pool and round tests: profiles with known CRS, files, the CLI as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine

from openentry.db import open_database

# CRS on any date from 2024-05-28 (masters, CLB 9 everywhere, 2 years of Canadian work, single):
# age 29 -> 472, 31 -> 461, 33 -> 450, 35 -> 439, 40 -> 412; +600 with a nomination.
CRS_BY_AGE = {29: 472, 31: 461, 33: 450, 35: 439, 40: 412}


def profile(candidate_id: str, submitted_at: str, age: int = 29, **extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "id": candidate_id,
        "submitted_at": submitted_at,
        "age": age,
        "marital_status": "never_married",
        "education": "masters",
        "first_language": {"test": "clb", "reading": 9, "writing": 9, "listening": 9, "speaking": 9},
        "canadian_work_years": 2,
    }
    data.update(extra)
    return data


def write_jsonl(path: Path, profiles: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(item) + "\n" for item in profiles), encoding="utf-8")
    return path


@pytest.fixture
def engine(database_url: str) -> Engine:
    return open_database(database_url)


CliRunner = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> CliRunner:
    """Run ``openentry ARGS --db URL`` as a real process; returns the completed process."""

    def run(*args: str, database: bool = True) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "openentry.cli.main", *args]
        if database:
            command += ["--db", database_url]
        environment = {key: value for key, value in os.environ.items() if key != "OPENENTRY_DATABASE_URL"}
        return subprocess.run(
            command, capture_output=True, text=True, cwd=tmp_path, env=environment, timeout=120
        )

    return run


def json_lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]
