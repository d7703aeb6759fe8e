"""Profiles as a flat Arrow table, and from the table to the arrays the rules read.

One path serves every input: JSON profiles are validated one by one (pydantic) and put in a
table; a Parquet pool is read as a table and validated column by column, without a Python
loop over rows. Either way :func:`columns_from_table` gives :class:`ProfileColumns` and the
rows that failed, each with its field path and a sentence, so one bad row never stops a batch.

Flat names: a language result ``first_language.reading`` is the column
``first_language_reading``; jobs are a list-of-struct column ``work_history``.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from openentry.profiles.schema import PROFILE_FIELDS, Profile
from openentry.rules import codes
from openentry.rules.candidates import ProfileColumns
from openentry.rules.language import LanguageResults, abilities_array, is_french

LANGUAGE_PREFIXES = ("first_language", "second_language", "spouse_language")

JOB_TYPE = pa.struct(
    [
        ("noc", pa.string()),
        ("start", pa.date32()),
        ("end", pa.date32()),
        ("hours_per_week", pa.float64()),
        ("in_canada", pa.bool_()),
        ("self_employed", pa.bool_()),
        ("full_time_student", pa.bool_()),
    ]
)


def _language_fields(prefix: str) -> list[pa.Field]:
    return [
        pa.field(f"{prefix}_test", pa.string()),
        *(pa.field(f"{prefix}_{ability}", pa.float64()) for ability in codes.ABILITIES),
        pa.field(f"{prefix}_test_date", pa.date32()),
    ]


SCHEMA = pa.schema(
    [
        pa.field("id", pa.string()),
        pa.field("submitted_at", pa.timestamp("us", tz="UTC")),
        pa.field("age", pa.int16()),
        pa.field("birth_date", pa.date32()),
        pa.field("marital_status", pa.string()),
        pa.field("spouse_accompanying", pa.bool_()),
        pa.field("spouse_canadian", pa.bool_()),
        pa.field("education", pa.string()),
        pa.field("canadian_education", pa.string()),
        *_language_fields("first_language"),
        *_language_fields("second_language"),
        pa.field("canadian_work_years", pa.int16()),
        pa.field("foreign_work_years", pa.int16()),
        pa.field("certificate_of_qualification", pa.bool_()),
        pa.field("job_offer", pa.string()),
        pa.field("provincial_nomination", pa.bool_()),
        pa.field("sibling_in_canada", pa.bool_()),
        pa.field("spouse_education", pa.string()),
        *_language_fields("spouse_language"),
        pa.field("spouse_canadian_work_years", pa.int16()),
        pa.field("primary_noc", pa.string()),
        pa.field("provinces_of_interest", pa.list_(pa.string())),
        pa.field("work_history", pa.list_(JOB_TYPE)),
        pa.field("relative_in_canada", pa.bool_()),
        pa.field("canadian_study_years", pa.int16()),
        pa.field("spouse_canadian_study_years", pa.int16()),
        pa.field("spouse_canadian_work_full_time_years", pa.int16()),
        pa.field("work_authorized_in_canada", pa.bool_()),
        pa.field("settlement_funds_cad", pa.float64()),
        pa.field("family_size", pa.int16()),
    ]
)

# Columns a table must have; the others take the defaults of interfaces.md §1 when absent.
REQUIRED_COLUMNS = (
    "marital_status",
    "education",
    "first_language_test",
    *(f"first_language_{ability}" for ability in codes.ABILITIES),
)

_DEFAULTS: dict[str, object] = {
    "spouse_accompanying": False,
    "spouse_canadian": False,
    "canadian_education": "none",
    "canadian_work_years": 0,
    "foreign_work_years": 0,
    "certificate_of_qualification": False,
    "job_offer": "none",
    "provincial_nomination": False,
    "sibling_in_canada": False,
    "spouse_education": "less_than_secondary",
    "spouse_canadian_work_years": 0,
    "relative_in_canada": False,
    "canadian_study_years": 0,
    "spouse_canadian_study_years": 0,
    "spouse_canadian_work_full_time_years": 0,
    "work_authorized_in_canada": False,
    "family_size": 1,
}

_VOCABULARIES: dict[str, tuple[str, ...]] = {
    "marital_status": codes.MARITAL_STATUSES,
    "education": codes.EDUCATION_LEVELS,
    "canadian_education": codes.CANADIAN_EDUCATION_LEVELS,
    "job_offer": codes.JOB_OFFERS,
    "spouse_education": codes.EDUCATION_LEVELS,
}

_RANGES: dict[str, tuple[int, int]] = {
    "age": (0, 120),
    "canadian_work_years": (0, 10),
    "foreign_work_years": (0, 10),
    "spouse_canadian_work_years": (0, 10),
    "canadian_study_years": (0, 60),
    "spouse_canadian_study_years": (0, 60),
    "spouse_canadian_work_full_time_years": (0, 60),
    "family_size": (1, 30),
}


# Columns scoring only type-checks (casts to SCHEMA): their values are never read.
_TYPE_CHECKED_ONLY = frozenset(
    {
        "submitted_at",
        "primary_noc",
        "provinces_of_interest",
        "work_history",
        "relative_in_canada",
        "work_authorized_in_canada",
        "settlement_funds_cad",
    }
)

# String columns read as codes of a vocabulary.
CODED_COLUMNS = (*_VOCABULARIES, *(f"{prefix}_test" for prefix in LANGUAGE_PREFIXES))


def scoring_columns(schema: pa.Schema) -> list[str]:
    """The columns of ``schema`` that :func:`columns_from_table` needs read to give the same
    arrays and errors: all but the type-checked-only ones that already have SCHEMA's type."""
    return [
        name
        for name in schema.names
        if name not in _TYPE_CHECKED_ONLY or schema.field(name).type != SCHEMA.field(name).type
    ]


def dictionary_columns(schema: pa.Schema) -> list[str]:
    """The coded string columns of ``schema``, cheapest read dictionary-encoded (see :func:`_positions`)."""
    return [name for name in CODED_COLUMNS if name in schema.names and schema.field(name).type == pa.string()]


class TableError(ValueError):
    """The table as a whole cannot be read (an unknown or missing column, a wrong type)."""


def field_path(column: str) -> str:
    """The profile field path of a flat column name
    (``first_language_reading`` -> ``first_language.reading``)."""
    for prefix in LANGUAGE_PREFIXES:
        if column.startswith(prefix + "_"):
            return f"{prefix}.{column[len(prefix) + 1 :]}"
    return column


def _language_row(prefix: str, result: object) -> dict[str, object]:
    if result is None:
        return {f"{prefix}_{name}": None for name in ("test", *codes.ABILITIES, "test_date")}
    data = result.model_dump()  # type: ignore[attr-defined]
    return {f"{prefix}_{name}": data[name] for name in ("test", *codes.ABILITIES, "test_date")}


def table_from_profiles(profiles: Sequence[Profile]) -> pa.Table:
    """Validated profiles as a table of :data:`SCHEMA`."""
    rows: list[dict[str, object]] = []
    for profile in profiles:
        data = profile.model_dump(exclude={"first_language", "second_language", "spouse_language"})
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


def _conform(table: pa.Table) -> pa.Table:
    """Check column names, add absent optional columns, cast to :data:`SCHEMA` types.

    A dictionary-encoded string column stays encoded: its codes are read from its dictionary.
    """
    known = set(SCHEMA.names)
    unknown = [name for name in table.column_names if name not in known]
    if unknown:
        raise TableError(f"unknown columns {unknown}; allowed columns are {SCHEMA.names}")
    missing = [name for name in REQUIRED_COLUMNS if name not in table.column_names]
    if missing:
        raise TableError(f"missing required columns {missing}")
    if "age" not in table.column_names and "birth_date" not in table.column_names:
        raise TableError("a table needs an 'age' or a 'birth_date' column")
    arrays = []
    for schema_field in SCHEMA:
        if schema_field.name in table.column_names:
            column = table.column(schema_field.name)
            if schema_field.type == pa.string() and column.type == pa.dictionary(pa.int32(), pa.string()):
                arrays.append(column)
                continue
            try:
                arrays.append(column.cast(schema_field.type))
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as error:
                raise TableError(
                    f"column {schema_field.name} has type {column.type}; "
                    f"expected {schema_field.type} ({error})"
                ) from None
        else:
            arrays.append(pa.nulls(table.num_rows, type=schema_field.type))
    return pa.Table.from_arrays(arrays, names=SCHEMA.names)


class _Errors:
    """Collects the first error of each row."""

    def __init__(self, size: int) -> None:
        self.has_error = np.zeros(size, dtype=np.bool_)
        self.errors: dict[int, tuple[str, str]] = {}

    def add(self, rows: NDArray[np.bool_], field: str, message_for_row: object) -> None:
        new = rows & ~self.has_error
        for row in np.flatnonzero(new):
            message = message_for_row(int(row)) if callable(message_for_row) else str(message_for_row)
            self.errors[int(row)] = (field, message)
        self.has_error |= new


def _numpy(values: pa.ChunkedArray) -> NDArray[np.generic]:
    """A column without nulls as numpy (zero-copy when it is one chunk of a fixed-width type)."""
    array: NDArray[np.generic] = values.to_numpy(zero_copy_only=False)
    return array


def _is_null(values: pa.ChunkedArray) -> NDArray[np.bool_]:
    if values.null_count == 0:
        return np.zeros(len(values), dtype=np.bool_)
    return np.asarray(_numpy(values.is_null()), dtype=np.bool_)


def _with_default(table: pa.Table, column: str) -> pa.ChunkedArray:
    values = table.column(column)
    default = _DEFAULTS.get(column)
    return values.fill_null(default) if default is not None and values.null_count else values


def _positions(
    values: pa.ChunkedArray, vocabulary: tuple[str, ...]
) -> tuple[NDArray[np.int8], NDArray[np.bool_]]:
    """The position of each value in ``vocabulary`` (0 where absent), and where it is absent or null.

    A dictionary-encoded column looks up its few distinct values and takes the answers by index.
    """
    value_set = pa.array(vocabulary)
    if not pa.types.is_dictionary(values.type):
        found = pc.index_in(values, value_set=value_set)
        return np.asarray(_numpy(found.fill_null(0)), dtype=np.int8), _is_null(found)
    parts = []
    for chunk in values.chunks:
        known = np.asarray(
            _numpy(pc.index_in(chunk.dictionary, value_set=value_set).fill_null(-1)), dtype=np.int8
        )
        indices = np.asarray(
            _numpy(chunk.indices.fill_null(0) if chunk.null_count else chunk.indices), dtype=np.int32
        )
        parts.append(np.take(known, indices))
    found_positions = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int8)
    return np.maximum(found_positions, np.int8(0)), (found_positions < 0) | _is_null(values)


def _codes(table: pa.Table, column: str, vocabulary: tuple[str, ...], errors: _Errors) -> NDArray[np.int8]:
    values = _with_default(table, column)
    indices, absent = _positions(values, vocabulary)
    if absent.any():
        is_null = _is_null(values)
        errors.add(is_null, field_path(column), "required")
        errors.add(
            absent & ~is_null,
            field_path(column),
            lambda row: (
                f"{values[row].as_py()!r} is not allowed; "
                f"expected one of {', '.join(repr(v) for v in vocabulary)}"
            ),
        )
    return indices


def _integers(table: pa.Table, column: str, errors: _Errors, fill: int = 0) -> NDArray[np.int16]:
    values = _with_default(table, column)
    given = ~_is_null(values)
    numbers = np.asarray(_numpy(values.fill_null(fill) if values.null_count else values), dtype=np.int16)
    low, high = _RANGES[column]
    errors.add(
        given & ((numbers < low) | (numbers > high)),
        field_path(column),
        lambda row: f"{numbers[row]} is out of range; allowed {low} to {high}",
    )
    return np.maximum(numbers, np.int16(-1))


def _flags(table: pa.Table, column: str) -> NDArray[np.bool_]:
    values = table.column(column)
    if values.null_count:
        values = values.fill_null(bool(_DEFAULTS.get(column, False)))
    return np.asarray(_numpy(values), dtype=np.bool_)


def _dates(table: pa.Table, column: str) -> NDArray[np.datetime64]:
    """Days as datetime64[D], NaT where null (the day numbers of date32, null as NaT's number)."""
    values = table.column(column).cast(pa.date32()).cast(pa.int32()).cast(pa.int64())
    if values.null_count:
        values = values.fill_null(np.datetime64("NaT", "D").view(np.int64).item())
    return np.asarray(_numpy(values)).view("datetime64[D]")


def _language(table: pa.Table, prefix: str, errors: _Errors, required: bool) -> LanguageResults:
    tests_column = table.column(f"{prefix}_test")
    has_test = ~_is_null(tests_column)
    positions, absent = _positions(tests_column, codes.LANGUAGE_TESTS[1:])
    known = has_test & ~absent
    if required:
        errors.add(~has_test, f"{prefix}.test", "required")
    errors.add(
        has_test & ~known,
        f"{prefix}.test",
        lambda row: (
            f"{tests_column[row].as_py()!r} is not allowed; "
            f"expected one of {', '.join(codes.LANGUAGE_TESTS[1:])}"
        ),
    )
    tests = (positions + np.int8(1)) * known  # 0: no (known) test
    scores: NDArray[np.float64] = abilities_array(table.num_rows, np.float64)  # type: ignore[assignment]
    for ability_code, ability in enumerate(codes.ABILITIES):
        values = table.column(f"{prefix}_{ability}")
        missing = _is_null(values)
        column = scores[:, ability_code]
        column[:] = _numpy(values.fill_null(0.0) if values.null_count else values)
        not_a_number = np.isnan(column)
        if not_a_number.any():
            missing |= not_a_number
            column[not_a_number] = 0.0
        if missing.any():
            errors.add(known & missing, f"{prefix}.{ability}", "required")
        if np.isinf(column).any():
            np.nan_to_num(column, copy=False)  # the largest finite numbers, as for any score off the scale
    test_dates = _dates(table, f"{prefix}_test_date")
    tef = tests == codes.LANGUAGE_TESTS.index("tef_canada")
    errors.add(
        tef & np.isnat(test_dates),
        f"{prefix}.test_date",
        "required for tef_canada (it picks the old or new scale)",
    )
    return LanguageResults(tests=tests, scores=scores, test_dates=test_dates)


def columns_from_table(raw_table: pa.Table) -> ReadTable:
    """Validate a table column by column and return its arrays; raises TableError for the whole table."""
    table = _conform(raw_table)
    size = table.num_rows
    errors = _Errors(size)
    has_age = ~_is_null(table.column("age"))
    birth_date = _dates(table, "birth_date")
    has_birth = ~np.isnat(birth_date)
    errors.add(has_age == has_birth, "age", "give exactly one of age and birth_date")
    age = _integers(table, "age", errors, fill=-1)
    age = np.where(has_age, age, -1).astype(np.int16)
    marital_status = _codes(table, "marital_status", codes.MARITAL_STATUSES, errors)
    education = _codes(table, "education", codes.EDUCATION_LEVELS, errors)
    canadian_education = _codes(table, "canadian_education", codes.CANADIAN_EDUCATION_LEVELS, errors)
    first = _language(table, "first_language", errors, required=True)
    second = _language(table, "second_language", errors, required=False)
    same_language = (second.tests != 0) & (is_french(second.tests) == is_french(first.tests))
    errors.add(
        same_language, "second_language.test", "the second language must be the other official language"
    )
    canadian_work_years = _integers(table, "canadian_work_years", errors)
    foreign_work_years = _integers(table, "foreign_work_years", errors)
    job_offer = _codes(table, "job_offer", codes.JOB_OFFERS, errors)
    spouse_education = _codes(table, "spouse_education", codes.EDUCATION_LEVELS, errors)
    spouse_language = _language(table, "spouse_language", errors, required=False)
    spouse_canadian_work_years = _integers(table, "spouse_canadian_work_years", errors)
    for column in (
        "canadian_study_years",
        "spouse_canadian_study_years",
        "spouse_canadian_work_full_time_years",
        "family_size",
    ):
        _integers(table, column, errors)
    columns = ProfileColumns(
        age=age,
        birth_date=birth_date,
        marital_status=marital_status,
        spouse_accompanying=_flags(table, "spouse_accompanying"),
        spouse_canadian=_flags(table, "spouse_canadian"),
        education=education,
        canadian_education=canadian_education,
        first_language=first,
        second_language=second,
        canadian_work_years=canadian_work_years,
        foreign_work_years=foreign_work_years,
        certificate_of_qualification=_flags(table, "certificate_of_qualification"),
        job_offer=job_offer,
        provincial_nomination=_flags(table, "provincial_nomination"),
        sibling_in_canada=_flags(table, "sibling_in_canada"),
        spouse_education=spouse_education,
        spouse_language=spouse_language,
        spouse_canadian_work_years=spouse_canadian_work_years,
    )
    return ReadTable(columns=columns, id_column=table.column("id"), errors=errors.errors)


def _plain(value: object) -> object:
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def profiles_from_table(table: pa.Table) -> Iterator[dict[str, object]]:
    """Each row as a profile JSON object (interfaces.md §1); absent optional fields are left out."""
    for row in table.to_pylist():
        profile: dict[str, object] = {}
        for name, value in row.items():
            prefix = next((p for p in LANGUAGE_PREFIXES if name.startswith(p + "_")), None)
            if prefix is not None:
                continue
            if value is None and name in (
                "age",
                "birth_date",
                "id",
                "submitted_at",
                "settlement_funds_cad",
                "primary_noc",
            ):
                continue
            if name == "work_history" and value is not None:
                value = [{key: _plain(item) for key, item in job.items()} for job in value]
            profile[name] = _plain(value)
        for prefix in LANGUAGE_PREFIXES:
            test = row[f"{prefix}_test"]
            if test is None:
                profile[prefix] = None
                continue
            result: dict[str, object] = {"test": test}
            for ability in codes.ABILITIES:
                score = row[f"{prefix}_{ability}"]
                result[ability] = int(score) if float(score).is_integer() else score
            if row[f"{prefix}_test_date"] is not None:
                result["test_date"] = _plain(row[f"{prefix}_test_date"])
            profile[prefix] = result
        yield {name: profile[name] for name in PROFILE_FIELDS if name in profile}
