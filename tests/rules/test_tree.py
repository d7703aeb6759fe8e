"""The parameter loader refuses a malformed tree, naming the file and what is wrong."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from openentry import rules
from openentry.rules.tree import ParameterError, load_tree

GOOD = """description: a quantity
unit: points
reference:
  2015-01-01: source A
  2016-11-19: source B
values:
  2015-01-01: 600
  2016-11-19: 200
"""


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_a_value_is_the_newest_not_after_the_day(tmp_path: Path) -> None:
    tree = load_tree(_tree(tmp_path, {"crs/offer.yaml": GOOD}))
    parameter = tree["crs.offer"]
    assert parameter.value_at(datetime.date(2016, 11, 18)) == 600
    assert parameter.value_at(datetime.date(2016, 11, 19)) == 200
    assert parameter.entry_at(datetime.date(2030, 1, 1)).reference == "source B"
    with pytest.raises(ParameterError, match="no value before 2015-01-01"):
        parameter.value_at(datetime.date(2014, 12, 31))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD.replace("unit: points\n", ""), "missing keys \\['unit'\\]"),
        (GOOD.replace("  2016-11-19: source B\n", ""), "value of 2016-11-19 has no reference"),
        (
            GOOD.replace("  2015-01-01: 600\n  2016-11-19: 200\n", "  2016-11-19: 200\n  2015-01-01: 600\n"),
            "effective dates must increase",
        ),
        (GOOD + "extra: 1\n", "unknown keys \\['extra'\\]"),
        (
            GOOD.replace("  2015-01-01: source A\n", "  2015-01-01: source A\n  2017-01-01: orphan\n"),
            "references for dates with no value",
        ),
        (GOOD.replace("values:\n  2015-01-01", "values:\n  2015-13-01"), "not a date"),
    ],
)
def test_a_malformed_file_is_refused(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        load_tree(_tree(tmp_path, {"crs/offer.yaml": text}))


def test_every_file_starts_on_the_same_first_day(tmp_path: Path) -> None:
    late = GOOD.replace("  2015-01-01: source A\n", "").replace("  2015-01-01: 600\n", "")
    with pytest.raises(ParameterError, match=r"crs\.late \(2016-11-19\)"):
        load_tree(_tree(tmp_path, {"crs/offer.yaml": GOOD, "crs/late.yaml": late}))


def test_the_package_tree_is_valid_and_its_version_is_stable() -> None:
    tree = rules.default_tree()
    snapshot = rules.at(datetime.date(2026, 1, 5))
    # The era is the newest day any rule changed (the physicians category, 2025-12-08).
    assert snapshot.era == datetime.date(2025, 12, 8)
    assert snapshot.version == {"effective": "2025-12-08", "parameters_sha256": tree.digest[:16]}
    assert load_tree().digest == tree.digest
    assert rules.at(datetime.date(2020, 10, 27)).crs.additional.bilingual == 50
    assert rules.at(datetime.date(2020, 10, 26)).crs.additional.bilingual == 30
    with pytest.raises(ValueError, match="read-only"):
        snapshot.crs.core.age[0, 20] = 0
