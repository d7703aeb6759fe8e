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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from openentry.profiles.columns import (
    CHOICE,
    CHOICES,
    COLUMN_BY_NAME,
    DATE,
    FLAG,
    FLAT_COLUMNS,
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
    PROFILE_SCHEMA,
    SCHEMA,
    TEXT,
    Column,
)
from openentry.profiles.schema import PROFILE_FIELDS, Profile, ProfileError, field_error, parse_profile
from openentry.rules import codes
from openentry.rules.candidates import ProfileColumns, no_jobs
from openentry.rules.eligibility.work import Jobs
from openentry.rules.language import LanguageResults, abilities_array

__all__ = [
    "JOB_TYPE",
    "LANGUAGE_PREFIXES",
    "PROFILE_SCHEMA",
    "SCHEMA",
    "ReadTable",
    "TableError",
    "columns_from_table",
    "dictionary_columns",
    "field_path",
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

# String columns with few distinct values: cheapest read dictionary-encoded.
CODED_COLUMNS = tuple(
    column.name
    for column in FLAT_COLUMNS
    if column.kind == CHOICE or (column.kind == TEXT and column.name != "id")
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


def scoring_columns(schema: pa.Schema) -> list[str]:
    """The columns of ``schema`` that :func:`columns_from_table` reads: every column, since every
    value is checked (the same checks as JSON)."""
    return list(schema.names)


def dictionary_columns(schema: pa.Schema) -> list[str]:
    """The coded string columns of ``schema``, cheapest read dictionary-encoded (see :func:`_positions`)."""
    return [name for name in CODED_COLUMNS if name in schema.names and schema.field(name).type == pa.string()]


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
    """Validated profiles as a table of every profile column (:data:`PROFILE_SCHEMA`)."""
    rows: list[dict[str, object]] = []
    for profile in profiles:
        data = profile.model_dump(exclude=set(LANGUAGE_PREFIXES))
        for prefix in LANGUAGE_PREFIXES:
            data.update(_language_row(prefix, getattr(profile, prefix)))
        rows.append(data)
    return pa.Table.from_pylist(rows, schema=PROFILE_SCHEMA)


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


def _numpy(values: pa.ChunkedArray | pa.Array) -> NDArray[np.generic]:
    """A column without nulls as numpy (zero-copy when it is one chunk of a fixed-width type)."""
    array: NDArray[np.generic] = values.to_numpy(zero_copy_only=False)
    return array


def _is_null(values: pa.ChunkedArray | pa.Array) -> NDArray[np.bool_]:
    if values.null_count == 0:
        return np.zeros(len(values), dtype=np.bool_)
    return np.asarray(_numpy(values.is_null()), dtype=np.bool_)


def _mask(values: pa.ChunkedArray | pa.Array) -> NDArray[np.bool_]:
    """A boolean Arrow result as numpy, null as False."""
    if values.null_count:
        values = values.fill_null(False)
    return np.asarray(_numpy(values), dtype=np.bool_)


def _json_value(value: object) -> object:
    """A value read from Arrow in its JSON form (dates as ISO text), for the model's messages."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            return value.isoformat()
        return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
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


def _positions(
    values: pa.ChunkedArray, vocabulary: tuple[str, ...]
) -> tuple[NDArray[np.int8], NDArray[np.bool_]]:
    """The position of each value in ``vocabulary`` (0 where absent), and where it is absent or null.

    A dictionary-encoded column looks up its few distinct values and takes the answers by index;
    a chunk with no value at all (an empty dictionary) is absent throughout.
    """
    value_set = pa.array(vocabulary, pa.string())
    if not pa.types.is_dictionary(values.type):
        found = pc.index_in(values, value_set=value_set)
        return np.asarray(_numpy(found.fill_null(0)), dtype=np.int8), _is_null(found)
    parts = []
    for chunk in values.chunks:
        if len(chunk.dictionary) == 0:
            parts.append(np.full(len(chunk), -1, dtype=np.int8))
            continue
        known = np.asarray(
            _numpy(pc.index_in(chunk.dictionary, value_set=value_set).fill_null(-1)), dtype=np.int8
        )
        indices = np.asarray(
            _numpy(chunk.indices.fill_null(0) if chunk.null_count else chunk.indices), dtype=np.int32
        )
        parts.append(np.take(known, indices))
    found_positions = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int8)
    return np.maximum(found_positions, np.int8(0)), (found_positions < 0) | _is_null(values)


def _text_flags(values: pa.ChunkedArray, test: Callable[[pa.Array], pa.Array]) -> NDArray[np.bool_]:
    """``test`` of each text value (True where it holds; null: False), on a dictionary's values once."""
    if not pa.types.is_dictionary(values.type):
        return _mask(test(values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)))
    parts = []
    for chunk in values.chunks:
        if len(chunk.dictionary) == 0:
            parts.append(np.zeros(len(chunk), dtype=np.bool_))
            continue
        answers = _mask(test(chunk.dictionary))
        indices = np.asarray(_numpy(chunk.indices.fill_null(0)), dtype=np.int32)
        parts.append(np.take(answers, indices) & ~_is_null(chunk))
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.bool_)


def _bad_text(column: Column, values: pa.ChunkedArray) -> NDArray[np.bool_]:
    rules = column.constraints
    if column.kind == CHOICE:
        return _positions(values, rules.vocabulary)[1] & ~_is_null(values)

    def wrong(array: pa.Array) -> pa.Array:
        bad = pc.is_null(array)  # a placeholder of the right length: null values are never bad
        bad = pc.and_(bad, pc.is_valid(array))
        if rules.pattern is not None:
            bad = pc.or_(bad, pc.invert(pc.match_substring_regex(array, rules.pattern)))
        if rules.minimum_length is not None or rules.maximum_length is not None:
            lengths = pc.utf8_length(array)
            if rules.minimum_length is not None:
                bad = pc.or_(bad, pc.less(lengths, rules.minimum_length))
            if rules.maximum_length is not None:
                bad = pc.or_(bad, pc.greater(lengths, rules.maximum_length))
        return bad

    return _text_flags(values, wrong)


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
    """One column after its checks: the values in the column's type (nulls where absent or refused)."""

    values: pa.ChunkedArray
    numbers: NDArray[np.generic] | None = None  # INTEGER / NUMBER columns as numpy, nulls filled


def _check_column(
    column: Column, raw: pa.ChunkedArray | None, size: int, present: NDArray[np.bool_] | None, errors: _Errors
) -> _Checked:
    """Check one scalar column in place in the model's order; refused values become nulls."""
    if raw is None:
        raw = pa.chunked_array([pa.nulls(size, column.arrow_type)])
    given = ~_is_null(raw)
    if column.required:
        errors.add(~given if present is None else present & ~given, _required(column.path))
    if not _ACCEPTS[column.kind](raw.type if not pa.types.is_dictionary(raw.type) else raw.type.value_type):
        errors.add(given, _value_errors(column, raw))
        refused = pa.chunked_array([pa.nulls(size, column.arrow_type)])
        numeric = column.kind in (INTEGER, NUMBER)
        return _Checked(
            refused,
            np.zeros(size, dtype=np.int64 if column.kind == INTEGER else np.float64) if numeric else None,
        )
    if column.kind in (TEXT, CHOICE):
        values = raw if pa.types.is_dictionary(raw.type) else raw.cast(pa.string())
        bad = _bad_text(column, values)
        if bad.any():
            errors.add(bad, _value_errors(column, raw))
        return _Checked(values)
    if column.kind in (INTEGER, NUMBER):
        wide = pa.int64() if column.kind == INTEGER else pa.float64()
        values = raw.cast(wide)
        numbers = np.asarray(_numpy(values.fill_null(0) if values.null_count else values))
        bad = _bad_number(column, numbers) & given
        if bad.any():
            errors.add(bad, _value_errors(column, raw))
            numbers = np.where(bad, 0, numbers)
        if column.kind == INTEGER:
            numbers = numbers.astype(np.int16)
        return _Checked(values, numbers)
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


def _check_provinces(column: Column, raw: pa.ChunkedArray, errors: _Errors) -> pa.ChunkedArray:
    given = ~_is_null(raw)
    if not _ACCEPTS[column.kind](raw.type):
        errors.add(given, _list_errors(column, raw))
        return pa.chunked_array([pa.nulls(len(raw), column.arrow_type)])
    lists = _list_column(raw)
    if pa.types.is_dictionary(lists.type.value_type):
        lists = lists.cast(pa.list_(pa.string()))
    flat = pc.list_flatten(lists)
    owners = np.asarray(_numpy(pc.list_parent_indices(lists)), dtype=np.int64)
    unknown = _is_null(pc.index_in(flat, value_set=pa.array(column.constraints.vocabulary)))
    bad = np.zeros(len(raw), dtype=np.bool_)
    bad[owners[unknown]] = True
    if column.constraints.minimum_length is not None:
        lengths = np.asarray(_numpy(pc.list_value_length(lists).fill_null(column.constraints.minimum_length)))
        bad |= given & (lengths < column.constraints.minimum_length)
    if bad.any():
        errors.add(bad, _list_errors(column, raw))
    return pa.chunked_array([lists.cast(column.arrow_type)])


@dataclass(frozen=True)
class _CheckedJobs:
    jobs: Jobs
    has_work_history: NDArray[np.bool_] | None
    end_before_start: NDArray[np.bool_]


def _check_jobs(column: Column, raw: pa.ChunkedArray | None, size: int, errors: _Errors) -> _CheckedJobs:
    """Check every job of every row with the job's columns (derived from the model's Job)."""
    if raw is None or raw.null_count == len(raw):
        return _CheckedJobs(no_jobs(), None, np.zeros(size, dtype=np.bool_))
    lists = _list_column(raw) if _ACCEPTS[column.kind](raw.type) else None
    if lists is None:
        errors.add(~_is_null(raw), _list_errors(column, raw))
        return _CheckedJobs(no_jobs(), None, np.zeros(size, dtype=np.bool_))
    lengths = np.asarray(_numpy(pc.list_value_length(lists).fill_null(0)), dtype=np.int64)
    has_history = lengths > 0
    flat = pc.list_flatten(lists)
    owner = np.asarray(_numpy(pc.list_parent_indices(lists)), dtype=np.int64)
    job_count = len(flat)
    bad_job = np.asarray(_is_null(flat), dtype=np.bool_).copy()
    known = {job_column.name for job_column in JOB_COLUMNS}
    if any(field.name not in known for field in flat.type):
        bad_job[:] = True
    checked: dict[str, pa.ChunkedArray] = {}
    numbers: dict[str, NDArray[np.generic]] = {}
    job_errors = _Errors(job_count, describe=False)
    for job_column in JOB_COLUMNS:
        child = (
            pc.struct_field(flat, job_column.name)
            if flat.type.get_field_index(job_column.name) >= 0
            else None
        )
        result = _check_column(
            job_column, None if child is None else pa.chunked_array([child]), job_count, None, job_errors
        )
        checked[job_column.name] = result.values
        if result.numbers is not None:
            numbers[job_column.name] = result.numbers
    bad_job |= job_errors.has_error
    bad_rows = np.zeros(size, dtype=np.bool_)
    bad_rows[owner[bad_job]] = True
    if bad_rows.any():
        errors.add(bad_rows, _list_errors(column, raw))

    def dates(name: str) -> NDArray[np.datetime64]:
        return _days(checked[name])

    def flags(name: str) -> NDArray[np.bool_]:
        return _mask(checked[name])

    start, end = dates("start"), dates("end")
    end_before_start = np.zeros(size, dtype=np.bool_)
    backwards = ~np.isnat(end) & ~np.isnat(start) & (end < start)
    end_before_start[owner[backwards]] = True
    noc_text = checked["noc"]
    if pa.types.is_dictionary(noc_text.type):
        noc_text = noc_text.cast(pa.string())
    noc = np.asarray(_numpy(pc.cast(noc_text, pa.int64(), safe=False).fill_null(-1)), dtype=np.int64)
    jobs = Jobs(
        owner=owner,
        noc=np.where(bad_job, -1, noc),
        start=np.where(bad_job, np.datetime64("NaT"), start),
        end=end,
        hours_per_week=np.where(bad_job, 0.0, np.asarray(numbers["hours_per_week"], dtype=np.float64)),
        in_canada=flags("in_canada"),
        self_employed=flags("self_employed"),
        full_time_student=flags("full_time_student"),
    )
    return _CheckedJobs(jobs, has_history, end_before_start)


def _days(values: pa.ChunkedArray) -> NDArray[np.datetime64]:
    """Days as datetime64[D], NaT where null (the day numbers of date32, null as NaT's number)."""
    numbers = values.cast(pa.date32()).cast(pa.int32()).cast(pa.int64())
    if numbers.null_count:
        numbers = numbers.fill_null(np.datetime64("NaT", "D").view(np.int64).item())
    return np.asarray(_numpy(numbers)).view("datetime64[D]")


def _flags(checked: _Checked, default: object) -> NDArray[np.bool_]:
    values = checked.values
    if values.null_count:
        values = values.fill_null(bool(default))
    return np.asarray(_numpy(values), dtype=np.bool_)


def _codes(checked: _Checked, column: Column) -> NDArray[np.int8]:
    values = checked.values
    if column.default is not None and values.null_count:
        values = values.fill_null(column.default)
    return _positions(values, column.constraints.vocabulary)[0]


def _integers(checked: _Checked, column: Column, absent: int | None = None) -> NDArray[np.int16]:
    assert checked.numbers is not None
    numbers = np.asarray(checked.numbers, dtype=np.int16)
    fill = absent if absent is not None else column.default
    if checked.values.null_count and isinstance(fill, int) and fill:
        numbers = np.where(_is_null(checked.values), np.int16(fill), numbers)
    return numbers


def _language(prefix: str, checked: dict[str, _Checked], size: int) -> LanguageResults:
    tests = _positions(checked[f"{prefix}_test"].values, codes.LANGUAGE_TESTS[1:])
    known = ~tests[1]
    scores: NDArray[np.float64] = abilities_array(size, np.float64)  # type: ignore[assignment]
    for ability_code, ability in enumerate(codes.ABILITIES):
        numbers = checked[f"{prefix}_{ability}"].numbers
        assert numbers is not None
        scores[:, ability_code] = numbers
    scales = _positions(checked[f"{prefix}_scale"].values, codes.TEF_SCALES)
    named = ~scales[1]
    return LanguageResults(
        tests=((tests[0] + np.int8(1)) * known).astype(np.int8),
        scores=scores,
        test_dates=_days(checked[f"{prefix}_test_date"].values),
        scales=((scales[0] + np.int8(1)) * named).astype(np.int8) if named.any() else None,
    )


def _conformed_names(table: pa.Table) -> None:
    unknown = [name for name in table.column_names if name not in PROFILE_SCHEMA.names]
    if unknown:
        raise TableError(f"unknown columns {unknown}; allowed columns are {PROFILE_SCHEMA.names}")
    missing = [name for name in REQUIRED_COLUMNS if name not in table.column_names]
    if missing:
        raise TableError(f"missing required columns {missing}")
    if "age" not in table.column_names and "birth_date" not in table.column_names:
        raise TableError("a table needs an 'age' or a 'birth_date' column")


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
    _conformed_names(raw_table)
    size = raw_table.num_rows
    errors = _Errors(size)
    checked: dict[str, _Checked] = {}
    present: NDArray[np.bool_] | None = None
    language_present: dict[str, NDArray[np.bool_]] = {}
    provinces = pa.chunked_array([pa.nulls(size, SCHEMA.field("provinces_of_interest").type)])
    checked_jobs = _CheckedJobs(no_jobs(), None, np.zeros(size, dtype=np.bool_))
    for column in PROFILE_COLUMNS:
        raw = raw_table.column(column.name) if column.name in raw_table.column_names else None
        if column.kind == LANGUAGE:
            names = [f"{column.name}_{name}" for name in LANGUAGE_FIELD_NAMES]
            present = np.zeros(size, dtype=np.bool_)
            for name in names:
                if name in raw_table.column_names:
                    present |= ~_is_null(raw_table.column(name))
            language_present[column.name] = present
            if column.required:
                errors.add(~present, _required(column.name))
            continue
        in_language = len(column.location) == 2
        if column.kind == CHOICES:
            if raw is not None:
                provinces = _check_provinces(column, raw, errors)
        elif column.kind == JOBS:
            checked_jobs = _check_jobs(column, raw, size, errors)
        else:
            checked[column.name] = _check_column(column, raw, size, present if in_language else None, errors)
    table = pa.table(
        {
            name: (checked[name].values if name in checked else provinces)
            for name in PROFILE_SCHEMA.names
            if name != "work_history"
        }
    )
    table = table.append_column(
        "work_history",
        raw_table.column("work_history")
        if checked_jobs.has_work_history is not None
        else pa.nulls(size, SCHEMA.field("work_history").type),
    )
    _cross_field_checks(table, checked, language_present, checked_jobs, errors, require_id)

    def described(name: str) -> Column:
        return COLUMN_BY_NAME[name]

    has_age = ~_is_null(checked["age"].values)
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
    language_present: dict[str, NDArray[np.bool_]],
    checked_jobs: _CheckedJobs,
    errors: _Errors,
    require_id: bool,
) -> None:
    """The checks across fields of schema._cross_field_error, in its order; messages from it."""

    def add(rows: NDArray[np.bool_], field: str, message: str) -> None:
        if rows.any():
            errors.add(rows, _row_error(table, require_id, (field, message)))

    has_age = ~_is_null(checked["age"].values)
    has_birth = ~_is_null(checked["birth_date"].values)
    add(has_age == has_birth, "age", "give exactly one of age and birth_date")
    tef = codes.LANGUAGE_TESTS.index("tef_canada") - 1
    tests: dict[str, NDArray[np.int8]] = {}
    for prefix in LANGUAGE_PREFIXES:
        positions, absent = _positions(checked[f"{prefix}_test"].values, codes.LANGUAGE_TESTS[1:])
        test = np.where(absent, -1, positions)
        tests[prefix] = test
        add(
            (test == tef) & _is_null(checked[f"{prefix}_test_date"].values), f"{prefix}.test_date", "required"
        )
        add(
            (test != tef) & (test >= 0) & ~_is_null(checked[f"{prefix}_scale"].values),
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
    provinces = table.column("provinces_of_interest")
    if provinces.null_count < len(provinces):
        lists = _list_column(provinces)
        has_all = np.zeros(len(provinces), dtype=np.bool_)
        flat = pc.list_flatten(lists)
        owners = np.asarray(_numpy(pc.list_parent_indices(lists)), dtype=np.int64)
        has_all[owners[_mask(pc.equal(flat, codes.EVERY_PROVINCE))]] = True
        lengths = np.asarray(_numpy(pc.list_value_length(lists).fill_null(0)))
        add(has_all & (lengths > 1), "provinces_of_interest", '"ALL" stands alone')
    add(checked_jobs.end_before_start, "work_history", "a job ends before it starts")
    if require_id:
        add(_is_null(checked["id"].values), "id", "required when scoring a batch or loading a pool")


def _plain(value: object) -> object:
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
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
