"""YAML cases that read like the law: every file under tests/rules/cases, every case in it.

A case is {name, date, input (a profile), output (expected sections, lines or error field),
reference}. The cases bracket every effective date of the CRS parameters (the day before and
the day of).
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import yaml

from openentry.rules import default_tree
from openentry.services.scoring import RawProfile, score_profiles

CASES_DIRECTORY = Path(__file__).parent / "cases"


def _plain(value: object) -> object:
    """YAML reads dates as dates; profiles carry them as ISO text, as in JSON."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _cases() -> list[object]:
    found = []
    for path in sorted(CASES_DIRECTORY.rglob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            found.append(pytest.param(case, id=f"{path.relative_to(CASES_DIRECTORY)}::{case['name']}"))
    return found


@pytest.mark.parametrize("case", _cases())
def test_case(case: dict[str, object]) -> None:
    day = case["date"]
    assert isinstance(day, datetime.date)
    assert case["reference"]
    result = score_profiles([RawProfile(_plain(case["input"]))], day, explain=True)[0]
    expected = case["output"]
    assert isinstance(expected, dict)
    if "error" in expected:
        assert result["error"]["field"] == expected["error"]["field"], result  # type: ignore[index]
        return
    assert "error" not in result, result
    for name, value in expected.items():
        if name == "lines":
            assert {line: result["lines"][line] for line in value} == value  # type: ignore[index]
        else:
            assert result[name] == value, (name, result)


def test_every_effective_date_is_bracketed_by_a_case() -> None:
    """Each day the CRS or language rules changed has a case on that day and on the day before."""
    days = {case.values[0]["date"] for case in _cases()}  # type: ignore[attr-defined]
    tree = default_tree()
    changed = {
        day
        for name in tree
        if name.startswith(("crs.", "language."))
        for day in tree[name].effective_dates
        if day != tree.first_day
    }
    missing = sorted(
        day for day in changed if day not in days or day - datetime.timedelta(days=1) not in days
    )
    # The TEF scale is chosen by the result's test date: its cases are dated by test_date instead.
    missing = [day for day in missing if day != datetime.date(2023, 12, 11)]
    assert missing == []
