"""Calendar shortcuts of the columnar path agree with whole years counted day by day."""

from __future__ import annotations

import datetime

import numpy as np
import pytest

from openentry.rules.language import _whole_years, whole_years_between
from openentry.rules.periods import years_before

ENDS = [
    datetime.date(2024, 2, 29),
    datetime.date(2025, 2, 28),
    datetime.date(2025, 3, 1),
    datetime.date(2026, 11, 21),
    datetime.date(2028, 12, 31),
    datetime.date(2027, 1, 1),
]


@pytest.mark.parametrize("end", ENDS)
@pytest.mark.parametrize("years", [0, 1, 2, 3, 4, 10])
def test_years_before_is_the_last_day_with_that_many_whole_years(end: datetime.date, years: int) -> None:
    boundary = np.datetime64(years_before(end, years), "D")
    days = boundary + np.arange(-3, 4)
    counted = _whole_years(days, end)
    assert list(counted >= years) == [True] * 4 + [False] * 3


@pytest.mark.parametrize("end", ENDS)
def test_whole_years_between_reads_each_distinct_day_like_the_day_by_day_formula(end: datetime.date) -> None:
    rng = np.random.default_rng(3)
    spread = (np.datetime64("1940-01-01") + rng.integers(0, 40_000, 5_000)).astype("datetime64[D]")
    narrow = (np.datetime64(end, "D") - rng.integers(-800, 800, 5_000)).astype("datetime64[D]")
    for days in (spread, narrow, narrow[:3]):
        assert np.array_equal(whole_years_between(days, end), _whole_years(days, end))
