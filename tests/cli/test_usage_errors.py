"""User errors that once ended in a traceback (issue 9, defect 10): one line on standard error
naming the path and what is wrong, exit status 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as parquet

from tests.profiles.test_same_checks import VALID_1, flat_row, table_of

COMMAND = [sys.executable, "-m", "openentry.cli.main"]


def _run(arguments: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*COMMAND, *arguments], cwd=cwd, capture_output=True, text=True, check=False)


def _pool(folder: Path) -> None:
    parquet.write_table(table_of([flat_row(VALID_1)]), folder / "pool.parquet")


def test_score_out_a_folder(tmp_path: Path) -> None:
    _pool(tmp_path)
    (tmp_path / "results").mkdir()
    done = _run(["score", "pool.parquet", "--out", "results", "--on", "2026-01-05"], tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "openentry: --out results: it is a folder; give a file name such as results/scores.parquet\n"
    )


def test_score_out_where_a_file_blocks_the_folder(tmp_path: Path) -> None:
    _pool(tmp_path)
    (tmp_path / "file").write_text("x", encoding="utf-8")
    done = _run(["score", "pool.parquet", "--out", "file/o.parquet", "--on", "2026-01-05"], tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("openentry: --out file/o.parquet: cannot write there (")
    assert done.stderr.count("\n") == 1


def test_a_corrupt_sqlite_file(tmp_path: Path) -> None:
    (tmp_path / "bad.sqlite").write_bytes(b"this is not a database file, only text" * 100)
    done = _run(["pool", "summary", "--db", "sqlite:///bad.sqlite"], tmp_path)
    assert done.returncode == 2
    assert done.stderr == "openentry: cannot open database sqlite:///bad.sqlite: file is not a database\n"


def test_deeply_nested_json_for_score_and_eligibility(tmp_path: Path) -> None:
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    for command in ("score", "eligibility"):
        done = _run([command, "deep.json", "--on", "2026-01-05"], tmp_path)
        assert (done.returncode, done.stdout) == (2, "")
        assert done.stderr == (
            "openentry: cannot read deep.json: JSON nested too deeply (a profile is at most 4 levels deep)\n"
        )
