"""Language test results -> CLB/NCLC levels, for whole arrays of results at once.

crs-and-programs.md §2: each ability is looked up separately in the test's equivalency table;
a score below the lowest row is below CLB 4 (level 0 here: no points, no program minimum met);
scores above the top row take the top row. A score that does not exist on the test (IELTS 7.3,
CELPIP 13, TCF writing 25) is an error, never a guess. The table is the one in force on the
result's test date (TEF Canada changed scale on 2023-12-11), or the TEF scale the result names
(``scale``: IRCC's profile form takes TEF results on the old scale, so a result of a test from
2023-12-11 entered as the form takes it says ``"old"``); the test must also be accepted on
the scoring day (PTE Core from 2024-01-30). Results 2 years old or more are flagged: the profile
would no longer be in the pool (MI 2017-1 s. 3(4)); the level is still converted and reported.

The inverse, :func:`lowest_scores`, reads the same tables the same way: for a level, the lowest
score on a result's own test (and table) that converts to it or higher, the score a candidate
needs to reach the level (``openentry whatif`` edits raw results with it).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from openentry.rules import codes
from openentry.rules.periods import years_before
from openentry.rules.snapshot import AbilityScale, LanguageRules, LanguageTable

Levels = NDArray[np.int8]
Flags = NDArray[np.bool_]
Days = NDArray[np.datetime64]

# Tolerance for "is this score on the test's step grid" (IELTS bands are halves).
_GRID_TOLERANCE = 1e-6


@dataclass(frozen=True)
class LanguageResults:
    """Raw results of one kind (first language, second language, spouse) for n candidates.

    ``tests`` holds codes of :data:`codes.LANGUAGE_TESTS` (0: no result); ``scores`` is
    (n, 4) in ABILITIES order; ``test_dates`` is NaT where no date was given; ``scales`` is 0
    where the table follows the test date, else k for :data:`codes.TEF_SCALES` ``[k - 1]``
    (TEF Canada only), ``None`` when no result names a scale.
    """

    tests: NDArray[np.int8]
    scores: NDArray[np.float64]
    test_dates: Days
    scales: NDArray[np.int8] | None = None

    @staticmethod
    def empty(size: int) -> LanguageResults:
        return LanguageResults(
            tests=np.zeros(size, dtype=np.int8),
            scores=np.zeros((size, len(codes.ABILITIES)), dtype=np.float64),
            test_dates=np.full(size, np.datetime64("NaT"), dtype="datetime64[D]"),
        )


@dataclass(frozen=True)
class ConvertedLanguage:
    """Levels (n, 4) and what was wrong with each result."""

    levels: Levels
    invalid_score: Flags  # (n, 4): the score does not exist on the test
    not_accepted: Flags  # the test is not accepted on the test date or the scoring day
    after_scoring_day: Flags  # the result is dated after the scoring day
    expired: Flags  # the result is result_validity_years old or more on the scoring day
    # The result names a TEF scale that did not exist on its test date (the new scale before 2023-12-11).
    scale_not_yet: Flags

    @property
    def has_error(self) -> Flags:
        flags: Flags = (
            self.invalid_score.any(axis=1) | self.not_accepted | self.after_scoring_day | self.scale_not_yet
        )
        return flags


def abilities_array(size: int, dtype: type[np.generic]) -> NDArray[np.generic]:
    """An (n, 4) array in column-major order: each ability is one contiguous column."""
    return np.zeros((len(codes.ABILITIES), size), dtype=dtype).T


def convert_ability(scale: AbilityScale, scores: NDArray[np.float64]) -> tuple[Levels, Flags]:
    """Levels for one ability's scores, and a flag where a score is not on the test's scale.

    A score equal to a point of the scale's grid (nearly every score) reads that point's level
    from :attr:`AbilityScale.grid_levels`, which holds what the step table gives for exactly
    that value; any other score is looked up in the step table itself.
    """
    offsets = (scores - scale.minimum) / scale.step
    nearest = np.rint(offsets)
    on_grid = np.abs(offsets - nearest) <= _GRID_TOLERANCE
    valid = (scores >= scale.minimum) & (scores <= scale.maximum) & on_grid
    # fmin / fmax also send NaN and infinities to a grid point; those scores fail the check below.
    points = np.fmax(np.fmin(nearest, scale.grid.shape[0] - 1), 0).astype(np.intp)
    levels = scale.grid_levels[points]
    off_grid = np.flatnonzero(scores != scale.grid[points])
    if off_grid.size:
        levels[off_grid] = scale.step_levels(scores[off_grid])
    return levels, ~valid


def whole_years_between(start: Days, end: datetime.date) -> NDArray[np.int64]:
    """Whole years from each ``start`` to ``end`` (a birthday or anniversary on ``end`` counts).

    Calendar arithmetic is slow per element, so it runs once per distinct day of the span
    ``start`` covers, and each element reads its day's answer.
    """
    days = np.asarray(start, dtype="datetime64[D]")
    if days.size == 0 or np.isnat(days).any():
        return _whole_years(days, end)
    first, last = days.min(), days.max()
    if int((last - first).astype(np.int64)) >= days.size:
        return _whole_years(days, end)
    span = np.arange(first, last + np.timedelta64(1, "D"), dtype="datetime64[D]")
    result: NDArray[np.int64] = _whole_years(span, end)[(days - first).astype(np.intp)]
    return result


def expired_on(test_dates: Days, day: datetime.date, validity_years: int) -> Flags:
    """Results ``validity_years`` or more old on ``day`` (crs-and-programs.md §2); an undated
    result (NaT) never expires here."""
    oldest_valid = np.datetime64(years_before(day, validity_years), "D")
    flags: Flags = ~np.isnat(test_dates) & (test_dates <= oldest_valid)
    return flags


def _whole_years(start: Days, end: datetime.date) -> NDArray[np.int64]:
    start_years = start.astype("datetime64[Y]")
    years = end.year - (start_years.astype(np.int64) + 1970)
    months = start.astype("datetime64[M]").astype(np.int64) % 12 + 1
    days = (start - start.astype("datetime64[M]")).astype(np.int64) + 1
    not_yet = (end.month < months) | ((end.month == months) & (end.day < days))
    result: NDArray[np.int64] = years - not_yet.astype(np.int64)
    return result


def _tables_by_rows(
    rules: LanguageRules,
    results: LanguageResults,
    scoring_day: datetime.date,
    not_accepted: Flags,
    scale_not_yet: Flags,
) -> Iterator[tuple[NDArray[np.intp], LanguageTable]]:
    """The rows of each (test, table era) group with the table that converts them: the table in
    force on each result's test date (or the TEF scale it names), grouped by test and era. Rows
    whose test is not accepted are flagged in ``not_accepted``, a TEF scale named before it
    existed in ``scale_not_yet``; neither gets a table."""
    day = np.datetime64(scoring_day, "D")
    dated = ~np.isnat(results.test_dates)
    result_days = np.where(dated, results.test_dates, day)
    for test_code, test in enumerate(codes.LANGUAGE_TESTS[1:], start=1):
        rows = np.flatnonzero(results.tests == test_code)
        if rows.size == 0:
            continue
        eras = rules.tests[test]
        if eras[-1].table is None:
            not_accepted[rows] = True
            continue
        starts = np.array([era.effective for era in eras], dtype="datetime64[D]")
        era_index = np.searchsorted(starts, result_days[rows], side="right") - 1
        if results.scales is not None and test == "tef_canada":
            era_index = _named_scale_eras(results.scales[rows], era_index, len(eras), scale_not_yet, rows)
        one_era = era_index.min() == era_index.max()
        for era_code in era_index[:1] if one_era else np.unique(era_index):
            era_rows = rows if one_era else rows[era_index == era_code]
            table = eras[int(era_code)].table if era_code >= 0 else None
            if table is None:
                not_accepted[era_rows] = True
                continue
            yield era_rows, table


def convert(rules: LanguageRules, results: LanguageResults, scoring_day: datetime.date) -> ConvertedLanguage:
    """Convert every result to levels with the table of its test date (grouped by test and era)."""
    size = results.tests.shape[0]
    levels: Levels = abilities_array(size, np.int8)  # type: ignore[assignment]
    invalid: Flags = abilities_array(size, np.bool_)  # type: ignore[assignment]
    not_accepted = np.zeros(size, dtype=np.bool_)
    day = np.datetime64(scoring_day, "D")
    dated = ~np.isnat(results.test_dates)
    after = dated & (results.test_dates > day)
    scale_not_yet = np.zeros(size, dtype=np.bool_)
    for era_rows, table in _tables_by_rows(rules, results, scoring_day, not_accepted, scale_not_yet):
        for ability_code, scale in enumerate(table.abilities):
            # One ability is a 1-D column (contiguous when column-major): gather and scatter in 1-D.
            ability_scores = np.take(results.scores[:, ability_code], era_rows)
            ability_levels, ability_invalid = convert_ability(scale, ability_scores)
            levels[:, ability_code][era_rows] = ability_levels
            invalid[:, ability_code][era_rows] = ability_invalid
    has_result = results.tests != 0
    expired = has_result & expired_on(results.test_dates, scoring_day, rules.result_validity_years)
    problem = invalid.any(axis=1) | not_accepted
    if problem.any():
        levels[problem] = 0
    if scale_not_yet.any():
        levels[scale_not_yet] = 0
    return ConvertedLanguage(
        levels=levels,
        invalid_score=invalid,
        not_accepted=not_accepted,
        after_scoring_day=after,
        expired=expired & ~after,
        scale_not_yet=scale_not_yet & ~after,
    )


def lowest_score_reaching(scale: AbilityScale, levels: NDArray[np.integer]) -> NDArray[np.float64]:
    """The inverse of :func:`convert_ability`: for each level, the lowest score on the scale that
    converts to that level or higher (NaN where no score of the test reaches it).

    The scores of the scale (:attr:`AbilityScale.grid`) and their levels come from the same
    step table as the forward conversion; levels never fall as the score rises, so the lowest
    score reaching a level is the first grid point whose level is not below it.
    """
    positions = np.searchsorted(scale.grid_levels, np.asarray(levels), side="left")
    reachable = positions < scale.grid.shape[0]
    scores: NDArray[np.float64] = np.where(
        reachable, scale.grid[np.minimum(positions, scale.grid.shape[0] - 1)], np.nan
    )
    return scores


def lowest_scores(
    rules: LanguageRules, results: LanguageResults, levels: NDArray[np.integer], scoring_day: datetime.date
) -> NDArray[np.float64]:
    """For each result and ability, the lowest raw score on that result's own test (and table: the
    one :func:`convert` reads it with) that reaches the level in ``levels`` (shape (n, 4), or
    (n, 4, k) for k levels at once): the score a candidate needs for the level. NaN where the
    test has no such score, where there is no result, or where the result cannot be converted on
    ``scoring_day`` (a test not accepted, a TEF scale named before it existed)."""
    size = results.tests.shape[0]
    levels = np.asarray(levels)
    scores = np.full(levels.shape, np.nan, dtype=np.float64)
    not_accepted = np.zeros(size, dtype=np.bool_)
    scale_not_yet = np.zeros(size, dtype=np.bool_)
    for era_rows, table in _tables_by_rows(rules, results, scoring_day, not_accepted, scale_not_yet):
        for ability_code, scale in enumerate(table.abilities):
            scores[era_rows, ability_code] = lowest_score_reaching(scale, levels[era_rows, ability_code])
    scores[scale_not_yet] = np.nan
    return scores


def _named_scale_eras(
    scales: NDArray[np.int8],
    by_date: NDArray[np.intp],
    era_count: int,
    scale_not_yet: Flags,
    rows: NDArray[np.intp],
) -> NDArray[np.intp]:
    """TEF eras: the era a result names (scale k is era k - 1 of ``language.tef_canada``, see
    :data:`codes.TEF_SCALES`), else the era of its test date. A named scale later than the test
    date's era (the new scale for a test before 2023-12-11) is flagged in ``scale_not_yet``."""
    named = scales.astype(np.intp) - 1
    has_name = named >= 0
    scale_not_yet[rows[has_name & ((named > by_date) | (named >= era_count))]] = True
    chosen: NDArray[np.intp] = np.where(has_name, np.minimum(named, by_date), by_date)
    return chosen


_FRENCH = np.array([test in codes.FRENCH_TESTS for test in codes.LANGUAGE_TESTS])
_ENGLISH = np.array([test in codes.ENGLISH_TESTS for test in codes.LANGUAGE_TESTS])


def is_french(tests: NDArray[np.int8]) -> Flags:
    flags: Flags = np.take(_FRENCH, tests)
    return flags


def is_english(tests: NDArray[np.int8]) -> Flags:
    flags: Flags = np.take(_ENGLISH, tests)
    return flags
