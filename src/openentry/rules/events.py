"""The days on which a profile's facts change by themselves: the candidate days of a timeline.

A profile's CRS and eligibility change without anyone touching it (interfaces.md §7, issue 11):

- a birthday (age in whole years, :func:`openentry.rules.language.whole_years_between`);
- a language result reaching its validity (2 years, crs-and-programs.md §2;
  :func:`openentry.rules.language.expired_on`): it no longer counts;
- the profile's months in the pool running out (MI 2017-1 s.4(1);
  :func:`openentry.rules.selection.expires_at`);
- a dated change of the law (the parameter tree's effective dates);
- work accruing: hours of an open job, or old work sliding out of a window of years
  (crs-and-programs.md §1.6, §3): any day can change them, so a profile with a work history
  is looked at every day.

Each day here is found by asking the rule itself on the days around its calendar estimate, so
that the edges (29 February, a birthday counted on the day) are the rules' own.

Work is counted in windows of whole years ending on the day (rules/eligibility/work.py). Two
days whose windows hold the same number of days (:func:`window_lengths`) count the same work
the same way once every date of a profile is moved by the days between them; a timeline uses
that to look at many days in one pass of the engine.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from openentry.rules.eligibility.parameters import EligibilityRules
from openentry.rules.eligibility.work import window_start
from openentry.rules.language import expired_on, whole_years_between
from openentry.rules.periods import add_months, utc_moment64, years_before
from openentry.rules.selection import expires_at

ONE_DAY = datetime.timedelta(days=1)


def first_day(is_reached: Callable[[datetime.date], bool], estimate: datetime.date) -> datetime.date:
    """The first day on which ``is_reached`` (false, then true for good) holds, searched from a
    calendar estimate a few days off at most."""
    day = estimate
    while is_reached(day - ONE_DAY):
        day -= ONE_DAY
    while not is_reached(day):
        day += ONE_DAY
    return day


def years_after(day: datetime.date, years: int) -> datetime.date:
    """``day`` ``years`` later on the calendar (29 February as 28 February): an estimate."""
    return years_before(day, -years)


def birthdays(birth_date: datetime.date, start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The days in [start, end) on which the age in whole years goes up."""
    born = np.array([birth_date], dtype="datetime64[D]")

    def age(day: datetime.date) -> int:
        return int(whole_years_between(born, day)[0])

    def reaches(years: int) -> Callable[[datetime.date], bool]:
        return lambda day: age(day) >= years

    days: list[datetime.date] = []
    years = max(age(start), 0) + 1
    while True:
        day = first_day(reaches(years), years_after(birth_date, years))
        if day >= end:
            return days
        days.append(day)
        years += 1


def expiry_day(test_date: datetime.date, validity_years: int) -> datetime.date:
    """The first day on which a result of ``test_date`` is ``validity_years`` old or more."""
    tested = np.array([test_date], dtype="datetime64[D]")
    return first_day(
        lambda on: bool(expired_on(tested, on, validity_years)[0]), years_after(test_date, validity_years)
    )


def pool_exit(submitted_at: datetime.datetime, pool_duration_months: int) -> datetime.datetime:
    """The moment a profile leaves the pool by age (:func:`openentry.rules.selection.expires_at`), UTC."""
    moment = expires_at(np.array([utc_moment64(submitted_at)]), pool_duration_months)[0]
    exit_moment: datetime.datetime = moment.astype("datetime64[us]").item()
    return exit_moment.replace(tzinfo=datetime.UTC)


def month_starts(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The first day of every month in [start, end)."""
    months = np.arange(
        np.datetime64(start, "M"), np.datetime64(end, "M") + np.timedelta64(1, "M"), dtype="datetime64[M]"
    )
    days: list[datetime.date] = months.astype("datetime64[D]").tolist()
    return [day for day in days if start <= day < end]


def window_end(start: datetime.date, months: int) -> datetime.date:
    """``start`` plus ``months`` calendar months (the day after a timeline's last day)."""
    end: datetime.date = add_months(np.array([start], dtype="datetime64[D]"), months)[0].item()
    return end


def work_windows(rules: EligibilityRules) -> tuple[int, ...]:
    """Every length of window, in years, in which the CRS and the programs and categories count
    work on a day (declared years, FSW, CEC, FST, each category)."""
    programs = rules.programs
    lengths = {
        programs.declared_years_window,
        programs.fsw.experience.window_years,
        programs.cec_experience.window_years,
        programs.fst_experience.window_years,
        *(category.window_years for category in rules.categories),
    }
    return tuple(sorted(lengths))


def window_lengths(day: datetime.date, windows: Iterable[int]) -> tuple[int, ...]:
    """The number of days in each window of whole years ending on ``day``."""
    return tuple((day - years_before(day, years)).days for years in windows)


def _window_reaching(bound: datetime.date, years: int) -> datetime.date:
    """The first day whose window of ``years`` years starts on ``bound`` or later."""
    return first_day(lambda day: window_start(day, years) >= bound, years_after(bound, years))


@dataclass(frozen=True)
class Crossing:
    """Days ``first`` to ``last`` on which a job covers a day at the edge of its window of
    ``years`` years ending on that day: the window's first day (``before`` False) or the day
    before it (``before`` True)."""

    years: int
    before: bool
    first: datetime.date
    last: datetime.date


def window_crossings(
    jobs: Iterable[tuple[datetime.date, datetime.date | None]], windows: Iterable[int]
) -> list[Crossing]:
    """The days on which a job (start, end; None: open) covers the first day of a window of
    ``windows`` years ending on that day, or the day before it.

    Moving a job and the day by the same number of days keeps what the job counts in a window
    (rules/eligibility/work.py, :func:`~openentry.rules.eligibility.work.hours_in_window`) unless
    the two days' windows differ in length (:func:`window_lengths`, a 29 February) and the job
    covers the day gained (the day before the first: the other window is longer) or lost (the
    first day: it is shorter).
    """
    crossings: list[Crossing] = []
    window_list = tuple(windows)
    for start, end in jobs:
        for years in window_list:
            for before in (False, True):
                # The edge day rises with the day: covered from the day it reaches the job's
                # start until the day before it passes the job's end.
                offset = ONE_DAY if before else datetime.timedelta(0)
                first = _window_reaching(start + offset, years)
                if end is None:
                    crossings.append(Crossing(years, before, first, datetime.date.max))
                    continue
                after = _window_reaching(end + ONE_DAY + offset, years)
                if after > first:
                    crossings.append(Crossing(years, before, first, after - ONE_DAY))
    return crossings
