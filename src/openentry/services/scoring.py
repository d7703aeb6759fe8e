"""Use case: score profiles on a date, one or a million, with the same formulas.

JSON profiles are validated one at a time (each failure is that profile's own error line);
the valid ones go through the columnar path with a Parquet pool: table -> arrays -> factors on
the day -> CRS. Results keep the input order.
"""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from openentry import rules as rules_package
from openentry.profiles.columnar import (
    ReadTable,
    columns_from_table,
    ids_are_plain_json_text,
    table_from_profiles,
)
from openentry.profiles.schema import Profile, ProfileError, parse_profile
from openentry.rules.candidates import derive_factors
from openentry.rules.crs import LINE_NAMES, SECTION_NAMES, CrsScores, score
from openentry.rules.snapshot import RulesSnapshot


@dataclass(frozen=True)
class ScoredTable:
    """Scores of every row of a table; rows in ``errors`` have no meaningful score."""

    id_column: pa.ChunkedArray
    scores: CrsScores
    errors: dict[int, tuple[str, str]]
    warnings: dict[int, list[tuple[str, str]]]
    rules: RulesSnapshot

    @functools.cached_property
    def ids(self) -> list[str | None]:
        ids: list[str | None] = self.id_column.to_pylist()
        return ids

    @property
    def size(self) -> int:
        return len(self.id_column)


def score_read_table(read: ReadTable, on: datetime.date) -> ScoredTable:
    """Score validated columns on ``on``; date-dependent problems join the table's errors."""
    snapshot = rules_package.at(on)
    factors, problems = derive_factors(snapshot, read.columns)
    scores = score(snapshot, factors)
    errors = dict(read.errors)
    for row, problem in problems.errors.items():
        errors.setdefault(row, problem)
    return ScoredTable(
        id_column=read.id_column, scores=scores, errors=errors, warnings=problems.warnings, rules=snapshot
    )


def score_table(table: pa.Table, on: datetime.date, *, require_id: bool = False) -> ScoredTable:
    """Check and score every row of a column table on ``on`` (the checks of profiles/columnar.py,
    the same as JSON's); ``require_id``: a row without an id is an error (a batch file)."""
    return score_read_table(columns_from_table(table, require_id=require_id), on)


def _result_line(scored: ScoredTable, row: int, explain: bool) -> dict[str, object]:
    scores = scored.scores
    line: dict[str, object] = {
        "id": scored.ids[row],
        "total": int(scores.total[row]),
        "core": int(scores.core[row]),
        "spouse": int(scores.spouse[row]),
        "transferability": int(scores.transferability[row]),
        "additional": int(scores.additional[row]),
    }
    if explain:
        line["lines"] = {name: int(scores.lines[name][row]) for name in LINE_NAMES}
        line["on"] = scored.rules.day.isoformat()
        line["rules"] = scored.rules.version
    if row in scored.warnings:
        line["warnings"] = [{"field": field, "message": message} for field, message in scored.warnings[row]]
    return line


def _result_object(scored: ScoredTable, row: int, explain: bool) -> dict[str, object]:
    if row in scored.errors:
        field, message = scored.errors[row]
        return {"id": scored.ids[row], "error": {"field": field, "message": message}}
    return _result_line(scored, row, explain)


def result_lines(scored: ScoredTable, explain: bool = False) -> Iterator[dict[str, object]]:
    """One JSON-ready object per row: its score, or its error."""
    for row in range(scored.size):
        yield _result_object(scored, row, explain)


def json_line(item: dict[str, object]) -> str:
    """One object as a line of JSON Lines, as every command writes it."""
    return json.dumps(item, ensure_ascii=False, default=str) + "\n"


# A text that json.dumps writes as it is between quotes (no quote, backslash or control character).
_NEEDS_ESCAPE = r'["\\\x00-\x1f]'


def result_lines_text(scored: ScoredTable, explain: bool = False) -> pa.StringArray:
    """:func:`result_lines` as the text of JSON Lines, one string per row (newline included),
    the very text :func:`json_line` gives each object, built column by column by Arrow.

    A row that is an error, carries warnings, or whose id is absent or needs escaping in JSON is
    written by :func:`json_line` itself (few rows); every other row is the same template filled
    with its id and numbers."""
    size = scored.size
    ids = scored.id_column.combine_chunks() if scored.size else pa.array([], pa.string())
    if pa.types.is_dictionary(ids.type):
        ids = ids.dictionary_decode()
    ids = ids.cast(pa.string())
    own = np.zeros(size, dtype=np.bool_)
    own[list(scored.errors)] = True
    own[list(scored.warnings)] = True
    if ids.null_count:
        own |= np.asarray(ids.is_null().to_numpy(zero_copy_only=False), dtype=np.bool_)
    if not ids_are_plain_json_text():  # else a valid row's id never needs escaping
        escaped = pc.match_substring_regex(ids, _NEEDS_ESCAPE).fill_null(False)
        own |= np.asarray(escaped.to_numpy(zero_copy_only=False), dtype=np.bool_)

    def number(values: np.ndarray) -> pa.Array:
        return pa.array(values).cast(pa.string())

    pieces: list[object] = ['{"id": "', ids, '"']
    for name, values in section_arrays(scored.scores).items():
        pieces += [f', "{name}": ', number(values)]
    if explain:
        for position, name in enumerate(LINE_NAMES):
            pieces += [
                (', "lines": {' if position == 0 else ", ") + f'"{name}": ',
                number(scored.scores.lines[name]),
            ]
        on = json.dumps(scored.rules.day.isoformat())
        pieces.append(f'}}, "on": {on}, "rules": {json.dumps(scored.rules.version, ensure_ascii=False)}')
    pieces.append("}\n")
    lines = pc.binary_join_element_wise(*pieces, "")
    rows = np.flatnonzero(own)
    if len(rows):
        written = pa.array(
            [json_line(_result_object(scored, int(row), explain)) for row in rows], pa.string()
        )
        lines = pc.replace_with_mask(lines, pa.array(own), written)
    result: pa.StringArray = lines
    return result


@dataclass(frozen=True)
class RawProfile:
    """One profile as read from a file: its decoded JSON, or why it could not be decoded."""

    value: object
    problem: ProfileError | None = None

    @property
    def raw_id(self) -> object:
        return self.value.get("id") if isinstance(self.value, dict) else None


def validate_profiles(
    raw_profiles: Sequence[RawProfile], require_id: bool
) -> tuple[list[Profile], list[int], dict[int, ProfileError]]:
    """Parse every profile; the valid ones, their positions, and the errors by position."""
    valid: list[Profile] = []
    positions: list[int] = []
    errors: dict[int, ProfileError] = {}
    for position, raw in enumerate(raw_profiles):
        if raw.problem is not None:
            errors[position] = raw.problem
            continue
        try:
            valid.append(parse_profile(raw.value, require_id=require_id))
            positions.append(position)
        except ProfileError as error:
            errors[position] = error
    return valid, positions, errors


def score_profiles(
    raw_profiles: Sequence[RawProfile], on: datetime.date, explain: bool = False, require_id: bool = False
) -> list[dict[str, object]]:
    """Score a batch of decoded JSON profiles; one result or error object per input, in order."""
    valid, positions, errors = validate_profiles(raw_profiles, require_id)
    results: list[dict[str, object]] = [{} for _ in raw_profiles]
    for position, error in errors.items():
        raw_id = raw_profiles[position].raw_id
        results[position] = {"id": raw_id if isinstance(raw_id, str) else None, "error": error.as_dict()}
    if valid:
        scored = score_table(table_from_profiles(valid), on)
        for position, line in zip(positions, result_lines(scored, explain), strict=True):
            results[position] = line
    return results


def score_one(profile: dict[str, object], on: datetime.date) -> dict[str, object]:
    """Score one profile dict with its explanation; raises ProfileError when it is not valid."""
    result = score_profiles([RawProfile(profile)], on, explain=True)[0]
    error = result.get("error")
    if isinstance(error, dict):
        raise ProfileError(str(error["field"]), str(error["message"]))
    return result


def section_arrays(scores: CrsScores) -> dict[str, np.ndarray]:
    """The four sections and the total, by name (for columnar outputs)."""
    arrays: dict[str, np.ndarray] = {"total": scores.total}
    for name in SECTION_NAMES:
        arrays[name] = getattr(scores, name)
    return arrays


def chunked(items: Iterable[object], size: int) -> Iterator[list[object]]:
    chunk: list[object] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def scored_table_to_arrow(scored: ScoredTable, explain: bool) -> pa.Table:
    """A scored table as Arrow columns: id, the sections and total, (the lines), and the error."""
    error_rows = np.zeros(scored.size, dtype=np.bool_)
    error_rows[list(scored.errors)] = True
    columns: dict[str, pa.Array | pa.ChunkedArray] = {"id": scored.id_column}
    for name, values in section_arrays(scored.scores).items():
        columns[name] = pa.array(values.astype(np.int16), mask=error_rows)
    if explain:
        for name in LINE_NAMES:
            columns[name.replace(".", "_")] = pa.array(scored.scores.lines[name], mask=error_rows)
    # Row i reads error number position[i] (null: no error).
    position = np.full(scored.size, -1, dtype=np.int64)
    position[list(scored.errors)] = np.arange(len(scored.errors))
    at = pa.array(position, mask=position < 0)
    fields = pa.array([field for field, _ in scored.errors.values()], pa.string())
    messages = pa.array([message for _, message in scored.errors.values()], pa.string())
    columns["error_field"] = fields.take(at)
    columns["error_message"] = messages.take(at)
    return pa.table(columns)
