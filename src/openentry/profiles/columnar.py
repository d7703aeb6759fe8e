"""Profiles as a flat Arrow table, and from the table to the arrays the rules read.

One path serves every input: JSON profiles are validated one by one (pydantic) and put in a
table; a Parquet pool is read as a table and validated column by column, without a Python
loop over valid rows. The columns and their checks are derived from the pydantic model
(profiles/columns.py), and a value refused here gets the message JSON gives for it
(:func:`profiles.schema.field_error`), in the model's order of fields, then the checks across
fields: a row reads the same first error whichever path it took. :func:`columns_from_table`
gives :class:`ProfileColumns` and the rows that failed, each with its field path and a
sentence, so one bad row never stops a batch.

Null is absent: a null takes the field's default, a null required field is "required", and a
language result whose columns are all null is no result.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from openentry.domain.moments import iso_utc
from openentry.profiles.columns import (
    CHOICE,
    CHOICES,
    COLUMN_BY_NAME,
    DATE,
    FLAG,
    INTEGER,
    JOB_COLUMNS,
    JOB_TYPE,
    JOBS,
    LANGUAGE,
    LANGUAGE_FIELD_NAMES,
    LANGUAGE_PREFIXES,
    MOMENT,
    NUMBER,
    PROFILE_COLUMNS,
    SCHEMA,
    TEXT,
    Column,
)
from openentry.profiles.memory import (  # on import, chooses the allocator of Arrow buffers
    CODED_COLUMNS,
    CODED_JOB_TEXT,
    dictionary_columns,
    scoring_columns,
)
from openentry.profiles.schema import PROFILE_FIELDS, Profile, ProfileError, field_error, parse_profile
from openentry.rules import codes
from openentry.rules.candidates import ProfileColumns, no_jobs
from openentry.rules.eligibility.work import Jobs
from openentry.rules.language import LanguageResults, abilities_array

__all__ = [
    "JOB_TYPE",
    "LANGUAGE_PREFIXES",
    "SCHEMA",
    "ReadTable",
    "TableError",
    "columns_from_table",
    "dictionary_columns",
    "field_path",
    "ids_are_plain_json_text",
    "profiles_from_table",
    "scoring_columns",
    "table_from_profiles",
]

# Columns a table must have; the others take the defaults of interfaces.md §1 when absent.
REQUIRED_COLUMNS = (
    "marital_status",
    "education",
    "first_language_test",
    *(f"first_language_{ability}" for ability in codes.ABILITIES),
)

# Arrow types each kind accepts (strict as JSON: no text for a number, no number for a flag).
_ACCEPTS: dict[str, Callable[[pa.DataType], bool]] = {
    TEXT: lambda kind: pa.types.is_string(kind) or pa.types.is_large_string(kind),
    CHOICE: lambda kind: pa.types.is_string(kind) or pa.types.is_large_string(kind),
    INTEGER: pa.types.is_integer,
    NUMBER: lambda kind: pa.types.is_floating(kind) or pa.types.is_integer(kind),
    FLAG: pa.types.is_boolean,
    DATE: lambda kind: pa.types.is_date(kind) or pa.types.is_timestamp(kind) or pa.types.is_string(kind),
    MOMENT: lambda kind: pa.types.is_timestamp(kind) or pa.types.is_date(kind) or pa.types.is_string(kind),
    CHOICES: lambda kind: (
        (pa.types.is_list(kind) or pa.types.is_large_list(kind))
        and (
            pa.types.is_string(kind.value_type)
            or pa.types.is_large_string(kind.value_type)
            or pa.types.is_dictionary(kind.value_type)
        )
    ),
    JOBS: lambda kind: (
        (pa.types.is_list(kind) or pa.types.is_large_list(kind)) and pa.types.is_struct(kind.value_type)
    ),
}


class TableError(ValueError):
    """The table as a whole cannot be read (an unknown or missing column)."""


def field_path(column: str) -> str:
    """The profile field path of a flat column name
    (``first_language_reading`` -> ``first_language.reading``)."""
    described = COLUMN_BY_NAME.get(column)
    return described.path if described is not None else column


def _language_row(prefix: str, result: object) -> dict[str, object]:
    if result is None:
        return {f"{prefix}_{name}": None for name in LANGUAGE_FIELD_NAMES}
    data = result.model_dump()  # type: ignore[attr-defined]
    return {f"{prefix}_{name}": data[name] for name in LANGUAGE_FIELD_NAMES}


def table_from_profiles(profiles: Sequence[Profile]) -> pa.Table:
    """Validated profiles as a table of every profile column (:data:`SCHEMA`)."""
    rows: list[dict[str, object]] = []
    for profile in profiles:
        data = profile.model_dump(exclude=set(LANGUAGE_PREFIXES))
        for prefix in LANGUAGE_PREFIXES:
            data.update(_language_row(prefix, getattr(profile, prefix)))
        rows.append(data)
    return pa.Table.from_pylist(rows, schema=SCHEMA)


@dataclass(frozen=True)
class ReadTable:
    """A table turned into arrays: the columns, the ids (as Arrow), and the rows that failed."""

    columns: ProfileColumns
    id_column: pa.ChunkedArray
    errors: dict[int, tuple[str, str]]

    @functools.cached_property
    def ids(self) -> list[str | None]:
        ids: list[str | None] = self.id_column.to_pylist()
        return ids


class _Errors:
    """The first error of each row, in the order the checks run (the model's order of fields)."""

    def __init__(self, size: int, describe: bool = True) -> None:
        self.has_error = np.zeros(size, dtype=np.bool_)
        self.errors: dict[int, tuple[str, str]] = {}
        self.describe = describe  # False: only mark the rows (the caller words their errors)

    def add(self, rows: NDArray[np.bool_], error_for_row: Callable[[int], tuple[str, str]]) -> None:
        new = rows & ~self.has_error
        if not new.any():
            return
        if self.describe:
            for row in np.flatnonzero(new):
                self.errors[int(row)] = error_for_row(int(row))
        self.has_error |= new


Answers = TypeVar("Answers", bound=np.generic)


def _numpy(values: pa.ChunkedArray | pa.Array) -> NDArray[np.generic]:
    """A column without nulls as numpy (zero-copy when it is one chunk of a fixed-width type)."""
    array: NDArray[np.generic] = values.to_numpy(zero_copy_only=False)
    return array


def _bits(buffer: pa.Buffer, offset: int, length: int) -> NDArray[np.bool_]:
    """``length`` bits of an Arrow bitmap from bit ``offset``, as numpy booleans."""
    bits = np.unpackbits(np.frombuffer(buffer, dtype=np.uint8), count=offset + length, bitorder="little")
    return bits[offset:].view(np.bool_)


def _chunks(values: pa.ChunkedArray | pa.Array) -> list[pa.Array]:
    return list(values.chunks) if isinstance(values, pa.ChunkedArray) else [values]


def _joined(parts: list[NDArray[np.bool_]]) -> NDArray[np.bool_]:
    return parts[0] if len(parts) == 1 else np.concatenate([np.zeros(0, dtype=np.bool_), *parts])


def _is_null(values: pa.ChunkedArray | pa.Array) -> NDArray[np.bool_]:
    """Where a value is null, read from the validity bitmaps."""
    if values.null_count == 0:
        return np.zeros(len(values), dtype=np.bool_)
    if values.null_count == len(values):
        return np.ones(len(values), dtype=np.bool_)
    parts = []
    for chunk in _chunks(values):
        if chunk.null_count in (0, len(chunk)):
            parts.append(np.full(len(chunk), chunk.null_count > 0))
        elif chunk.buffers()[0] is None:  # no validity bitmap (a union)
            parts.append(np.asarray(_numpy(chunk.is_null()), dtype=np.bool_))
        else:
            parts.append(~_bits(chunk.buffers()[0], chunk.offset, len(chunk)))
    return _joined(parts)


def _mask(values: pa.ChunkedArray | pa.Array) -> NDArray[np.bool_]:
    """A boolean Arrow column as numpy, null as False (read from the bitmaps)."""
    parts = []
    for chunk in _chunks(values):
        if chunk.null_count == len(chunk):
            parts.append(np.zeros(len(chunk), dtype=np.bool_))
            continue
        validity, data = chunk.buffers()
        found = _bits(data, chunk.offset, len(chunk))
        parts.append(found & _bits(validity, chunk.offset, len(chunk)) if chunk.null_count else found)
    return _joined(parts) if parts else np.zeros(0, dtype=np.bool_)


def _filled(values: pa.ChunkedArray | pa.Array, fill: int | float, dtype: type[Answers]) -> NDArray[Answers]:
    """A column of numbers as numpy of ``dtype``, a null read as ``fill``: read from the data
    buffers (zero-copy where there is no null, one pass where there are)."""
    parts: list[NDArray[Answers]] = [np.zeros(0, dtype=dtype)]
    for chunk in _chunks(values):
        data = chunk.buffers()[1]
        if data is None or chunk.null_count == len(chunk):
            parts.append(np.full(len(chunk), fill, dtype=dtype))
            continue
        stored = np.dtype(chunk.type.to_pandas_dtype())
        found = np.frombuffer(data, dtype=stored, count=chunk.offset + len(chunk))[chunk.offset :]
        if chunk.null_count:
            found = np.where(_is_null(chunk), np.array(fill, dtype=dtype), found)
        parts.append(found.astype(dtype, copy=False))
    return parts[1] if len(parts) == 2 else np.concatenate(parts)


def _json_value(value: object) -> object:
    """A value read from Arrow in its JSON form (dates as ISO text), for the model's messages."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            return value.isoformat()
        return iso_utc(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_json_value(item) for item in value]
    if isinstance(value, dict):
        return {key: _json_value(item) for key, item in value.items() if item is not None}
    return value


def _value_errors(column: Column, values: pa.ChunkedArray) -> Callable[[int], tuple[str, str]]:
    """Per row, the error JSON gives for the row's value of ``column`` (cached by value)."""
    cache: dict[object, tuple[str, str]] = {}

    def error_for_row(row: int) -> tuple[str, str]:
        value = _json_value(values[row].as_py())
        try:
            return cache[value]
        except (KeyError, TypeError):
            pass
        error = field_error(column.location, value)
        found = (
            (error.field, error.message) if error is not None else (column.path, f"{value!r} is not allowed")
        )
        with contextlib.suppress(TypeError):  # a list or a dict is not cached
            cache[value] = found
        return found

    return error_for_row


def _required(path: str) -> Callable[[int], tuple[str, str]]:
    return lambda row: (path, "required")


def _per_value(
    values: pa.ChunkedArray | pa.Array,
    answer: Callable[[pa.Array], NDArray[Answers]],
    if_null: int | bool,
    dtype: type[Answers],
) -> NDArray[Answers]:
    """``answer`` for each value of a text column (it maps an array of texts to one answer each),
    ``if_null`` where the value is null. A dictionary-encoded column is answered on its
    dictionary, its few distinct values, and the answers taken by index (a null index takes the
    extra answer at the end: ``if_null``)."""
    chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    parts = [np.zeros(0, dtype=dtype)]
    for chunk in chunks:
        if not pa.types.is_dictionary(chunk.type):
            found = np.asarray(answer(chunk), dtype=dtype)
            parts.append(
                np.where(_is_null(chunk), if_null, found).astype(dtype) if chunk.null_count else found
            )
            continue
        dictionary = chunk.dictionary
        answers = np.full(len(dictionary) + 1, if_null, dtype=dtype)
        if len(dictionary):
            answers[:-1] = answer(dictionary)
            if dictionary.null_count:
                answers[:-1][_is_null(dictionary)] = if_null
        parts.append(np.take(answers, _filled(chunk.indices, len(dictionary), np.intp)))
    return parts[1] if len(parts) == 2 else np.concatenate(parts)


@functools.cache
def _value_set(vocabulary: tuple[str, ...]) -> pa.Array:
    return pa.array(vocabulary, pa.string())


def _positions(
    values: pa.ChunkedArray | pa.Array, vocabulary: tuple[str, ...]
) -> tuple[NDArray[np.int8], NDArray[np.bool_]]:
    """The position of each value in ``vocabulary`` (0 where absent), and where it is absent or null."""
    value_set = _value_set(vocabulary)

    def position(texts: pa.Array) -> NDArray[np.int8]:
        return _filled(pc.index_in(texts.cast(pa.string()), value_set=value_set), -1, np.int8)

    found = _per_value(values, position, -1, np.int8)
    return np.maximum(found, np.int8(0)), found < 0


@functools.cache
def _class_bytes(pattern: str) -> NDArray[np.bool_] | None:
    """For a pattern that is one bracketed class of ASCII characters repeated (the id's
    ``^[A-Za-z0-9._:-]+$``): whether each byte is in the class, every ASCII character tested with
    the pattern's own class, the bytes of non-ASCII characters (128 and up) outside it. None for
    any other pattern (a negated class, an escape), checked by the regex itself."""
    found = re.fullmatch(r"\^\[([ -~]+)\]\+\$", pattern)
    if found is None or found.group(1).startswith("^") or any(sign in found.group(1) for sign in "\\[]"):
        return None
    member = re.compile(f"[{found.group(1)}]")
    return np.array([byte < 128 and member.fullmatch(chr(byte)) is not None for byte in range(256)])


def ids_are_plain_json_text() -> bool:
    """Whether every id the model accepts is written by JSON between quotes as it is: the id's
    pattern is one class of ASCII characters (:func:`_class_bytes`) holding no quote, backslash
    or control character."""
    pattern = COLUMN_BY_NAME["id"].constraints.pattern
    in_class = _class_bytes(pattern) if pattern is not None else None
    return in_class is not None and not any(in_class[byte] for byte in (*range(0x20), ord('"'), ord("\\")))


def _outside_class(
    texts: pa.Array, in_class: NDArray[np.bool_]
) -> tuple[NDArray[np.bool_], NDArray[np.int32]]:
    """Where a text (a string array) is empty or has a byte outside a class (:func:`_class_bytes`),
    read from its bytes at once; and each text's length in bytes (its length in characters where it
    is inside the class: ASCII)."""
    offsets = np.frombuffer(texts.buffers()[1], dtype=np.int32, count=texts.offset + len(texts) + 1)
    offsets = offsets[texts.offset :]
    data = texts.buffers()[2]
    characters = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)
    given = characters[offsets[0] : offsets[-1]]
    lengths = np.diff(offsets)
    bad = lengths == 0
    # Deleting the class's bytes leaves nothing when every byte is in it (nearly always): one
    # pass in C over the bytes; the texts at fault are then found byte by byte.
    if given.tobytes().translate(None, bytes(np.flatnonzero(in_class).astype(np.uint8))):
        outside = ~np.take(in_class, given)
        bad[np.searchsorted(offsets, np.flatnonzero(outside) + offsets[0], side="right") - 1] = True
    return bad, lengths


def _bad_text(column: Column, values: pa.ChunkedArray) -> NDArray[np.bool_]:
    """Where a text breaks the column's pattern or length (null: never)."""
    rules = column.constraints
    in_class = _class_bytes(rules.pattern) if rules.pattern is not None else None

    def wrong(texts: pa.Array) -> NDArray[np.bool_]:
        if in_class is not None and texts.type == pa.string() and len(texts):
            bad, lengths = _outside_class(texts, in_class)
        else:
            bad = np.zeros(len(texts), dtype=np.bool_)
            if rules.pattern is not None:
                bad |= ~_mask(pc.match_substring_regex(texts, rules.pattern))
            lengths = _filled(pc.utf8_length(texts), 0, np.int32)
        if rules.minimum_length is not None:
            bad |= lengths < rules.minimum_length
        if rules.maximum_length is not None:
            bad |= lengths > rules.maximum_length
        return bad

    return _per_value(values, wrong, False, np.bool_)


def _bad_number(column: Column, numbers: NDArray[np.float64] | NDArray[np.int64]) -> NDArray[np.bool_]:
    rules = column.constraints
    bad = np.zeros(numbers.shape[0], dtype=np.bool_)
    if rules.finite and numbers.dtype.kind == "f":
        bad |= ~np.isfinite(numbers)
    if isinstance(rules.minimum, int | float):
        bad |= numbers <= rules.minimum if rules.minimum_excluded else numbers < rules.minimum
    if isinstance(rules.maximum, int | float):
        bad |= numbers >= rules.maximum if rules.maximum_excluded else numbers > rules.maximum
    return bad


def _bad_moment(column: Column, values: pa.ChunkedArray) -> NDArray[np.bool_]:
    rules = column.constraints
    bad = np.zeros(len(values), dtype=np.bool_)
    if rules.minimum is not None:
        bad |= _mask(pc.less(values, pa.scalar(rules.lowest(), type=column.arrow_type)))
    if rules.maximum is not None:
        bad |= _mask(pc.greater(values, pa.scalar(rules.maximum, type=column.arrow_type)))
    return bad


@dataclass
class _Checked:
    """One column after its checks: the values in the column's type (a coded text column may stay
    dictionary-encoded; nulls where absent or refused), as numpy where the rules read numbers or
    codes."""

    values: pa.ChunkedArray
    numbers: NDArray[np.generic] | None = None  # INTEGER / NUMBER columns as numpy, nulls filled
    # CHOICE columns: the position of each value in the vocabulary (0 where absent), and where
    # the value is absent (null or refused).
    codes: tuple[NDArray[np.int8], NDArray[np.bool_]] | None = None

    @functools.cached_property
    def is_null(self) -> NDArray[np.bool_]:
        return _is_null(self.values)

    def coded(self) -> tuple[NDArray[np.int8], NDArray[np.bool_]]:
        """``codes``, of a CHOICE column."""
        assert self.codes is not None, "not a CHOICE column"
        return self.codes

    @classmethod
    def absent(cls, column: Column, size: int) -> _Checked:
        """A column no row gives (or whose values are all refused): null throughout."""
        numbers: NDArray[np.generic] | None = None
        if column.kind in (INTEGER, NUMBER):
            numbers = np.zeros(size, dtype=np.int64 if column.kind == INTEGER else np.float64)
        codes = (
            (np.zeros(size, dtype=np.int8), np.ones(size, dtype=np.bool_)) if column.kind == CHOICE else None
        )
        checked = cls(pa.chunked_array([pa.nulls(size, column.arrow_type)]), numbers, codes)
        checked.is_null = np.ones(size, dtype=np.bool_)
        return checked


# Text columns with few distinct values (codes), checked on their dictionary: a column that is
# not dictionary-encoded is encoded first (one pass), and its pattern checked once per distinct value.
_CODED_TEXT = frozenset(name for name in CODED_COLUMNS if COLUMN_BY_NAME[name].kind == TEXT) | CODED_JOB_TEXT


def _check_column(
    column: Column, raw: pa.ChunkedArray | None, size: int, present: NDArray[np.bool_] | None, errors: _Errors
) -> _Checked:
    """Check one scalar column in place in the model's order; refused values become nulls."""
    if raw is None or raw.null_count == len(raw):
        if column.required:
            errors.add(np.ones(size, dtype=np.bool_) if present is None else present, _required(column.path))
        return _Checked.absent(column, size)
    given = ~_is_null(raw)
    if column.required:
        errors.add(~given if present is None else present & ~given, _required(column.path))
    if not _ACCEPTS[column.kind](raw.type if not pa.types.is_dictionary(raw.type) else raw.type.value_type):
        errors.add(given, _value_errors(column, raw))
        return _Checked.absent(column, size)
    if column.kind in (TEXT, CHOICE):
        values = raw if pa.types.is_dictionary(raw.type) else raw.cast(pa.string())
        if column.kind == CHOICE:
            positions, unknown = _positions(values, column.constraints.vocabulary)
            bad = unknown & given
            checked = _Checked(values, codes=(positions, unknown))
        else:
            if column.name in _CODED_TEXT and not pa.types.is_dictionary(values.type):
                values = pc.dictionary_encode(values)
            bad = _bad_text(column, values)
            checked = _Checked(values)
        checked.is_null = ~given
        if bad.any():
            errors.add(bad, _value_errors(column, raw))
        return checked
    if column.kind in (INTEGER, NUMBER):
        wide = pa.int64() if column.kind == INTEGER else pa.float64()
        values = raw.cast(wide)
        numbers: NDArray[np.int64] | NDArray[np.float64] = (
            _filled(values, 0, np.int64) if column.kind == INTEGER else _filled(values, 0.0, np.float64)
        )
        bad = _bad_number(column, numbers) & given
        if bad.any():
            errors.add(bad, _value_errors(column, raw))
            numbers = np.where(bad, 0, numbers)
        checked = _Checked(values, numbers.astype(np.int16) if column.kind == INTEGER else numbers)
        checked.is_null = ~given
        return checked
    if column.kind in (DATE, MOMENT):
        try:
            values = raw.cast(column.arrow_type)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as error:
            raise TableError(
                f"column {column.name} has type {raw.type}; expected {column.arrow_type} ({error})"
            ) from None
        bad = _bad_moment(column, values)
        if bad.any():
            errors.add(bad, _value_errors(column, raw))
        return _Checked(values)
    return _Checked(raw.cast(column.arrow_type))  # FLAG


def _list_errors(column: Column, raw: pa.ChunkedArray) -> Callable[[int], tuple[str, str]]:
    """Per row, the error JSON gives for the row's whole list (provinces, jobs)."""

    def error_for_row(row: int) -> tuple[str, str]:
        error = field_error(column.location, _json_value(raw[row].as_py()))
        return (error.field, error.message) if error is not None else (column.path, "not allowed")

    return error_for_row


def _list_column(raw: pa.ChunkedArray) -> pa.Array:
    array = raw.combine_chunks() if raw.num_chunks != 1 else raw.chunk(0)
    return array.cast(pa.list_(array.type.value_type)) if pa.types.is_large_list(array.type) else array


@dataclass(frozen=True)
class _CheckedProvinces:
    values: pa.ChunkedArray  # the lists as given (nulls where refused), for the rows' own errors
    all_with_others: NDArray[np.bool_]  # "ALL" and other provinces in one list


def _check_provinces(column: Column, raw: pa.ChunkedArray, size: int, errors: _Errors) -> _CheckedProvinces:
    no_list = pa.chunked_array([pa.nulls(size, column.arrow_type)])
    if raw.null_count == len(raw):
        return _CheckedProvinces(no_list, np.zeros(size, dtype=np.bool_))
    given = ~_is_null(raw)
    if not _ACCEPTS[column.kind](raw.type):
        errors.add(given, _list_errors(column, raw))
        return _CheckedProvinces(no_list, np.zeros(size, dtype=np.bool_))
    lists = _list_column(raw)
    owners = np.asarray(_numpy(pc.list_parent_indices(lists)), dtype=np.int64)
    positions, unknown = _positions(pc.list_flatten(lists), column.constraints.vocabulary)
    bad = np.zeros(size, dtype=np.bool_)
    bad[owners[unknown]] = True
    lengths = _filled(pc.list_value_length(lists), 0, np.int64)
    if column.constraints.minimum_length is not None:
        bad |= given & (lengths < column.constraints.minimum_length)
    if bad.any():
        errors.add(bad, _list_errors(column, raw))
    has_all = np.zeros(size, dtype=np.bool_)
    every_province = column.constraints.vocabulary.index(codes.EVERY_PROVINCE)
    has_all[owners[(positions == every_province) & ~unknown]] = True
    return _CheckedProvinces(pa.chunked_array([lists]), has_all & (lengths > 1))


@dataclass(frozen=True)
class _CheckedJobs:
    jobs: Jobs
    has_work_history: NDArray[np.bool_] | None
    end_before_start: NDArray[np.bool_]


def _noc_numbers(pattern: str) -> Callable[[pa.Array], NDArray[np.int64]]:
    """Texts to NOC codes as integers, -1 where a text is not a code (``pattern``)."""

    def numbers(texts: pa.Array) -> NDArray[np.int64]:
        texts = texts.cast(pa.string())
        is_code = _mask(pc.match_substring_regex(texts, pattern))
        found = np.full(len(texts), -1, dtype=np.int64)
        if is_code.any():
            found[is_code] = np.asarray(_numpy(texts.filter(pa.array(is_code)).cast(pa.int64())))
        return found

    return numbers


def _check_jobs(column: Column, raw: pa.ChunkedArray | None, size: int, errors: _Errors) -> _CheckedJobs:
    """Check every job of every row with the job's columns (derived from the model's Job)."""
    if raw is None or raw.null_count == len(raw):
        return _CheckedJobs(no_jobs(), None, np.zeros(size, dtype=np.bool_))
    lists = _list_column(raw) if _ACCEPTS[column.kind](raw.type) else None
    if lists is None:
        errors.add(~_is_null(raw), _list_errors(column, raw))
        return _CheckedJobs(no_jobs(), None, np.zeros(size, dtype=np.bool_))
    lengths = _filled(pc.list_value_length(lists), 0, np.int64)
    has_history = lengths > 0
    flat = pc.list_flatten(lists)
    owner = np.asarray(_numpy(pc.list_parent_indices(lists)), dtype=np.int64)
    job_count = len(flat)
    bad_job = np.asarray(_is_null(flat), dtype=np.bool_).copy()
    known = {job_column.name for job_column in JOB_COLUMNS}
    if any(field.name not in known for field in flat.type):
        bad_job[:] = True
    checked: dict[str, _Checked] = {}
    job_errors = _Errors(job_count, describe=False)
    for job_column in JOB_COLUMNS:
        child = (
            pc.struct_field(flat, job_column.name)
            if flat.type.get_field_index(job_column.name) >= 0
            else None
        )
        checked[job_column.name] = _check_column(
            job_column, None if child is None else pa.chunked_array([child]), job_count, None, job_errors
        )
    bad_job |= job_errors.has_error
    bad_rows = np.zeros(size, dtype=np.bool_)
    bad_rows[owner[bad_job]] = True
    if bad_rows.any():
        errors.add(bad_rows, _list_errors(column, raw))

    def dates(name: str) -> NDArray[np.datetime64]:
        return _days(checked[name].values)

    def flags(name: str) -> NDArray[np.bool_]:
        return _mask(checked[name].values)

    start, end = dates("start"), dates("end")
    end_before_start = np.zeros(size, dtype=np.bool_)
    backwards = ~np.isnat(end) & ~np.isnat(start) & (end < start)
    end_before_start[owner[backwards]] = True
    noc_pattern = next(
        job_column for job_column in JOB_COLUMNS if job_column.name == "noc"
    ).constraints.pattern
    assert noc_pattern is not None
    noc = _per_value(checked["noc"].values, _noc_numbers(noc_pattern), -1, np.int64)
    hours = checked["hours_per_week"].numbers
    assert hours is not None
    jobs = Jobs(
        owner=owner,
        noc=np.where(bad_job, -1, noc),
        start=np.where(bad_job, np.datetime64("NaT"), start),
        end=end,
        hours_per_week=np.where(bad_job, 0.0, np.asarray(hours, dtype=np.float64)),
        in_canada=flags("in_canada"),
        self_employed=flags("self_employed"),
        full_time_student=flags("full_time_student"),
    )
    return _CheckedJobs(jobs, has_history, end_before_start)


def _days(values: pa.ChunkedArray) -> NDArray[np.datetime64]:
    """Days as datetime64[D], NaT where null (the day numbers of date32)."""
    days = values if values.type == pa.date32() else values.cast(pa.date32())
    not_a_time: int = np.datetime64("NaT").astype(np.int64).item()
    return _filled(days.cast(pa.int32()), not_a_time, np.int64).view("datetime64[D]")


def _flags(checked: _Checked, default: object) -> NDArray[np.bool_]:
    """A FLAG column as numpy, a null taking the field's default."""
    found = _mask(checked.values)
    return found | checked.is_null if default and checked.values.null_count else found


def _codes(checked: _Checked, column: Column) -> NDArray[np.int8]:
    """The codes of a CHOICE column, a null taking the field's default."""
    positions = checked.coded()[0]
    if column.default is not None and checked.values.null_count:
        default = np.int8(column.constraints.vocabulary.index(str(column.default)))
        positions = np.where(checked.is_null, default, positions)
    return positions


def _integers(checked: _Checked, column: Column, absent: int | None = None) -> NDArray[np.int16]:
    assert checked.numbers is not None
    numbers = np.asarray(checked.numbers, dtype=np.int16)
    fill = absent if absent is not None else column.default
    if checked.values.null_count and isinstance(fill, int) and fill:
        numbers = np.where(checked.is_null, np.int16(fill), numbers)
    return numbers


def _language(prefix: str, checked: dict[str, _Checked], size: int) -> LanguageResults:
    test_positions, test_absent = checked[f"{prefix}_test"].coded()
    scores: NDArray[np.float64] = abilities_array(size, np.float64)  # type: ignore[assignment]
    for ability_code, ability in enumerate(codes.ABILITIES):
        numbers = checked[f"{prefix}_{ability}"].numbers
        assert numbers is not None
        scores[:, ability_code] = numbers
    scale_positions, scale_absent = checked[f"{prefix}_scale"].coded()
    named = ~scale_absent
    return LanguageResults(
        tests=((test_positions + np.int8(1)) * ~test_absent).astype(np.int8),
        scores=scores,
        test_dates=_days(checked[f"{prefix}_test_date"].values),
        scales=((scale_positions + np.int8(1)) * named).astype(np.int8) if named.any() else None,
    )


# The names of the schema's columns, read once (``SCHEMA.names`` builds a new list at each read).
_SCHEMA_NAMES = frozenset(SCHEMA.names)


def _conformed_names(table: pa.Table) -> frozenset[str]:
    """The table's column names; raises TableError when one is unknown or a required one missing."""
    given = table.column_names  # a new list at each read: read once
    unknown = [name for name in given if name not in _SCHEMA_NAMES]
    if unknown:
        raise TableError(f"unknown columns {unknown}; allowed columns are {SCHEMA.names}")
    names = frozenset(given)
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise TableError(f"missing required columns {missing}")
    if "age" not in names and "birth_date" not in names:
        raise TableError("a table needs an 'age' or a 'birth_date' column")
    return names


def _row_error(
    table: pa.Table, require_id: bool, fallback: tuple[str, str]
) -> Callable[[int], tuple[str, str]]:
    """Per row, the error JSON gives for the whole row (the checks across fields)."""

    def error_for_row(row: int) -> tuple[str, str]:
        profile = next(profiles_from_table(table.slice(row, 1)))
        try:
            parse_profile(profile, require_id=require_id)
        except ProfileError as error:
            return error.field, error.message
        return fallback

    return error_for_row


def columns_from_table(raw_table: pa.Table, *, require_id: bool = False) -> ReadTable:
    """Validate a table column by column and return its arrays; raises TableError for the whole table.

    ``require_id``: every row needs an id (a batch or a pool, interfaces.md §1).
    """
    names = _conformed_names(raw_table)
    size = raw_table.num_rows
    errors = _Errors(size)
    checked: dict[str, _Checked] = {}
    present: NDArray[np.bool_] | None = None
    provinces_column = COLUMN_BY_NAME["provinces_of_interest"]
    provinces = _CheckedProvinces(
        pa.chunked_array([pa.nulls(size, provinces_column.arrow_type)]), np.zeros(size, dtype=np.bool_)
    )
    checked_jobs = _CheckedJobs(no_jobs(), None, np.zeros(size, dtype=np.bool_))
    for column in PROFILE_COLUMNS:
        raw = raw_table.column(column.name) if column.name in names else None
        if column.kind == LANGUAGE:
            present = np.zeros(size, dtype=np.bool_)
            for name in LANGUAGE_FIELD_NAMES:
                if f"{column.name}_{name}" in names:
                    present |= ~_is_null(raw_table.column(f"{column.name}_{name}"))
            if column.required:
                errors.add(~present, _required(column.name))
            continue
        in_language = len(column.location) == 2
        if column.kind == CHOICES:
            if raw is not None:
                provinces = _check_provinces(column, raw, size, errors)
        elif column.kind == JOBS:
            checked_jobs = _check_jobs(column, raw, size, errors)
        else:
            checked[column.name] = _check_column(column, raw, size, present if in_language else None, errors)
    table = pa.table(
        {
            name: (checked[name].values if name in checked else provinces.values)
            for name in SCHEMA.names
            if name != "work_history"
        }
    )
    table = table.append_column(
        "work_history",
        raw_table.column("work_history")
        if checked_jobs.has_work_history is not None
        else pa.nulls(size, SCHEMA.field("work_history").type),
    )
    _cross_field_checks(table, checked, provinces, checked_jobs, errors, require_id)

    def described(name: str) -> Column:
        return COLUMN_BY_NAME[name]

    has_age = ~checked["age"].is_null
    age = np.where(has_age, _integers(checked["age"], described("age"), absent=-1), -1).astype(np.int16)
    columns = ProfileColumns(
        age=age,
        birth_date=_days(checked["birth_date"].values),
        marital_status=_codes(checked["marital_status"], described("marital_status")),
        spouse_accompanying=_flags(checked["spouse_accompanying"], described("spouse_accompanying").default),
        spouse_canadian=_flags(checked["spouse_canadian"], described("spouse_canadian").default),
        education=_codes(checked["education"], described("education")),
        canadian_education=_codes(checked["canadian_education"], described("canadian_education")),
        first_language=_language("first_language", checked, size),
        second_language=_language("second_language", checked, size),
        canadian_work_years=_integers(checked["canadian_work_years"], described("canadian_work_years")),
        foreign_work_years=_integers(checked["foreign_work_years"], described("foreign_work_years")),
        certificate_of_qualification=_flags(checked["certificate_of_qualification"], False),
        job_offer=_codes(checked["job_offer"], described("job_offer")),
        provincial_nomination=_flags(checked["provincial_nomination"], False),
        sibling_in_canada=_flags(checked["sibling_in_canada"], False),
        spouse_education=_codes(checked["spouse_education"], described("spouse_education")),
        spouse_language=_language("spouse_language", checked, size),
        spouse_canadian_work_years=_integers(
            checked["spouse_canadian_work_years"], described("spouse_canadian_work_years")
        ),
        jobs=checked_jobs.jobs,
        has_work_history=checked_jobs.has_work_history,
    )
    return ReadTable(columns=columns, id_column=table.column("id"), errors=errors.errors)


def _cross_field_checks(
    table: pa.Table,
    checked: dict[str, _Checked],
    provinces: _CheckedProvinces,
    checked_jobs: _CheckedJobs,
    errors: _Errors,
    require_id: bool,
) -> None:
    """The checks across fields of schema._cross_field_error, in its order; messages from it."""

    def add(rows: NDArray[np.bool_], field: str, message: str) -> None:
        if rows.any():
            errors.add(rows, _row_error(table, require_id, (field, message)))

    add(
        checked["age"].is_null == checked["birth_date"].is_null,
        "age",
        "give exactly one of age and birth_date",
    )
    tef = codes.LANGUAGE_TESTS.index("tef_canada") - 1
    tests: dict[str, NDArray[np.int8]] = {}
    for prefix in LANGUAGE_PREFIXES:
        positions, absent = checked[f"{prefix}_test"].coded()
        test = np.where(absent, np.int8(-1), positions)
        tests[prefix] = test
        add((test == tef) & checked[f"{prefix}_test_date"].is_null, f"{prefix}.test_date", "required")
        add(
            (test != tef) & (test >= 0) & ~checked[f"{prefix}_scale"].is_null,
            f"{prefix}.scale",
            "only for tef_canada results",
        )
    french = np.array([test in codes.FRENCH_TESTS for test in codes.LANGUAGE_TESTS[1:]])
    first, second = tests["first_language"], tests["second_language"]
    add(
        (second >= 0) & (first >= 0) & (french[second] == french[first]),
        "second_language.test",
        "the second language must be the other official language",
    )
    add(provinces.all_with_others, "provinces_of_interest", '"ALL" stands alone')
    add(checked_jobs.end_before_start, "work_history", "a job ends before it starts")
    if require_id:
        add(checked["id"].is_null, "id", "required when scoring a batch or loading a pool")


def _plain(value: object) -> object:
    if isinstance(value, datetime.datetime):
        return iso_utc(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _number(value: object) -> object:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def profiles_from_table(table: pa.Table) -> Iterator[dict[str, object]]:
    """Each row as a profile JSON object (interfaces.md §1); null fields are left out (absent)."""
    abilities = set(codes.ABILITIES)
    for row in table.to_pylist():
        profile: dict[str, object] = {}
        for prefix in LANGUAGE_PREFIXES:
            result = {
                name: (_number(value) if name in abilities else _plain(value))
                for name in LANGUAGE_FIELD_NAMES
                if (value := row.get(f"{prefix}_{name}")) is not None
            }
            if result:
                profile[prefix] = result
        for name, value in row.items():
            if value is None or name not in PROFILE_FIELDS:
                continue
            if name == "work_history":
                value = [_json_value(job) for job in value]
            profile[name] = _plain(value)
        yield {name: profile[name] for name in PROFILE_FIELDS if name in profile}
