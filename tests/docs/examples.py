"""The runnable examples of the documentation: how they are written, found, run and compared.

In a page under ``docs/``, a fenced block opened with ```` ```console ```` (or more backticks,
when the output itself holds a fence) holds examples: a line
``$ COMMAND`` is run (by bash, from a folder holding a copy of ``docs/examples/``, with the
``openentry`` of this environment first on the PATH and standard error merged into standard
output), and the lines after it, up to the next ``$`` line or the end of the block, are what it
must print. The examples of one page run in page order in one folder, so a page may build on
what an earlier example wrote (a pool file, the SQLite database ``./openentry.sqlite``).

What is printed is compared line by line, with three allowances a reader can see:

- JSON is compared as JSON: an expected value may be pretty-printed over several lines where
  the command prints it on one (or the reverse), and ``"..."`` as a JSON value stands for any
  value (for what changes with the parameter files or the clock: a tree's hash, a time of
  recording);
- a line ``...`` alone stands for any number of lines (output cut short in the page), also in
  the middle of a pretty-printed JSON document, which is then compared as text;
- a last line ``[exit status N]`` says the command exits with status N (0 otherwise).

Trailing spaces are ignored (Rich pads table lines).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

DOCS = Path(__file__).parents[2] / "docs"
ANY_LINES = "..."
ANY_VALUE = "..."
_CONSOLE_FENCE = re.compile(r"^(`{3,})console$")
_EXIT_STATUS = re.compile(r"^\[exit status (\d+)\]$")
_DECODER = json.JSONDecoder()


@dataclass(frozen=True)
class Example:
    """One ``$ COMMAND`` line of a page and the output it must print."""

    page: Path
    line: int  # 1-based line number of the command in the page
    command: str
    expected: tuple[str, ...]
    status: int

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(DOCS.parent)}:{self.line}"


def examples_of(page: Path) -> list[Example]:
    """Every example of the page's ```console blocks, in page order."""
    examples: list[Example] = []
    command: tuple[int, str] | None = None
    output: list[str] = []

    def close() -> None:
        nonlocal command, output
        if command is not None:
            while output and not output[-1].strip():
                output.pop()
            status = 0
            if output and (match := _EXIT_STATUS.match(output[-1].strip())):
                status = int(match.group(1))
                output.pop()
            examples.append(Example(page, command[0], command[1], tuple(output), status))
        command, output = None, []

    fence = ""
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = line.strip()
        if not fence:
            if opening := _CONSOLE_FENCE.match(stripped):
                fence = opening.group(1)
            continue
        if stripped == fence:
            close()
            fence = ""
        elif line.startswith("$ "):
            close()
            command = (number, line[2:].strip())
        elif command is not None:
            output.append(line)
    return examples


def environment() -> dict[str, str]:
    """The environment the examples run in: this interpreter's scripts first on the PATH, no
    database named (each page's folder has its own SQLite file), plain fixed-width output."""
    variables = {key: value for key, value in os.environ.items() if key != "OPENENTRY_DATABASE_URL"}
    variables.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        COLUMNS="100",
        NO_COLOR="1",
        TERM="dumb",
        PYTHONUNBUFFERED="1",
    )
    return variables


def run(example: Example, folder: Path) -> tuple[int, str]:
    """Run the example's command in ``folder``: its exit status and what it printed."""
    done = subprocess.run(
        ["bash", "-c", example.command],
        cwd=folder,
        env=environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=600,
        check=False,
    )
    return done.returncode, done.stdout


@dataclass(frozen=True)
class _Item:
    """One unit of output: a JSON value, a line of text, or any number of lines."""

    kind: str  # "json", "text" or "any"
    value: object = None


def _items(lines: list[str], expected: bool) -> list[_Item]:
    items: list[_Item] = []
    index = 0
    while index < len(lines):
        line = lines[index].rstrip()
        if expected and line == ANY_LINES:
            items.append(_Item("any"))
            index += 1
            continue
        if line.lstrip().startswith(("{", "[")):
            rest = "\n".join(lines[index:])
            start = len(rest) - len(rest.lstrip())
            try:
                value, end = _DECODER.raw_decode(rest, start)
            except json.JSONDecodeError:
                value, end = None, -1
            if end >= 0 and (end == len(rest) or rest[end:].split("\n", 1)[0].strip() == ""):
                items.append(_Item("json", value))
                index += rest.count("\n", 0, end) + 1
                continue
        items.append(_Item("text", line))
        index += 1
    return items


def same_json(expected: object, actual: object) -> bool:
    """JSON values equal, ``"..."`` in ``expected`` standing for any value; a number's type counts
    (``7`` is not ``7.0``, ``true`` is not ``1``)."""
    if expected == ANY_VALUE:
        return True
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and list(expected) == list(actual)
            and all(same_json(expected[key], actual[key]) for key in expected)
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(same_json(item, other) for item, other in zip(expected, actual, strict=True))
        )
    return type(expected) is type(actual) and expected == actual


def _same(expected: _Item, actual: _Item) -> bool:
    if expected.kind == "json":
        return actual.kind == "json" and same_json(expected.value, actual.value)
    return actual.kind == "text" and expected.value == actual.value


def _match(expected: list[_Item], actual: list[_Item]) -> bool:
    if not expected:
        return not actual
    first, rest = expected[0], expected[1:]
    if first.kind == "any":
        return any(_match(rest, actual[skip:]) for skip in range(len(actual) + 1))
    return bool(actual) and _same(first, actual[0]) and _match(rest, actual[1:])


def _as_text(lines: list[str], expected: bool) -> list[_Item]:
    return [
        _Item("any") if expected and line.rstrip() == ANY_LINES else _Item("text", line.rstrip())
        for line in lines
    ]


def output_matches(expected: tuple[str, ...], printed: str) -> bool:
    """Whether ``printed`` is what the page shows (the allowances of the module docstring): JSON
    compared as JSON, or else the lines as they are (a page may show the first lines of a long
    pretty-printed document, then ``...``)."""
    lines = printed.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    shown = list(expected)
    return _match(_items(shown, expected=True), _items(lines, expected=False)) or _match(
        _as_text(shown, expected=True), _as_text(lines, expected=False)
    )
