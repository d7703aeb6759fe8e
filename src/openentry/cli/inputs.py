"""Reading the files commands are given: JSON, JSON Lines, standard input, Parquet, CSV.

shared/spec/interfaces.md §2: a ``.json`` file holds one profile or a list; a ``.jsonl`` file
one profile a line; ``-`` or no path reads standard input (an object, a list or JSON Lines).
A file that cannot be read is a usage error (exit 2, one line, no traceback), worded the same
by every command (:func:`input_file`, :func:`read_text`): a missing file, a folder, an empty
input. A UTF-8 byte-order mark at the start of a file or of standard input is skipped. A line
of a JSON Lines file that is not valid JSON is that profile's own error, and the rest still runs.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

# The time-zone policy lives in cli/dates.py; parse_day is read from here by other modules too.
from openentry.cli.dates import parse_day as parse_day

# Defined apart so that the entry point catches them without loading the profiles; the
# commands import them from here too.
from openentry.cli.errors import EXIT_INVALID_PROFILE as EXIT_INVALID_PROFILE
from openentry.cli.errors import EXIT_USAGE as EXIT_USAGE
from openentry.cli.errors import UsageError as UsageError

if TYPE_CHECKING:  # imported where profiles are read: checking a file's path loads no profile code
    from openentry.services.scoring import RawProfile

# JSON nested deeper than Python's parser can follow: no profile is that deep (interfaces.md §1).
TOO_DEEP = "JSON nested too deeply (a profile is at most 4 levels deep)"

STANDARD_INPUT = "-"
# The UTF-8 byte-order mark some editors write at the start of a file.
BYTE_ORDER_MARK = b"\xef\xbb\xbf"


def is_standard_input(path: str | None) -> bool:
    return path is None or path == STANDARD_INPUT


def unreadable(name: str, why: str) -> UsageError:
    """The one wording of an input that cannot be read: ``cannot read NAME: WHY``."""
    return UsageError(f"cannot read {name}: {why}")


def empty_input(name: str) -> UsageError:
    return unreadable(name, "it is empty")


def input_file(path: str) -> Path:
    """The file at ``path``, checked before a library opens it: a missing file, a folder, a
    file without a byte and a file that may not be read are usage errors worded as every
    command words them."""
    file = Path(path)
    try:
        if file.is_dir():
            raise unreadable(path, "it is a folder; give a file")
        size = file.stat().st_size
    except FileNotFoundError:
        raise unreadable(path, "no such file") from None
    except PermissionError:
        raise unreadable(path, "permission denied") from None
    except OSError as error:
        raise unreadable(path, error.strerror or str(error)) from None
    if size == 0 and file.is_file():
        raise empty_input(path)
    return file


def read_text(path: str | None) -> tuple[str, str]:
    """The text of ``path`` (standard input for ``-`` or None) and the name to report it by.

    UTF-8, a byte-order mark at the start skipped; an input of only blanks is empty."""
    if is_standard_input(path):
        stream = getattr(sys.stdin, "buffer", None)
        data: bytes | str = stream.read() if stream is not None else sys.stdin.read()
        name = "standard input"
    else:
        assert path is not None
        file = input_file(path)
        name = path
        try:
            data = file.read_bytes()
        except PermissionError:
            raise unreadable(path, "permission denied") from None
        except OSError as error:
            raise unreadable(path, error.strerror or str(error)) from None
    if isinstance(data, bytes):
        try:
            text = data.removeprefix(BYTE_ORDER_MARK).decode("utf-8")
        except UnicodeDecodeError:
            raise unreadable(name, "not UTF-8 text") from None
    else:
        text = data.removeprefix("\ufeff")
    if not text.strip():
        raise empty_input(name)
    return text, name


@dataclass(frozen=True)
class ProfileInput:
    """Decoded profiles and whether they form a batch (a list or JSON Lines: ids required)."""

    profiles: list[RawProfile]
    is_batch: bool


def _json_lines(text: str) -> list[RawProfile]:
    from openentry.profiles.schema import ProfileError
    from openentry.services.scoring import RawProfile

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
    from openentry.services.scoring import RawProfile

    text, name = read_text(path)
    if path is not None and path.endswith(".jsonl"):
        return ProfileInput(_json_lines(text), is_batch=True)
    stripped = text.strip()
    try:
        document = json.loads(stripped)
    except RecursionError:
        raise unreadable(name, TOO_DEEP) from None
    except json.JSONDecodeError as error:
        if is_standard_input(path) or not (path or "").endswith(".json"):
            return ProfileInput(_json_lines(text), is_batch=True)
        raise unreadable(name, f"not valid JSON ({error.msg}, line {error.lineno})") from None
    if isinstance(document, list):
        return ProfileInput([RawProfile(item) for item in document], is_batch=True)
    return ProfileInput([RawProfile(document)], is_batch=False)


def write_json_lines(objects: list[dict[str, object]]) -> None:
    out = sys.stdout
    for item in objects:
        out.write(json.dumps(item, ensure_ascii=False, default=str))
        out.write("\n")
    out.flush()


def check_writable(out: str, example: str = "scores.parquet") -> None:
    """Refuse an output path that cannot be written (a folder, a folder that cannot be created,
    no permission) before any work is done; a UsageError naming the path (and, for a folder, a
    file name in it such as ``example``)."""
    path = Path(out)
    if path.is_dir():
        raise UsageError(f"--out {out}: it is a folder; give a file name such as {path / example}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("ab"):
            pass
    except OSError as error:
        raise UsageError(f"--out {out}: cannot write there ({error.strerror or error})") from None
