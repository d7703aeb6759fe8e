"""The inverse of the language conversion (rules/language.py ``lowest_scores``): for a level, the
lowest score on a result's own test that reaches it, read from the same tables as the forward
conversion (crs-and-programs.md §2)."""

from __future__ import annotations

import datetime

import numpy as np
import pytest

from openentry import rules
from openentry.rules import codes, language
from openentry.rules.language import LanguageResults

ON = datetime.date(2026, 1, 5)


def _results(test: str, test_date: str | None = None, scale: int = 0) -> LanguageResults:
    return LanguageResults(
        tests=np.array([codes.LANGUAGE_TESTS.index(test)], dtype=np.int8),
        scores=np.zeros((1, 4)),
        test_dates=np.array([test_date or "NaT"], dtype="datetime64[D]"),
        scales=np.array([scale], dtype=np.int8) if scale else None,
    )


def _lowest(test: str, level: int, test_date: str | None = None, scale: int = 0) -> list[float]:
    snapshot = rules.at(ON)
    levels = np.full((1, 4), level, dtype=np.int8)
    scores = language.lowest_scores(snapshot.language, _results(test, test_date, scale), levels, ON)
    return scores[0].tolist()


@pytest.mark.parametrize(
    ("test", "level", "test_date", "expected"),
    [
        # §2.2 IELTS minimum bands (reading, writing, listening, speaking).
        ("ielts", 10, None, [8.0, 7.5, 8.5, 7.5]),
        ("ielts", 9, None, [7.0, 7.0, 8.0, 7.0]),
        ("ielts", 7, None, [6.0, 6.0, 6.0, 6.0]),
        ("ielts", 4, None, [3.5, 4.0, 4.5, 4.0]),
        # §2.1 CELPIP level = CLB level.
        ("celpip", 9, None, [9.0, 9.0, 9.0, 9.0]),
        # §2.3 PTE Core lowest scores of CLB 9.
        ("pte_core", 9, "2025-01-01", [78.0, 88.0, 82.0, 84.0]),
        # §2.4 TEF Canada, a test from 2023-12-11 (new scale), NCLC 7.
        ("tef_canada", 7, "2025-05-01", [434.0, 428.0, 434.0, 456.0]),
        # §2.5 TEF Canada, a test before 2023-12-11 (old scale), NCLC 9.
        ("tef_canada", 9, "2023-06-01", [248.0, 371.0, 298.0, 371.0]),
        # §2.6 TCF Canada NCLC 10 and above.
        ("tcf_canada", 10, None, [549.0, 16.0, 549.0, 16.0]),
        # Levels given directly.
        ("clb", 8, None, [8.0, 8.0, 8.0, 8.0]),
        ("nclc", 5, None, [5.0, 5.0, 5.0, 5.0]),
    ],
)
def test_lowest_score_of_each_table(
    test: str, level: int, test_date: str | None, expected: list[float]
) -> None:
    assert _lowest(test, level, test_date) == expected


def test_a_tef_result_on_the_scale_it_names() -> None:
    # A test of 2025-05-01 entered on the old scale (scale code 1 = "old"): §2.5's NCLC 9 row.
    assert _lowest("tef_canada", 9, "2025-05-01", scale=1) == [248.0, 371.0, 298.0, 371.0]


def test_a_level_above_the_top_row_is_out_of_reach() -> None:
    # IELTS's table stops at CLB 10 ("or above"): no band gives CLB 11.
    assert all(np.isnan(_lowest("ielts", 11)))


def test_no_result_has_no_score() -> None:
    snapshot = rules.at(ON)
    scores = language.lowest_scores(snapshot.language, LanguageResults.empty(1), np.full((1, 4), 7), ON)
    assert np.isnan(scores).all()


def test_several_levels_at_once() -> None:
    snapshot = rules.at(ON)
    levels = np.broadcast_to(np.array([7, 9, 10], dtype=np.int8), (1, 4, 3))
    scores = language.lowest_scores(snapshot.language, _results("ielts"), levels, ON)
    assert scores[0, 1].tolist() == [6.0, 7.0, 7.5]  # writing: CLB 7, 9, 10


def test_inverse_of_the_forward_conversion_on_every_table() -> None:
    """For every test, era, ability and level of every table in force on any day of the rules:
    the lowest score converts to the level or higher, and the score one step below it (when it
    exists) converts below the level."""
    tree = rules.default_tree()
    checked = 0
    for day in tree.effective_dates():
        for test, eras in rules.at(day).language.tests.items():
            for era in eras:
                if era.table is None:
                    continue
                for scale in era.table.abilities:
                    for level in range(1, 13):
                        lowest = language.lowest_score_reaching(scale, np.array([level]))[0]
                        if np.isnan(lowest):
                            assert scale.grid_levels.max() < level, (test, level)
                            continue
                        checked += 1
                        forward, invalid = language.convert_ability(scale, np.array([lowest]))
                        assert not invalid[0] and forward[0] >= level, (test, era.effective, level)
                        below = lowest - scale.step
                        if below >= scale.minimum:
                            forward_below, _ = language.convert_ability(scale, np.array([below]))
                            assert forward_below[0] < level, (test, era.effective, level)
    assert checked > 500
