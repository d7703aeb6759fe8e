"""Each command page's usage block says what ``--help`` says: every subcommand of the command has
a usage line, and the lines name exactly the options of the command they show.

A page's usage block is its first ```text block; a line starting with ``openentry`` shows one
command (``openentry pool load PATH [--at MOMENT] [--db URL]``), and an indented line continues
the one above. The words after ``openentry`` that name commands lead to the command; the
``--options`` on the line are compared with that command's (``--help`` left out; a flag with an
opposite, ``--calibration/--no-calibration``, may be written either way). A command may have
several lines (``score`` of a JSON input, and of a Parquet pool): together they name every option.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer
import typer.main
from typer.core import TyperCommand, TyperGroup, TyperOption

from openentry.cli.main import LAZY_COMMANDS, app
from tests.docs.test_examples import PAGE_OF

_OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
_FENCE = re.compile(r"^```text$(.*?)^```$", re.MULTILINE | re.DOTALL)


def usage_lines(page: Path) -> list[str]:
    """The usage lines of the page's first ```text block, continuation lines joined."""
    block = _FENCE.search(page.read_text(encoding="utf-8"))
    assert block is not None, f"{page.name}: no ```text usage block"
    lines: list[str] = []
    for line in block.group(1).splitlines():
        if line.startswith("openentry"):
            lines.append(line)
        elif line.startswith((" ", "\t")) and lines:
            lines[-1] += " " + line.strip()
    return lines


def _root() -> TyperGroup:
    root = typer.main.get_command(app)
    assert isinstance(root, TyperGroup)
    return root


def _subcommand(group: TyperGroup, name: str) -> TyperCommand | TyperGroup:
    found = group.get_command(typer.Context(group), name)
    assert isinstance(found, TyperCommand | TyperGroup), name
    return found


def command_of(line: str) -> tuple[str, TyperCommand | TyperGroup]:
    """The command a usage line shows, and its path (``pool load``)."""
    words = line.split()[1:]
    command: TyperCommand | TyperGroup = _root()
    path: list[str] = []
    while (
        isinstance(command, TyperGroup)
        and words
        and words[0] in command.list_commands(typer.Context(command))
    ):
        command, path = _subcommand(command, words[0]), [*path, words.pop(0)]
    return " ".join(path), command


def options_of(command: TyperCommand | TyperGroup) -> dict[str, set[str]]:
    """Each option of the command (its first long name) and the names a page may write it by."""
    options: dict[str, set[str]] = {}
    for parameter in command.params:
        if isinstance(parameter, TyperOption):
            names = {name for name in (*parameter.opts, *parameter.secondary_opts) if name.startswith("--")}
            first = next(name for name in parameter.opts if name.startswith("--"))
            if first != "--help":
                options[first] = names
    return options


def leaves(command: TyperCommand | TyperGroup, path: str) -> list[str]:
    """Every runnable command under ``command`` (itself when it is not a group)."""
    if not isinstance(command, TyperGroup):
        return [path]
    found: list[str] = []
    for name in command.list_commands(typer.Context(command)):
        found += leaves(_subcommand(command, name), f"{path} {name}")
    return found


@pytest.mark.parametrize("name", sorted(LAZY_COMMANDS))
def test_the_usage_block_names_every_subcommand_and_exactly_its_options(name: str) -> None:
    page = PAGE_OF[name]
    written: dict[str, set[str]] = {}  # the options the page writes for each command path
    options: dict[str, dict[str, set[str]]] = {}
    for line in usage_lines(page):
        path, command = command_of(line)
        if path.split(" ")[0] != name:
            continue  # the page of user shows audit's usage too, and the reverse
        options[path] = options_of(command)
        on_line = set(_OPTION.findall(line))
        known = set().union(*options[path].values())
        assert sorted(on_line - known) == [], f"{page.name}: not an option of openentry {path}: {line}"
        written.setdefault(path, set()).update(on_line)
    for path, names in written.items():
        missing = [option for option, spelled in options[path].items() if not spelled & names]
        assert missing == [], f"{page.name}: openentry {path}: options missing from the usage block"
    expected = sorted(leaves(_subcommand(_root(), name), name))
    assert sorted(written) == expected, f"{page.name}: usage lines {sorted(written)}"
