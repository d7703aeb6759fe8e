"""What ``history plot`` and ``forecast plot`` share: the ``--out`` and ``--format`` options, the
line for a missing matplotlib (the ``[plot]`` extra), the check of the plots named, the formats
and the folder, and the line for a folder that cannot be written. Imports no matplotlib."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from openentry.cli.errors import UsageError

FORMATS = ("png", "svg")

OutOption = Annotated[str, typer.Option("--out", metavar="FOLDER", help="Folder for the files")]


FormatOption = Annotated[str, typer.Option("--format", metavar="FORMATS", help="png, svg or png,svg")]


@dataclass(frozen=True)
class PlotRequest:
    """The plots to draw, the formats to save each in and the folder for the files."""

    names: list[str]
    formats: list[str]
    folder: Path


@contextmanager
def matplotlib_needed(command: str) -> Iterator[None]:
    """Around the import of a plots module: a missing matplotlib is one line naming the extra."""
    try:
        yield
    except ImportError as error:
        if (error.name or "").partition(".")[0] != "matplotlib":
            raise
        raise UsageError(
            f"{command} needs matplotlib, not installed: pip install 'openentry[plot]'"
        ) from None


def plot_request(which: list[str] | None, plots: Collection[str], out: str, formats: str) -> PlotRequest:
    """The plots named (all of ``plots`` when none is), the formats and the folder, checked; a
    UsageError naming the option otherwise."""
    names = which or list(plots)
    unknown = [name for name in names if name not in plots]
    if unknown:
        raise UsageError(f"unknown plot {', '.join(unknown)}; choose from {', '.join(plots)}")
    extensions = [item.strip().lower() for item in formats.split(",") if item.strip()]
    if not extensions or any(extension not in FORMATS for extension in extensions):
        raise UsageError("--format: give png, svg or png,svg")
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"--out: {out} is a file; give a folder for the charts (created if missing)")
    return PlotRequest(names, extensions, folder)


@contextmanager
def writing_charts(out: str) -> Iterator[None]:
    """Around the writing of the files: a folder that cannot be written is one line."""
    try:
        yield
    except OSError as error:
        raise UsageError(f"--out: cannot write the charts in {out}: {error.strerror}") from None


def print_written(paths: list[Path]) -> None:
    """The files written, one a line."""
    for path in paths:
        typer.echo(str(path))
