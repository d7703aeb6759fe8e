"""Reading profile inputs for commands: JSON, JSON Lines, standard input or Parquet.

shared/spec/interfaces.md §2: a ``.json`` file holds one profile or a list; a ``.jsonl`` file
one profile a line; ``-`` or no path reads standard input (an object, a list or JSON Lines).
A file that cannot be read is a usage error (exit 2, one line, no traceback); a line of a
JSON Lines file that is not valid JSON is that profile's own error, and the rest still runs.
"""

from __future__ import annotations

import datetime
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import typer

# Defined apart so that the entry point catches them without loading the profiles; the
# commands import them from here too.
from openentry.cli.errors import EXIT_INVALID_PROFILE as EXIT_INVALID_PROFILE
from openentry.cli.errors import EXIT_USAGE as EXIT_USAGE
from openentry.cli.errors import UsageError as UsageError
from openentry.profiles.schema import ProfileError
from openentry.rules import default_tree
from openentry.services.scoring import RawProfile

# JSON nested deeper than Python's parser can follow: no profile is that deep (interfaces.md §1).
TOO_DEEP = "JSON nested too deeply (a profile is at most 4 levels deep)"


def fail_usage(message: str) -> typer.Exit:
    typer.echo(f"openentry: {message}", err=True)
    return typer.Exit(EXIT_USAGE)


@dataclass(frozen=True)
class ProfileInput:
    """Decoded profiles and whether they form a batch (a list or JSON Lines: ids required)."""

    profiles: list[RawProfile]
    is_batch: bool


def _read_text(path: str | None) -> tuple[str, str]:
    if path is None or path == "-":
        return sys.stdin.read(), "standard input"
    file_path = Path(path)
    try:
        return file_path.read_text(encoding="utf-8"), str(file_path)
    except FileNotFoundError:
        raise UsageError(f"cannot read {path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"cannot read {path}: it is a folder") from None
    except PermissionError:
        raise UsageError(f"cannot read {path}: permission denied") from None
    except UnicodeDecodeError:
        raise UsageError(f"cannot read {path}: not UTF-8 text") from None
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror}") from None


def _json_lines(text: str) -> list[RawProfile]:
    profiles: list[RawProfile] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            profiles.append(RawProfile(json.loads(line)))
        except json.JSONDecodeError as error:
            profiles.append(
                RawProfile(None, ProfileError("profile", f"line {number} is not valid JSON: {error.msg}"))
            )
        except RecursionError:
            profiles.append(RawProfile(None, ProfileError("profile", f"line {number}: {TOO_DEEP}")))
    return profiles


def read_profiles(path: str | None) -> ProfileInput:
    """Read profiles from ``path`` (or standard input); raises UsageError when unreadable."""
    text, name = _read_text(path)
    if path is not None and path.endswith(".jsonl"):
        return ProfileInput(_json_lines(text), is_batch=True)
    stripped = text.strip()
    if not stripped:
        raise UsageError(f"{name} holds no profile")
    try:
        document = json.loads(stripped)
    except RecursionError:
        raise UsageError(f"cannot read {name}: {TOO_DEEP}") from None
    except json.JSONDecodeError as error:
        if path is None or path == "-" or not path.endswith(".json"):
            return ProfileInput(_json_lines(text), is_batch=True)
        raise UsageError(f"cannot read {name}: not valid JSON ({error.msg}, line {error.lineno})") from None
    if isinstance(document, list):
        return ProfileInput([RawProfile(item) for item in document], is_batch=True)
    return ProfileInput([RawProfile(document)], is_batch=False)


def write_json_lines(objects: list[dict[str, object]]) -> None:
    out = sys.stdout
    for item in objects:
        out.write(json.dumps(item, ensure_ascii=False, default=str))
        out.write("\n")
    out.flush()


def parse_day(value: str | None, option: str = "--on") -> datetime.date:
    """A YYYY-MM-DD option value (today when absent); a UsageError naming the option otherwise."""
    if value is None:
        return datetime.date.today()
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option}: {value!r} is not a date (YYYY-MM-DD)") from None
    first_day = default_tree().first_day
    if day < first_day:
        raise UsageError(f"{option}: {value} is before Express Entry began ({first_day.isoformat()})")
    return day


def check_writable(out: str) -> None:
    """Refuse an output path that cannot be written (a folder, a folder that cannot be created,
    no permission) before any work is done; a UsageError naming the path."""
    path = Path(out)
    if path.is_dir():
        raise UsageError(f"--out {out}: it is a folder; give a file name such as {path / 'scores.parquet'}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("ab"):
            pass
    except OSError as error:
        raise UsageError(f"--out {out}: cannot write there ({error.strerror or error})") from None
