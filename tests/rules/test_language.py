"""Language results -> CLB/NCLC levels (crs-and-programs.md §2), at every table edge.

The expected edges are typed here from the spec's tables, not read from the YAML parameters, so
that a wrong parameter file fails. For each test and ability: the lowest score of CLB/NCLC 4..10
gives that level, one step below gives the level under it. Date rules (TEF Canada's two scales,
PTE Core's acceptance day, results after the scoring day, the 2-year validity) go through the
scoring service and are checked with their exact field paths.
"""

from __future__ import annotations

import datetime
from typing import Any

import numpy as np
import pytest

from openentry.rules import at, codes
from openentry.rules.language import LanguageResults, convert
from openentry.services.scoring import RawProfile, score_profiles

ABILITIES = ("reading", "writing", "listening", "speaking")
LEVELS = (4, 5, 6, 7, 8, 9, 10)

# Lowest score of CLB/NCLC 4, 5, 6, 7, 8, 9, 10 per ability (spec §2.1-§2.6), the step of the
# test's scale, what a score one step under the CLB 4 edge reads as (the tables with a CLB 3 row
# give 3; the others "below CLB 4", level 0), a test date and a scoring day the table applies on.
EDGES: dict[str, dict[str, Any]] = {
    "celpip": {  # §2.1: CELPIP level = CLB level
        "edges": {ability: (4, 5, 6, 7, 8, 9, 10) for ability in ABILITIES},
        "step": 1,
        "below_4": 0,
    },
    "ielts": {  # §2.2: minimum band for the level
        "edges": {
            "reading": (3.5, 4.0, 5.0, 6.0, 6.5, 7.0, 8.0),
            "writing": (4.0, 5.0, 5.5, 6.0, 6.5, 7.0, 7.5),
            "listening": (4.5, 5.0, 5.5, 6.0, 7.5, 8.0, 8.5),
            "speaking": (4.0, 5.0, 5.5, 6.0, 6.5, 7.0, 7.5),
        },
        "step": 0.5,
        "below_4": 0,
    },
    "pte_core": {  # §2.3 (the table has a CLB 3 row)
        "edges": {
            "reading": (33, 42, 51, 60, 69, 78, 88),
            "writing": (41, 51, 60, 69, 79, 88, 90),
            "listening": (28, 39, 50, 60, 71, 82, 89),
            "speaking": (42, 51, 59, 68, 76, 84, 89),
        },
        "step": 1,
        "below_4": 3,
    },
    "tef_canada_new": {  # §2.4: results on or after 2023-12-11, scale 0-699
        "test": "tef_canada",
        "edges": {
            "reading": (306, 352, 393, 434, 462, 503, 546),
            "writing": (268, 330, 379, 428, 472, 512, 558),
            "listening": (306, 352, 393, 434, 462, 503, 546),
            "speaking": (328, 387, 422, 456, 494, 518, 556),
        },
        "step": 1,
        "below_4": 0,
        "test_date": "2024-03-01",
    },
    "tef_canada_old": {  # §2.5: results before 2023-12-11 (reading 0-300, listening 0-360, 0-450)
        "test": "tef_canada",
        "edges": {
            "reading": (121, 151, 181, 207, 233, 248, 263),
            "writing": (181, 226, 271, 310, 349, 371, 393),
            "listening": (145, 181, 217, 249, 280, 298, 316),
            "speaking": (181, 226, 271, 310, 349, 371, 393),
        },
        "step": 1,
        "below_4": 0,
        "test_date": "2023-06-01",
    },
    "tcf_canada": {  # §2.6 (writing and speaking out of 20)
        "edges": {
            "reading": (342, 375, 406, 453, 499, 524, 549),
            "writing": (4, 6, 7, 10, 12, 14, 16),
            "listening": (331, 369, 398, 458, 503, 523, 549),
            "speaking": (4, 6, 7, 10, 12, 14, 16),
        },
        "step": 1,
        "below_4": 0,
    },
    "clb": {"edges": {ability: LEVELS for ability in ABILITIES}, "step": 1, "below_4": 3},
    "nclc": {"edges": {ability: LEVELS for ability in ABILITIES}, "step": 1, "below_4": 3},
}
# A score of the same test at CLB/NCLC 7, for the abilities not under test.
FILLER_LEVEL_INDEX = LEVELS.index(7)
SCORING_DAY = datetime.date(2024, 6, 1)


def _results(test: str, rows: list[list[float]], test_date: str | None) -> LanguageResults:
    size = len(rows)
    dates = np.full(
        size, np.datetime64(test_date) if test_date else np.datetime64("NaT"), dtype="datetime64[D]"
    )
    return LanguageResults(
        tests=np.full(size, codes.LANGUAGE_TESTS.index(test), dtype=np.int8),
        scores=np.array(rows, dtype=np.float64),
        test_dates=dates,
    )


@pytest.mark.parametrize("ability", ABILITIES)
@pytest.mark.parametrize("table", list(EDGES))
def test_every_level_edge_and_one_step_below(table: str, ability: str) -> None:
    spec = EDGES[table]
    test = spec.get("test", table)
    edges = spec["edges"]
    filler = [edges[other][FILLER_LEVEL_INDEX] for other in ABILITIES]
    column = ABILITIES.index(ability)
    rows: list[list[float]] = []
    expected: list[int] = []
    for level, edge in zip(LEVELS, edges[ability], strict=True):
        at_edge = list(filler)
        at_edge[column] = edge
        below = list(filler)
        below[column] = edge - spec["step"]
        rows += [at_edge, below]
        expected += [level, level - 1 if level > 4 else spec["below_4"]]
    converted = convert(at(SCORING_DAY).language, _results(test, rows, spec.get("test_date")), SCORING_DAY)
    assert not converted.has_error.any()
    assert not converted.invalid_score.any()
    assert converted.levels[:, column].tolist() == expected
    others = [index for index in range(4) if index != column]
    assert (converted.levels[:, others] == 7).all()


@pytest.mark.parametrize(
    ("test", "score", "level", "test_date"),
    [
        ("celpip", 11, 10, None),
        ("celpip", 12, 10, None),
        ("ielts", 9.0, 10, None),
        ("pte_core", 90, 10, None),
        ("tef_canada", 699, 10, "2024-03-01"),
        ("tef_canada", 300, 10, "2023-06-01"),
        ("tcf_canada", (699, 20, 699, 20), 10, None),  # reading/listening on 100-699, the others /20
        ("clb", 12, 12, None),
        ("nclc", 0, 0, None),
    ],
)
def test_top_and_bottom_of_each_scale(
    test: str, score: float | tuple[float, ...], level: int, test_date: str | None
) -> None:
    row = list(score) if isinstance(score, tuple) else [score] * 4
    converted = convert(at(SCORING_DAY).language, _results(test, [row], test_date), SCORING_DAY)
    if test == "tef_canada" and test_date == "2023-06-01":
        assert converted.levels[0, 0] == level  # reading tops out at 300 on the old scale
    else:
        assert converted.levels[0].tolist() == [level] * 4
    assert not converted.has_error.any()


# --- through the scoring service --------------------------------------------------------------


def _profile(first_language: dict[str, Any]) -> dict[str, Any]:
    return {
        "age": 29,
        "marital_status": "never_married",
        "education": "bachelors",
        "first_language": first_language,
    }


def _score(first_language: dict[str, Any], day: datetime.date) -> dict[str, Any]:
    return score_profiles([RawProfile(_profile(first_language))], day, explain=True)[0]


def _error(first_language: dict[str, Any], day: datetime.date) -> dict[str, str]:
    result = _score(first_language, day)
    assert set(result) == {"id", "error"}, result
    error: dict[str, str] = result["error"]
    return error


OFF_SCALE = [
    # (result, ability, the score, a substring naming the scale: its step or its maximum)
    pytest.param(
        {"test": "ielts", "reading": 7.3, "writing": 7, "listening": 8, "speaking": 7},
        "reading",
        "7.3",
        "0.5",
        id="ielts-7.3",
    ),
    pytest.param(
        {"test": "celpip", "reading": 9, "writing": 9, "listening": 13, "speaking": 9},
        "listening",
        "13",
        "12",
        id="celpip-13",
    ),
    pytest.param(
        {"test": "tcf_canada", "reading": 500, "writing": 25, "listening": 500, "speaking": 12},
        "writing",
        "25",
        "20",
        id="tcf-writing-25",
    ),
    pytest.param(
        {
            "test": "pte_core",
            "reading": 80,
            "writing": 80,
            "listening": 80,
            "speaking": 91,
            "test_date": "2024-03-01",
        },
        "speaking",
        "91",
        "90",
        id="pte-91",
    ),
    pytest.param(
        {
            "test": "tef_canada",
            "reading": 301,
            "writing": 300,
            "listening": 300,
            "speaking": 300,
            "test_date": "2023-06-01",
        },
        "reading",
        "301",
        "300",
        id="tef-old-reading-301",
    ),
]


@pytest.mark.parametrize(("result", "ability", "given", "scale"), OFF_SCALE)
def test_score_off_the_scale_is_an_error_on_its_ability(
    result: dict[str, Any], ability: str, given: str, scale: str
) -> None:
    error = _error(result, SCORING_DAY)
    assert error["field"] == f"first_language.{ability}"
    assert given in error["message"]
    assert result["test"] in error["message"]


@pytest.mark.parametrize(("result", "ability", "given", "scale"), OFF_SCALE)
def test_score_off_the_scale_message_says_what_is_allowed(
    result: dict[str, Any], ability: str, given: str, scale: str
) -> None:
    """schema.py's rule: every error is one sentence that says what is allowed."""
    message = _error(result, SCORING_DAY)["message"]
    assert scale in message.replace(given, ""), message


def test_tef_canada_scale_follows_the_test_date() -> None:
    """Writing 300: old scale 271-309 -> NCLC 6 (before 2023-12-11); new scale 268-329 -> NCLC 4."""
    scores = {"test": "tef_canada", "reading": 250, "writing": 300, "listening": 300, "speaking": 300}
    rows = [[250, 300, 300, 300]]
    rules = at(SCORING_DAY).language
    old = convert(rules, _results("tef_canada", rows, "2023-12-10"), SCORING_DAY)
    new = convert(rules, _results("tef_canada", rows, "2023-12-11"), SCORING_DAY)
    # old: reading 250 (248-262) -> 9, writing 300 -> 6, listening 300 (298-315) -> 9, speaking 300 -> 6
    assert old.levels[0].tolist() == [9, 6, 9, 6]
    # new: reading 250, listening 300 < 306 and speaking 300 < 328 -> below NCLC 4; writing 300 -> 4
    assert new.levels[0].tolist() == [0, 4, 0, 0]

    # The same through the scorer (without spouse, §1.4): 31 + 9 + 31 + 9 = 80 and 0 + 6 + 0 + 0 = 6.
    before = _score({**scores, "test_date": "2023-12-10"}, SCORING_DAY)
    after = _score({**scores, "test_date": "2023-12-11"}, SCORING_DAY)
    assert before["lines"]["core.first_language"] == 80
    assert after["lines"]["core.first_language"] == 6


PTE = {"test": "pte_core", "reading": 80, "writing": 80, "listening": 80, "speaking": 80}


@pytest.mark.parametrize(
    ("test_date", "day"),
    [
        ("2024-01-29", datetime.date(2024, 6, 1)),  # taken before acceptance, scored after
        ("2024-01-29", datetime.date(2024, 1, 29)),
        ("2024-01-10", datetime.date(2024, 1, 29)),  # scored the day before acceptance
        (None, datetime.date(2024, 1, 29)),
    ],
)
def test_pte_core_before_2024_01_30_is_not_accepted(test_date: str | None, day: datetime.date) -> None:
    result = dict(PTE, test_date=test_date) if test_date else dict(PTE)
    error = _error(result, day)
    assert error["field"] == "first_language.test"
    assert "pte_core" in error["message"]
    assert "not accepted" in error["message"]


@pytest.mark.parametrize("test_date", ["2024-01-30", None])
def test_pte_core_from_2024_01_30_is_accepted(test_date: str | None) -> None:
    result = dict(PTE, test_date=test_date) if test_date else dict(PTE)
    scored = _score(result, datetime.date(2024, 1, 30))
    assert "error" not in scored, scored
    # PTE 80: reading 78-87 -> 9, writing 79-87 -> 8, listening 71-81 -> 8, speaking 76-83 -> 8
    # without spouse: 31 + 23 + 23 + 23 = 100
    assert scored["lines"]["core.first_language"] == 100


def test_result_dated_after_the_scoring_day_is_an_error() -> None:
    error = _error(
        {"test": "clb", "reading": 9, "writing": 9, "listening": 9, "speaking": 9, "test_date": "2026-01-06"},
        datetime.date(2026, 1, 5),
    )
    assert error["field"] == "first_language.test_date"
    assert "2026-01-06" in error["message"]
    assert "after the scoring date 2026-01-05" in error["message"]


CLB9 = {"test": "clb", "reading": 9, "writing": 9, "listening": 9, "speaking": 9}


def test_result_exactly_two_years_old_is_scored_with_a_warning() -> None:
    scored = _score({**CLB9, "test_date": "2024-01-05"}, datetime.date(2026, 1, 5))
    assert "error" not in scored, scored
    assert scored["lines"]["core.first_language"] == 124  # 31 x 4
    assert scored["total"] == 379  # 110 + 120 + 124 + transferability 25
    warnings = scored["warnings"]
    assert [warning["field"] for warning in warnings] == ["first_language.test_date"]
    assert "2 years old" in warnings[0]["message"]


def test_result_one_day_less_than_two_years_old_has_no_warning() -> None:
    scored = _score({**CLB9, "test_date": "2024-01-06"}, datetime.date(2026, 1, 5))
    assert "error" not in scored, scored
    assert "warnings" not in scored
    assert scored["lines"]["core.first_language"] == 124
