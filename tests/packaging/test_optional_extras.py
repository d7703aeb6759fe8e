"""psycopg and matplotlib are extras (``[postgres]``, ``[plot]``): without them the core install
still scores and runs on SQLite, and the commands that need them say in one line what to
install (exit status 2). Each run makes the module's import fail in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

# Runs the command line with the named modules made impossible to import.
_WITHOUT = """
import sys
for name in sys.argv[1].split(","):
    sys.modules[name] = None
sys.argv = ["openentry", *sys.argv[2:]]
from openentry.cli.main import run
run()
"""

EXAMPLE = json.loads(
    (Path(__file__).parents[1] / "data" / "crs-examples.jsonl").read_text(encoding="utf-8").splitlines()[0]
)


def _without(modules: str, *arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _WITHOUT, modules, *arguments],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
    )


def test_history_plot_without_matplotlib(tmp_path: Path) -> None:
    done = _without(
        "matplotlib", "history", "plot", "cutoffs", "--out", str(tmp_path / "charts"), cwd=tmp_path
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "openentry: history plot needs matplotlib, not installed: pip install 'openentry[plot]'\n"
    )
    assert not (tmp_path / "charts").exists()


@pytest.mark.parametrize("arguments", [["pool", "summary"], ["history", "list"]])
def test_a_postgresql_url_without_psycopg(arguments: list[str], tmp_path: Path) -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/openentry"
    done = _without("psycopg", *arguments, "--db", url, cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"openentry: cannot use database URL {url!r}: the PostgreSQL driver psycopg is not installed:"
        " pip install 'openentry[postgres]'\n"
    )


def test_the_core_install_scores_and_runs_on_sqlite(tmp_path: Path) -> None:
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps(EXAMPLE["profile"]), encoding="utf-8")
    scored = _without("matplotlib,psycopg", "score", str(profile), "--on", EXAMPLE["on"], cwd=tmp_path)
    assert (scored.returncode, json.loads(scored.stdout)["total"]) == (0, EXAMPLE["expected"]["total"])
    listed = _without(
        "matplotlib,psycopg", "history", "list", "--db", f"sqlite:///{tmp_path / 'h.sqlite'}", cwd=tmp_path
    )
    assert listed.returncode == 0, listed.stderr
    demo = _without("matplotlib,psycopg", "demo", "--help", cwd=tmp_path)  # imports the demo's modules
    assert demo.returncode == 0, demo.stderr
