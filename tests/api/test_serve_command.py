"""``openentry serve`` without the [api] extra says in one line what to install (exit status 2);
a setting that is not valid is one line too, before anything starts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# Runs the command line with the named modules made impossible to import.
_WITHOUT = """
import sys
for name in sys.argv[1].split(","):
    sys.modules[name] = None
sys.argv = ["openentry", *sys.argv[2:]]
from openentry.cli.main import run
run()
"""


def _run(modules: str, *arguments: str, cwd: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _WITHOUT, modules, *arguments],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **environment},
        timeout=120,
    )


def test_serve_without_fastapi_says_what_to_install(tmp_path: Path) -> None:
    done = _run("fastapi,uvicorn", "serve", "--db", f"sqlite:///{tmp_path / 'db.sqlite'}", cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (
        2,
        "",
        "openentry: serve needs FastAPI and uvicorn, not installed: pip install 'openentry[api]'\n",
    )


def test_serve_refuses_a_setting_that_is_not_valid(tmp_path: Path) -> None:
    done = _run(
        "", "serve", "--db", f"sqlite:///{tmp_path / 'db.sqlite'}", cwd=tmp_path, OPENENTRY_RATE_LIMIT="many"
    )
    assert (done.returncode, done.stdout, done.stderr) == (
        2,
        "",
        "openentry: serve: OPENENTRY_RATE_LIMIT: input should be a valid integer, unable to parse string "
        "as an integer (given 'many')\n",
    )
    assert not (tmp_path / "db.sqlite").exists()
