"""One description, the same checks: a profile refused by JSON is refused by Parquet with the same
field path and message, and the other rows of the file are still scored (interfaces.md §1, §2).

Every field-level case of tests/cli/test_score_errors.py (and the defects of issue 9: ids with
spaces, accents or 200 characters, a NOC "99999x", a province "XX", an integer 2 for a flag,
text for a number, NaN and infinities, 500 hours a week, a submitted_at before Express Entry,
a birth date in 1800) is written as a one-row column table the way a Parquet writer would type
it, and checked against what the JSON path says for the same profile.
"""

from __future__ import annotations

import datetime
import math
from typing import Any

import pyarrow as pa
import pytest

from openentry.profiles.columnar import LANGUAGE_PREFIXES, REQUIRED_COLUMNS, SCHEMA
from openentry.services.scoring import RawProfile, result_lines, score_profiles, score_table
from tests.cli.test_score_errors import (
    CASES,
    VALID_1,
    VALID_1_SCORE,
    VALID_2,
    VALID_2_SCORE,
    Case,
    broken,
    job,
)

ON = datetime.date(2026, 1, 5)


def flat_row(profile: dict[str, Any]) -> dict[str, Any]:
    """A JSON profile as one row of flat columns (language results spread over their columns)."""
    row: dict[str, Any] = {}
    for name, value in profile.items():
        if name in LANGUAGE_PREFIXES and isinstance(value, dict):
            for key, item in value.items():
                row[f"{name}_{key}"] = item
        elif name in LANGUAGE_PREFIXES and value is None:
            continue
        else:
            row[f"{name}"] = value
    return row


def table_of(rows: list[dict[str, Any]]) -> pa.Table:
    """Rows as a table whose columns are every key of any row, typed by Arrow's inference."""
    names = list(dict.fromkeys(name for row in rows for name in row))
    return pa.table({name: pa.array([row.get(name) for row in rows]) for name in names})


def batch_table(profile: dict[str, Any]) -> tuple[pa.Table, int]:
    """The profile between the two valid ones as a column table typed by Arrow's inference (as a
    Parquet writer would type it), and its row. A value whose type no column of the valid rows
    can hold goes in a table of its own, with the required columns the valid rows would bring."""
    rows = [flat_row(VALID_1), flat_row(profile), flat_row(VALID_2)]
    valid = table_of([rows[0], rows[2]]).schema
    try:
        table = table_of(rows)
        if all(
            valid.field(name).type in (pa.null(), table.schema.field(name).type)
            for name in table.column_names
            if name in valid.names
        ):
            return table, 1
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        pass
    alone = table_of([rows[1]])
    for name in (*REQUIRED_COLUMNS, "age"):
        if name not in alone.column_names:
            alone = alone.append_column(name, pa.nulls(1, SCHEMA.field(name).type))
    return alone, 0


def json_error(profile: dict[str, Any]) -> tuple[str, str]:
    result = score_profiles([RawProfile(profile)], ON, require_id=True)[0]
    error = result["error"]
    return error["field"], error["message"]


def columnar_results(profile: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    table, row = batch_table(profile)
    return list(result_lines(score_table(table, ON, require_id=True))), row


# Cases with no column form: a JSON type no column can hold (an object or a list where a scalar
# goes, a language result that is not an object), or a difference between absent and null that
# a column cannot show (null is absent in a column).
NO_COLUMN_FORM = {
    "first_language-wrong-type",
    "first_language-null",
    "second_language-wrong-type",
    "spouse_language-wrong-type",
    "first_language.writing-wrong-type",  # a list where a number goes
    "first_language.speaking-wrong-type",  # null: absent in a column ("required" there too)
    "provinces_of_interest-wrong-type",  # a text where a list goes
    "work_history-wrong-type",
    "work_history-job-wrong-type",
    "first_language-unknown-key",  # an unknown column is an error for the whole table
    "unknown-field",
    "submitted_at-wrong-type-number",  # a number is not a date: the whole column is refused
    "birth_date-wrong-type-number",
    "first_language.test_date-wrong-type-number",
    "submitted_at-wrong-type",
    "birth_date-wrong-type",
    "first_language.test_date-wrong-type",
    "work_history.start-wrong-type",
    "work_history.end-wrong-type",
    "submitted_at-not-a-date",
    "birth_date-not-a-date",
    "first_language.test_date-not-a-date",
    "work_history.start-not-a-date",
    "submitted_at-no-offset",
    "first_language-missing",
    "id-missing-in-batch",
}

ISSUE_CASES = [
    Case("id-with-a-space", broken(id="candidate 12"), "id"),
    Case("id-with-an-accent", broken(id="andré"), "id"),
    Case("id-of-200-characters", broken(id="x" * 200), "id"),
    Case("primary_noc-with-a-letter", broken(primary_noc="99999x"), "primary_noc"),
    Case("province-XX", broken(provinces_of_interest=["XX"]), "provinces_of_interest[0]"),
    Case("flag-as-integer-2", broken(sibling_in_canada=2), "sibling_in_canada"),
    Case("number-as-text", broken(canadian_work_years="3"), "canadian_work_years"),
    Case("funds-as-text", broken(settlement_funds_cad="12000"), "settlement_funds_cad"),
    Case("funds-nan", broken(settlement_funds_cad=math.nan), "settlement_funds_cad"),
    Case("funds-infinite", broken(settlement_funds_cad=math.inf), "settlement_funds_cad"),
    Case(
        "score-nan",
        broken(first_language={**VALID_1["first_language"], "reading": math.nan}),
        "first_language.reading",
    ),
    Case(
        "score-infinite",
        broken(first_language={**VALID_1["first_language"], "writing": -math.inf}),
        "first_language.writing",
    ),
    Case("hours-500", broken(work_history=[job(hours_per_week=500.0)]), "work_history[0].hours_per_week"),
    Case("job-noc-with-a-letter", broken(work_history=[job(noc="12a45")]), "work_history[0].noc"),
    Case("submitted-before-express-entry", broken(submitted_at="2014-12-31T23:59:59Z"), "submitted_at"),
    Case("born-in-1800", broken(age=None, birth_date="1800-01-01"), "birth_date"),
]


def _columnar_cases() -> list[Any]:
    return [pytest.param(case, id=case.name) for case in CASES if case.name not in NO_COLUMN_FORM] + [
        pytest.param(case, id=case.name) for case in ISSUE_CASES
    ]


def _without_nulls(profile: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in profile.items() if value is not None}


@pytest.mark.parametrize("case", _columnar_cases())
def test_a_value_refused_by_json_is_refused_by_columns_with_the_same_words(case: Case) -> None:
    profile = _without_nulls(case.profile)
    field, message = json_error(profile)
    assert field == case.field
    results, row = columnar_results(profile)
    assert results[row] == {
        "id": profile.get("id") if isinstance(profile.get("id"), str) else None,
        "error": {"field": field, "message": message},
    }
    if row == 1:  # the valid rows around it keep their exact scores
        assert results[0] == VALID_1_SCORE
        assert results[2] == VALID_2_SCORE
