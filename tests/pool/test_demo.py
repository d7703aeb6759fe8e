"""`openentry demo` on a fresh folder: a published round next to its replica."""

from __future__ import annotations

import datetime
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.pool.conftest import CliRunner

from openentry.db import open_database, session_scope
from openentry.db.models import RoundRow
from openentry.services.demo import replicate_round


def test_demo_replicates_round_398_scaled(tmp_path: Path) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'demo.sqlite'}")
    result = replicate_round(engine, "398", pool_size=2000, seed=3)
    assert (result.published.invitations, result.published.cutoff, result.published_pool) == (
        4000,
        467,
        235695,
    )
    assert result.replica.invited == round(4000 * 2000 / 235695) == 34
    assert result.replica.spec.criteria == {"kind": "category", "category": "healthcare"}
    assert result.replica.spec.at == datetime.datetime(2026, 2, 20, 12, 2, 57, tzinfo=datetime.UTC)
    with session_scope(engine) as session:
        recorded = session.execute(select(RoundRow.number, RoundRow.invited, RoundRow.cutoff)).all()
    assert recorded == [(1, 34, result.replica.cutoff)]


def test_demo_command_prints_both_columns(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With --keep, the temporary folder stays and the closing lines name it and the command
    that lists the replica's invitations; the test then deletes it."""
    temporary = tmp_path / "temporary"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))
    ran = cli("demo", "--round", "398", "--pool-size", "2000", "--keep", database=False)
    assert ran.returncode == 0, ran.stderr
    assert "Round #398, 2026-02-20" in ran.stdout
    assert "│ invitations │                4,000 │                       34 │" in ran.stdout
    kept = re.search(r"^Database kept in (\S+)$", ran.stdout, re.MULTILINE)
    assert kept is not None, ran.stdout
    folder = Path(kept.group(1))
    assert folder.parent == temporary and folder.name.startswith("openentry-demo-")
    assert sorted(path.name for path in folder.iterdir()) == ["openentry.sqlite"]
    assert (
        f"Explore: openentry round invitations 1 --db sqlite:///{folder / 'openentry.sqlite'}\n" in ran.stdout
    )
    shutil.rmtree(folder)
    unknown = cli("demo", "--round", "9999", database=False)
    assert (unknown.returncode, unknown.stderr) == (
        2,
        "openentry: no published round #9999 in the bundled rounds\n",
    )


def test_demo_without_keep_removes_its_temporary_folder(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    temporary = tmp_path / "temporary"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))
    ran = cli("demo", "--round", "398", "--pool-size", "2000", database=False)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines()[-1] == (
        "The demo's temporary database was removed; to explore the replica, run the demo again "
        "with --keep (or --db URL)."
    )
    assert list(temporary.iterdir()) == []


def test_demo_of_a_round_before_any_published_distribution_is_one_line_exit_2(cli: CliRunner) -> None:
    """Round #1 (2015-01-31) came years before IRCC published the pool's distribution (first with
    round #214, 2022-01-19): the synthetic pool has nothing to follow."""
    ran = cli("demo", "--round", "1", database=False)
    assert (ran.returncode, ran.stdout, ran.stderr) == (
        2,
        "",
        "openentry: round #1 (2015-01-31) cannot be replicated: IRCC published no pool distribution "
        "on or before that day; give a round from #214 (2022-01-19) on\n",
    )
