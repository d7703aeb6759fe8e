"""Reading a pool file: JSON (one profile or an array) or JSON Lines, every profile validated
against the profile contract (interfaces.md §1) with ``id`` and ``submitted_at`` required.

A file is all or nothing: every problem is collected with the line (JSON Lines) or item (JSON
array) at fault, and one problem means nothing of the file is loaded.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from openentry.profiles.schema import Profile, ProfileError, parse_profile

# A profile nests three levels at most; Python's JSON reader gives up on thousands.
_TOO_DEEP = "JSON nested too deeply to be a profile"


class PoolLoadError(ValueError):
    """A pool file that cannot be loaded; ``problems`` lists (where, field, message)."""

    def __init__(self, source: str, problems: Sequence[tuple[str, str, str]]) -> None:
        self.source = source
        self.problems = list(problems)
        shown = "; ".join(f"{where}: {field}: {message}" for where, field, message in self.problems[:5])
        more = f" (and {len(self.problems) - 5} more)" if len(self.problems) > 5 else ""
        super().__init__(f"{source}: {len(self.problems)} invalid profile(s), nothing loaded: {shown}{more}")


def read_pool_file(path: Path) -> tuple[list[Profile], list[dict[str, object]], list[str]]:
    """Validated profiles of a JSON (object or array) or JSON Lines file; raises PoolLoadError.

    Errors name the line (JSON Lines) or the item (JSON array) at fault. A UTF-8 byte-order mark
    at the start of the file is skipped.
    """
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise PoolLoadError(source, [("file", "file", f"cannot read: {error}")]) from None
    return parse_pool_text(text, source, json_lines=path.name.endswith(".jsonl"))


def parse_pool_text(
    text: str, source: str, json_lines: bool = False
) -> tuple[list[Profile], list[dict[str, object]], list[str]]:
    """Validated profiles of a pool file's text (read from ``source``): a JSON object or array,
    or JSON Lines (always when ``json_lines``); raises PoolLoadError."""
    text = text.removeprefix("\ufeff")
    entries: list[tuple[str, object]] = []
    problems: list[tuple[str, str, str]] = []
    stripped = text.strip()
    document: object = None
    is_document = False
    if stripped.startswith(("[", "{")) and not json_lines:
        try:
            document = json.loads(stripped)
            is_document = True
        except json.JSONDecodeError:
            is_document = False
        except RecursionError:
            raise PoolLoadError(source, [("file", "file", _TOO_DEEP)]) from None
    if is_document:
        items = document if isinstance(document, list) else [document]
        entries = [(f"item {number}", item) for number, item in enumerate(items, start=1)]
    else:
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                entries.append((f"line {number}", json.loads(line)))
            except json.JSONDecodeError as error:
                problems.append((f"line {number}", "profile", f"not valid JSON ({error.msg})"))
            except RecursionError:
                problems.append((f"line {number}", "profile", _TOO_DEEP))
    if not entries and not problems:
        raise PoolLoadError(source, [("file", "file", "holds no profile")])
    profiles: list[Profile] = []
    raws: list[dict[str, object]] = []
    places: list[str] = []
    seen: dict[str, str] = {}
    for where, raw in entries:
        try:
            profile = parse_profile(raw, require_id=True)
            if profile.submitted_at is None:
                raise ProfileError("submitted_at", "required in a pool (ISO 8601 date-time with offset)")
        except ProfileError as error:
            problems.append((where, error.field, error.message))
            continue
        assert profile.id is not None and isinstance(raw, dict)
        if profile.id in seen:
            problems.append((where, "id", f"{profile.id!r} already given at {seen[profile.id]}"))
            continue
        seen[profile.id] = where
        profiles.append(profile)
        raws.append(raw)
        places.append(where)
    if problems:
        raise PoolLoadError(source, problems)
    return profiles, raws, places
