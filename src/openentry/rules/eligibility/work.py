"""Facts to factors: hours of work from a work history, on a day, inside a window.

"1,560 hours total / 30 hours per week for 12 months ... For part-time work, you can work more or
less than 15 hours/week as long as it adds up to 1,560 hours ... We don't count any hours you
work above 30 hours/week" (canada.ca, Federal Skilled Workers; crs-and-programs.md §3.1). A job
counts ``min(hours_per_week, full_time) * days / 7`` hours for the days it falls inside the window
(both ends inclusive); an ongoing job runs to the day. Jobs are flat arrays with the row of
their candidate (``owner``); sums are ``np.bincount`` over owners, never a loop over candidates.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from openentry.rules.noc import CODE_SPACE
from openentry.rules.periods import years_before

Flags = NDArray[np.bool_]
Hours = NDArray[np.float64]
DAYS_PER_WEEK = 7
# Hours are sums of fractions of weeks: compare with a tolerance well below one minute.
HOURS_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Jobs:
    """The jobs of n candidates, flattened: one entry per job, ``owner`` = the candidate's row."""

    owner: NDArray[np.int64]
    noc: NDArray[np.int64]  # five-digit code as an integer
    start: NDArray[np.datetime64]
    end: NDArray[np.datetime64]  # NaT: ongoing
    hours_per_week: Hours
    in_canada: Flags
    self_employed: Flags
    full_time_student: Flags

    @property
    def size(self) -> int:
        return int(self.owner.shape[0])


def window_start(day: datetime.date, years: int) -> datetime.date:
    """First day of the window of ``years`` years ending on ``day`` (inclusive)."""
    return years_before(day, years) + datetime.timedelta(days=1)


def hours_in_window(jobs: Jobs, day: datetime.date, years: int, full_time_hours_per_week: int) -> Hours:
    """Hours each job counts inside the ``years`` years up to ``day``, weekly hours capped at full time."""
    first = np.datetime64(window_start(day, years), "D")
    last = np.datetime64(day, "D")
    ends = np.where(np.isnat(jobs.end), last, np.minimum(jobs.end, last))
    starts = np.maximum(jobs.start, first)
    days = np.maximum((ends - starts).astype(np.int64) + 1, 0)
    weekly = np.minimum(jobs.hours_per_week, full_time_hours_per_week)
    hours: Hours = days * weekly / DAYS_PER_WEEK
    return hours


def total_hours(jobs: Jobs, hours: Hours, selected: Flags, size: int) -> Hours:
    """Per candidate: the sum of ``hours`` over selected jobs (part-time adds up)."""
    # With weights, bincount gives float64 (the stubs say intp); asarray states the dtype, no copy.
    sums = np.asarray(
        np.bincount(jobs.owner[selected], weights=hours[selected], minlength=size), dtype=np.float64
    )
    return sums


@dataclass(frozen=True)
class BestOccupation:
    """Per candidate: the most hours in a single occupation, and that occupation (-1: none)."""

    hours: Hours
    noc: NDArray[np.int64]


def _best_by_group(
    owner: NDArray[np.int64], noc: NDArray[np.int64], sums: Hours, size: int
) -> BestOccupation:
    order = np.lexsort((sums, owner))
    best_hours = np.zeros(size, dtype=np.float64)
    best_noc = np.full(size, -1, dtype=np.int64)
    if order.size:
        # The last entry of each owner in (owner, sums) order is that owner's largest sum.
        last = np.r_[owner[order][1:] != owner[order][:-1], True]
        chosen = order[last]
        best_hours[owner[chosen]] = sums[chosen]
        best_noc[owner[chosen]] = noc[chosen]
    return BestOccupation(best_hours, best_noc)


def best_single_occupation(
    jobs: Jobs, hours: Hours, selected: Flags, size: int, *, continuous: bool
) -> BestOccupation:
    """The most hours any candidate has in one occupation among selected jobs.

    Not continuous: all selected jobs in the same NOC add up. Continuous: jobs in the same NOC
    count together only while they follow each other without a gap of a day or more; the best
    unbroken period counts.
    """
    rows = np.flatnonzero(selected & (hours > 0))
    owner = jobs.owner[rows]
    noc = jobs.noc[rows]
    group_key = owner * CODE_SPACE + noc
    if not continuous:
        keys, inverse = np.unique(group_key, return_inverse=True)
        sums = np.asarray(np.bincount(inverse, weights=hours[rows], minlength=keys.size), dtype=np.float64)
        return _best_by_group(keys // CODE_SPACE, keys % CODE_SPACE, sums, size)
    start = jobs.start[rows].astype(np.int64)
    end = np.where(np.isnat(jobs.end[rows]), np.iinfo(np.int32).max, jobs.end[rows].astype(np.int64))
    order = np.lexsort((start, group_key))
    group_key, start, end, job_hours = group_key[order], start[order], end[order], hours[rows][order]
    new_group = np.r_[True, group_key[1:] != group_key[:-1]] if rows.size else np.zeros(0, dtype=np.bool_)
    group_index = np.cumsum(new_group)
    # Running latest end within each group: offset every group above all earlier ones.
    span = np.int64(2**32)
    running_end = np.maximum.accumulate(end + group_index * span) - group_index * span
    previous_end = np.r_[np.int64(0), running_end[:-1]] if rows.size else running_end
    new_period = new_group | (start > previous_end + 1)
    period = np.cumsum(new_period) - 1
    period_count = int(period.max(initial=-1)) + 1
    period_hours = np.asarray(
        np.bincount(period, weights=job_hours, minlength=period_count), dtype=np.float64
    )
    first_of_period = np.flatnonzero(new_period)
    keys = group_key[first_of_period]
    return _best_by_group(keys // CODE_SPACE, keys % CODE_SPACE, period_hours, size)


def whole_years(hours: Hours, hours_per_year: int) -> NDArray[np.int64]:
    """Whole years of experience in ``hours`` (1,560 hours = one year)."""
    exact_years = hours / hours_per_year + HOURS_TOLERANCE / hours_per_year
    years: NDArray[np.int64] = np.floor(exact_years).astype(np.int64)
    return years


def reaches(hours: Hours, needed_hours: float) -> Flags:
    flags: Flags = hours + HOURS_TOLERANCE >= needed_hours
    return flags
