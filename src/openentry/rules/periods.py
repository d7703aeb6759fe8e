"""Calendar periods the rules count in: whole months after a moment, whole years before a day.

A profile leaves the pool 12 months after it was submitted (MI 2017-1 s.4(1)), counted in calendar
months here so that the pool and the replay of published rounds agree to the second. A language
result is valid for 2 years (crs-and-programs.md §2) and work counts inside windows of years
(§3): both step back whole years with :func:`years_before`.
"""

from __future__ import annotations

import datetime

import numpy as np
from numpy.typing import NDArray


def years_before(end: datetime.date, years: int) -> datetime.date:
    """The latest day from which ``years`` whole years have passed on ``end``: ``end`` that many
    years earlier, 29 February as 28 February."""
    try:
        return end.replace(year=end.year - years)
    except ValueError:
        return end.replace(year=end.year - years, day=end.day - 1)


def add_months(moments: NDArray[np.datetime64], months: int) -> NDArray[np.datetime64]:
    """``moments`` plus whole calendar months (a day past the month's end rolls into the next)."""
    month_start = moments.astype("datetime64[M]")
    offset = moments - month_start.astype(moments.dtype)
    shifted = (month_start + np.timedelta64(months, "M")).astype(moments.dtype)
    return np.asarray(shifted + offset, dtype=moments.dtype)  # type: ignore[operator]


def utc_moment64(moment: datetime.datetime | None) -> np.datetime64:
    """An aware moment as a naive UTC ``datetime64[us]``, the form the pool's arrays hold; None
    (a moment not known) as NaT, which no comparison finds true."""
    if moment is None:
        return np.datetime64("NaT", "us")
    return np.datetime64(moment.astimezone(datetime.UTC).replace(tzinfo=None), "us")
