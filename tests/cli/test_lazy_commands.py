"""Each command imports only what it uses (issue 10 §2): the command line lists every command
without importing any, ``score`` runs without SQLAlchemy or Alembic, and the lazy listing is
the one Typer would have printed with every command imported."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from openentry.cli import main

HEAVY = ("sqlalchemy", "alembic", "psycopg", "matplotlib")
COMMAND_MODULES = tuple(sorted({lazy.module for lazy in main.LAZY_COMMANDS.values()}))

# Runs the command line in this process, then names the modules it imported (on stderr).
_RUN_AND_LIST_MODULES = """
import json, sys
from openentry.cli.main import run
sys.argv = ["openentry", *sys.argv[1:]]
try:
    run()
except SystemExit as done:
    code = done.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""

# The first worked example: one profile, its date and its total.
EXAMPLE = json.loads(
    (Path(__file__).parents[1] / "data" / "crs-examples.jsonl").read_text(encoding="utf-8").splitlines()[0]
)


def _imported(*arguments: str) -> tuple[int, str, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", _RUN_AND_LIST_MODULES, *arguments], capture_output=True, text=True, check=True
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["code"], done.stdout, set(report["modules"])


def _roots(modules: set[str]) -> set[str]:
    return {module.split(".")[0] for module in modules}


@pytest.mark.parametrize("arguments", [["--help"], ["--version"]])
def test_help_and_version_import_no_command(arguments: list[str]) -> None:
    code, _, modules = _imported(*arguments)
    assert code == 0
    assert not _roots(modules) & set(HEAVY)
    assert not modules & set(COMMAND_MODULES)
    assert "openentry.rules" not in modules


def test_score_imports_neither_sqlalchemy_nor_alembic(tmp_path: Path) -> None:
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps(EXAMPLE["profile"]), encoding="utf-8")
    code, output, modules = _imported("score", str(profile), "--on", EXAMPLE["on"])
    assert (code, json.loads(output)["total"]) == (0, EXAMPLE["expected"]["total"])
    assert not _roots(modules) & set(HEAVY)
    assert modules & set(COMMAND_MODULES) == {"openentry.cli.scoring"}


@pytest.mark.parametrize("command", ["eligibility", "whatif", "timeline"])
def test_profile_commands_import_neither_sqlalchemy_nor_alembic(command: str, tmp_path: Path) -> None:
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps(EXAMPLE["profile"]), encoding="utf-8")
    date_option = "--from" if command == "timeline" else "--on"
    code, output, modules = _imported(command, str(profile), date_option, EXAMPLE["on"])
    assert (code, json.loads(output)["id"]) == (0, EXAMPLE["profile"]["id"])
    assert not _roots(modules) & set(HEAVY)
    assert modules & set(COMMAND_MODULES) == {f"openentry.cli.{command}"}


WEB_STACK = ("fastapi", "starlette", "uvicorn", "pydantic_settings", "redis", "jinja2")


@pytest.mark.parametrize(
    ("arguments", "status"),
    [
        (["round", "run", "--at", "2025-02-01", "--size", "1"], 0),  # an empty pool: a round of none
        (["pool", "withdraw", "nobody", "--at", "2025-02-01"], 2),  # refused: its entry written
        (["invitation", "decline", "nobody", "--at", "2025-02-01"], 2),
        (["audit", "list"], 0),
    ],
)
def test_commands_writing_the_audit_trail_load_no_web_framework(
    arguments: list[str], status: int, tmp_path: Path
) -> None:
    database = f"sqlite:///{tmp_path / 'pool.sqlite'}"
    code, _, modules = _imported(*arguments, "--db", database)
    assert code == status
    assert "openentry.api.audit" in modules
    assert not _roots(modules) & set(WEB_STACK), sorted(_roots(modules) & set(WEB_STACK))


def test_a_sub_app_is_imported_when_named() -> None:
    code, output, modules = _imported("history", "--help")
    assert code == 0
    assert "IRCC's published rounds of invitations" in output
    assert modules & set(COMMAND_MODULES) == {"openentry.cli.history"}


def _eager_app() -> typer.Typer:
    """The same app with every command imported and registered up front, as it was before."""
    eager = typer.Typer(
        name=main.app.info.name,
        help=main.app.info.help,
        cls=main.Group,
        rich_markup_mode=main.app.rich_markup_mode,
        no_args_is_help=True,
        add_completion=True,
        pretty_exceptions_enable=False,
    )
    eager.callback()(main._options)
    for name, lazy in main.LAZY_COMMANDS.items():
        target = getattr(importlib.import_module(lazy.module), lazy.attribute)
        if isinstance(target, typer.Typer):
            eager.add_typer(target, name=name, cls=main.Group)
        else:
            eager.command(name)(target)
    return eager


@pytest.mark.parametrize(
    "arguments",
    [
        ["--help"],
        ["score", "--help"],
        ["history", "--help"],
        ["history", "show", "--help"],
        ["pool", "load", "--help"],
        ["round", "run", "--help"],
        ["invitation", "--help"],
        ["demo", "--help"],
    ],
)
def test_the_lazy_help_is_the_eager_help(arguments: list[str]) -> None:
    runner = CliRunner()
    lazy = runner.invoke(main.app, arguments, prog_name="openentry", env={"COLUMNS": "100"})
    eager = runner.invoke(_eager_app(), arguments, prog_name="openentry", env={"COLUMNS": "100"})
    assert (lazy.exit_code, lazy.output) == (eager.exit_code, eager.output)
    assert lazy.exit_code == 0


def test_help_offers_the_version_and_shell_completion() -> None:
    output = CliRunner().invoke(main.app, ["--help"], env={"COLUMNS": "100"}).output
    for option in ("--version", "--install-completion", "--show-completion"):
        assert option in output


@pytest.mark.parametrize("entry", [["-m", "openentry"], ["-m", "openentry.cli.main"]])
def test_version_is_the_installed_distribution(entry: list[str]) -> None:
    done = subprocess.run([sys.executable, *entry, "--version"], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"openentry {version('openentry')}\n", "")


def test_package_version_from_metadata() -> None:
    import openentry

    assert openentry.__version__ == version("openentry")


def test_a_misspelt_command_is_suggested_without_importing_it() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "openentry", "scor"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert done.stderr == "python -m openentry: No such command 'scor'. Did you mean 'score'? (see --help)\n"


@pytest.mark.parametrize(
    "group", ["", *(name for name, lazy in main.LAZY_COMMANDS.items() if lazy.attribute.endswith("_app"))]
)
def test_a_group_without_a_command_prints_its_help_alone(group: str, tmp_path: Path) -> None:
    """``openentry schema`` (any group named without a command): its help as ``--help`` prints
    it, on standard error with exit status 2, without a "(see --help)" line or a prefix."""
    named = [group] if group else []
    environment = {**os.environ, "COLUMNS": "100"}
    shown = subprocess.run(
        [sys.executable, "-m", "openentry", *named, "--help"], capture_output=True, text=True, env=environment
    )
    bare = subprocess.run(
        [sys.executable, "-m", "openentry", *named],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=environment,
    )
    assert shown.returncode == 0 and shown.stdout.startswith("Usage: "), shown.stderr
    assert (bare.returncode, bare.stdout, bare.stderr) == (2, "", shown.stdout)
