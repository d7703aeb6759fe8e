"""The fast paths behind ``openentry score`` held equal to the simple ones they replace: JSON Lines
built column by column (``score X.parquet --out Y.jsonl``) against ``json.dumps`` of each
result, NOC prefix tables built by ranges against a scan of the catalogue, and the id check on
a column's bytes against the id's pattern."""

from __future__ import annotations

import datetime
import re
from typing import Any

import numpy as np
import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openentry.profiles import columnar
from openentry.rules.noc import CODE_SPACE, catalogue
from openentry.services.scoring import json_line, result_lines, result_lines_text, score_table
from tests.profiles.test_same_checks import flat_row, table_of
from tests.strategies import profile

ON = datetime.date(2026, 1, 5)
# A job that disagrees with 0 declared years of Canadian work: the row is scored, with a warning.
DISAGREEING_JOB = {
    "noc": "21231",
    "start": "2019-01-07",
    "end": "2024-12-27",
    "hours_per_week": 40.0,
    "in_canada": True,
}
IDS = st.one_of(
    st.none(),
    st.from_regex(r"[A-Za-z0-9._:-]{1,20}", fullmatch=True),
    st.text(min_size=0, max_size=8),  # quotes, backslashes, control characters, accents: refused
)


@st.composite
def rows(draw: st.DrawFn) -> dict[str, Any]:
    drawn: dict[str, Any] = draw(profile(ON))
    drawn["id"] = draw(IDS)
    change = draw(st.sampled_from(["none", "broken", "warning"]))
    if change == "broken":
        drawn["marital_status"] = "single"
    elif change == "warning":
        drawn["canadian_work_years"] = 0
        drawn["work_history"] = [DISAGREEING_JOB]
    return drawn


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rows(), min_size=1, max_size=12), st.booleans(), st.booleans())
def test_json_lines_from_columns_are_json_dumps_of_each_result(
    profiles: list[dict[str, Any]], explain: bool, require_id: bool
) -> None:
    scored = score_table(table_of([flat_row(item) for item in profiles]), ON, require_id=require_id)
    expected = [json_line(item) for item in result_lines(scored, explain)]
    assert result_lines_text(scored, explain).to_pylist() == expected


def _scanned(include: tuple[str, ...], exclude: tuple[str, ...]) -> np.ndarray:
    member = np.zeros(CODE_SPACE, dtype=np.bool_)
    for code in catalogue().occupations:
        if any(code.startswith(prefix) for prefix in include) and not any(
            code.startswith(prefix) for prefix in exclude
        ):
            member[int(code)] = True
    return member


CODES = sorted(catalogue().occupations)
PREFIXES = st.one_of(
    st.sampled_from(CODES).flatmap(lambda code: st.integers(0, 5).map(lambda length: code[:length])),
    st.text("0123456789x", max_size=6),  # not a prefix of any code, or not digits, or too long
)


@settings(max_examples=200, deadline=None)
@given(st.lists(PREFIXES, max_size=5), st.lists(PREFIXES, max_size=4))
def test_noc_prefix_tables_are_the_catalogue_scanned(include: list[str], exclude: list[str]) -> None:
    table = catalogue()
    table._memberships.clear()
    found = table.codes_with_prefixes(include, exclude)
    assert np.array_equal(found, _scanned(tuple(include), tuple(exclude)))


ID_PATTERN = columnar.COLUMN_BY_NAME["id"].constraints.pattern


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.text(max_size=6), st.from_regex(r"[A-Za-z0-9._:-]{1,9}", fullmatch=True))
    )
)
def test_the_id_check_on_bytes_is_the_pattern(texts: list[str | None]) -> None:
    assert ID_PATTERN is not None
    in_class = columnar._class_bytes(ID_PATTERN)
    assert in_class is not None
    array = pa.array(texts, pa.string())
    bad, lengths = columnar._outside_class(array, in_class)
    expected = [text is None or re.fullmatch(ID_PATTERN, text) is None for text in texts]
    assert bad.tolist() == expected
    assert lengths.tolist() == [0 if text is None else len(text.encode()) for text in texts]
