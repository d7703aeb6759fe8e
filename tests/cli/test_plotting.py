"""``history plot`` and ``forecast plot`` check their input through one helper (cli/plotting.py):
the same lines, exit status 2, for a missing matplotlib, an unknown plot, a format other than
png and svg, a file where the folder goes and a folder that cannot be written; and the same
options in their help."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# Runs the command line with the named module made unimportable, as when the extra is missing.
_WITHOUT = """
import sys
sys.modules[sys.argv[1]] = None
from openentry.cli.main import run
sys.argv = ["openentry", *sys.argv[2:]]
run()
"""

PLOT_COMMANDS = {"history": ("cutoffs", "cutoffs, invitations-per-year"), "forecast": ("fan", "fan, errors")}


def _run(
    arguments: list[str], cwd: Path, without: str = "nothing-left-out"
) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key != "OPENENTRY_DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "-c", _WITHOUT, without, *arguments],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env=environment,
    )


@pytest.mark.parametrize("group", sorted(PLOT_COMMANDS))
def test_the_plot_commands_refuse_alike(group: str, tmp_path: Path) -> None:
    plot, _ = PLOT_COMMANDS[group]
    blocked = tmp_path / "taken"
    blocked.write_text("", encoding="utf-8")
    cases = [
        (["--out", str(tmp_path / "a")], "matplotlib", f"{group} plot needs matplotlib, not installed: "
         "pip install 'openentry[plot]'"),
        (["--format", "png,gif"], None, "--format: give png, svg or png,svg"),
        (["--format", " , "], None, "--format: give png, svg or png,svg"),
        (["--out", str(blocked)], None, f"--out: {blocked} is a file; give a folder for the charts "
         "(created if missing)"),
    ]  # fmt: skip
    cases.append(  # a folder under a file cannot be made, whoever runs the command
        (["--out", str(blocked / "charts")], None,
         f"--out: cannot write the charts in {blocked / 'charts'}: Not a directory")
    )  # fmt: skip
    for options, without, message in cases:
        done = _run([group, "plot", plot, *options], tmp_path, without or "nothing-left-out")
        assert (done.returncode, done.stdout, done.stderr) == (2, "", f"openentry: {message}\n"), options
    unknown = _run([group, "plot", "nope"], tmp_path)
    assert unknown.returncode == 2
    assert unknown.stderr.startswith(f"openentry: unknown plot nope; choose from {PLOT_COMMANDS[group][1]}")
    assert not (tmp_path / "a").exists()


@pytest.mark.parametrize("group", sorted(PLOT_COMMANDS))
def test_the_plot_commands_share_their_options(group: str, tmp_path: Path) -> None:
    shown = _run([group, "plot", "--help"], tmp_path).stdout
    text = " ".join(shown.split())
    assert "--out FOLDER Folder for the files [default: .]" in text
    assert "--format FORMATS png, svg or png,svg [default: png" in text
