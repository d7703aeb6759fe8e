"""The profile as flat columns, derived from the pydantic model (profiles/schema.py).

The model is the one description of a profile. From it come, for the columnar path: the Arrow
schema, and per column its kind, whether it is required, its default, its vocabulary, range,
pattern, length and finiteness. Nothing here lists a field, a bound or a vocabulary by hand:
adding a field or a bound to the model adds it to the columns and their checks.

Flat names: a language result ``first_language.reading`` is the column
``first_language_reading``; jobs are a list-of-struct column ``work_history``; null means
absent (a Parquet file cannot tell them apart), so a null takes the field's default.
"""

from __future__ import annotations

import datetime
import types
import typing
from dataclasses import dataclass
from typing import Annotated, Literal

import annotated_types
import pyarrow as pa
from pydantic import AwareDatetime, BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from openentry.profiles.schema import Job, LanguageResult, NotBefore, Profile

# Kinds of column (what a value is, whatever the Arrow type it was written with).
TEXT = "text"
CHOICE = "choice"  # text from a vocabulary
INTEGER = "integer"
NUMBER = "number"
FLAG = "flag"
DATE = "date"
MOMENT = "moment"  # a date-time with an offset
CHOICES = "choices"  # a list of texts from a vocabulary
JOBS = "jobs"  # a list of jobs (structs)
LANGUAGE = "language"  # a language result: flattened into its own columns


@dataclass(frozen=True)
class Constraints:
    """The checks of one value, read from the model's annotations."""

    minimum: float | datetime.date | NotBefore | None = None  # NotBefore: read from the law when checked
    minimum_excluded: bool = False
    maximum: float | datetime.date | None = None
    maximum_excluded: bool = False
    minimum_length: int | None = None
    maximum_length: int | None = None
    pattern: str | None = None
    finite: bool = False
    vocabulary: tuple[str, ...] = ()

    def lowest(self) -> float | datetime.date | None:
        """The minimum, a bound from the law read now."""
        return self.minimum.bound() if isinstance(self.minimum, NotBefore) else self.minimum


@dataclass(frozen=True)
class Column:
    """One flat column: its name, the field path it stands for, and how it is checked."""

    name: str
    location: tuple[str, ...]  # ("age",) or ("first_language", "reading")
    kind: str
    arrow_type: pa.DataType
    required: bool
    default: object  # None: stays null
    constraints: Constraints

    @property
    def path(self) -> str:
        return ".".join(self.location)


def _unwrap(annotation: object) -> tuple[object, list[object], bool]:
    """The bare type of an annotation, the metadata around it, and whether it admits None."""
    metadata: list[object] = []
    optional = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            annotation, *extra = typing.get_args(annotation)
            metadata.extend(extra)
        elif origin in (typing.Union, types.UnionType):
            arguments = [argument for argument in typing.get_args(annotation) if argument is not type(None)]
            optional = True
            annotation = arguments[0]
        else:
            return annotation, metadata, optional


def _constraints(metadata: list[object], vocabulary: tuple[str, ...]) -> Constraints:
    values: dict[str, object] = {"vocabulary": vocabulary}
    pending = list(metadata)
    while pending:
        item = pending.pop(0)
        if isinstance(item, FieldInfo):
            pending.extend(item.metadata)
        elif isinstance(item, annotated_types.Ge):
            values["minimum"] = item.ge
        elif isinstance(item, NotBefore):
            values["minimum"] = item
        elif isinstance(item, annotated_types.Gt):
            values["minimum"], values["minimum_excluded"] = item.gt, True
        elif isinstance(item, annotated_types.Le):
            values["maximum"] = item.le
        elif isinstance(item, annotated_types.Lt):
            values["maximum"], values["maximum_excluded"] = item.lt, True
        elif isinstance(item, annotated_types.MinLen):
            values["minimum_length"] = item.min_length
        elif isinstance(item, annotated_types.MaxLen):
            values["maximum_length"] = item.max_length
        elif getattr(item, "pattern", None) is not None:
            values["pattern"] = item.pattern  # type: ignore[attr-defined]
        elif getattr(item, "allow_inf_nan", None) is False:
            values["finite"] = True
    return Constraints(**values)  # type: ignore[arg-type]


def _kind_and_type(bare: object) -> tuple[str, pa.DataType, tuple[str, ...]]:
    if typing.get_origin(bare) is Literal:
        return CHOICE, pa.string(), tuple(str(value) for value in typing.get_args(bare))
    if bare is bool:
        return FLAG, pa.bool_(), ()
    if bare is int:
        return INTEGER, pa.int16(), ()
    if bare is float:
        return NUMBER, pa.float64(), ()
    if bare is str:
        return TEXT, pa.string(), ()
    if bare is AwareDatetime:
        return MOMENT, pa.timestamp("us", tz="UTC"), ()
    if bare is datetime.date:
        return DATE, pa.date32(), ()
    if bare is LanguageResult:
        return LANGUAGE, pa.null(), ()
    if typing.get_origin(bare) is list:
        (item,) = typing.get_args(bare)
        if item is Job:
            return (
                JOBS,
                pa.list_(pa.struct([pa.field(column.name, column.arrow_type) for column in JOB_COLUMNS])),
                (),
            )
        kind, item_type, vocabulary = _kind_and_type(_unwrap(item)[0])
        assert kind == CHOICE, f"unsupported list item {item!r}"
        return CHOICES, pa.list_(item_type), vocabulary
    raise TypeError(f"no column kind for {bare!r}")


def _default(info: FieldInfo) -> object:
    if info.default_factory is not None:
        return info.default_factory()  # type: ignore[call-arg]
    return None if info.default is PydanticUndefined else info.default


def _columns(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> list[Column]:
    columns: list[Column] = []
    for name, info in model.model_fields.items():
        bare, metadata, _ = _unwrap(info.rebuild_annotation())
        kind, arrow_type, vocabulary = _kind_and_type(bare)
        location = (*prefix, name)
        if kind == LANGUAGE:
            columns.append(Column(name, location, kind, arrow_type, info.is_required(), None, Constraints()))
            columns.extend(_columns(LanguageResult, location))
            continue
        columns.append(
            Column(
                name="_".join(location),
                location=location,
                kind=kind,
                arrow_type=arrow_type,
                required=info.is_required(),
                default=_default(info),
                constraints=_constraints(metadata, vocabulary),
            )
        )
    return columns


JOB_COLUMNS: tuple[Column, ...] = ()
JOB_COLUMNS = tuple(_columns(Job))
# Every column of a profile in the model's order, a language result first as a LANGUAGE entry
# (no column of its own) followed by its flat columns.
PROFILE_COLUMNS: tuple[Column, ...] = tuple(_columns(Profile))
FLAT_COLUMNS: tuple[Column, ...] = tuple(column for column in PROFILE_COLUMNS if column.kind != LANGUAGE)
COLUMN_BY_NAME: dict[str, Column] = {column.name: column for column in FLAT_COLUMNS}
LANGUAGE_PREFIXES: tuple[str, ...] = tuple(
    column.name for column in PROFILE_COLUMNS if column.kind == LANGUAGE
)
LANGUAGE_FIELD_NAMES: tuple[str, ...] = tuple(LanguageResult.model_fields)

# Every column of a profile, the one schema of every table of profiles: what table_from_profiles
# gives, columns_from_table reads, the synthetic pool builds and the pool stores.
SCHEMA = pa.schema([pa.field(column.name, column.arrow_type) for column in FLAT_COLUMNS])
JOB_TYPE: pa.StructType = SCHEMA.field("work_history").type.value_type
