"""The command line's one time-zone policy: every date and moment a command reads is UTC.

- A day (``--on``, ``--since``, ``--created-from`` …) is ``YYYY-MM-DD``, a day of the UTC
  calendar; ``--on`` left out is today in UTC (not the machine's local day).
- A moment of the pool or of a round (``--at``) is ISO 8601; a time without an offset is UTC,
  a time with one is converted to UTC, and a bare date is that day at 00:00 UTC; left out, it
  is now. Profiles' own moments (``submitted_at``) carry their offset (interfaces.md §1).

The help of each option says so with the texts below, written once here. Importing this module
loads no profile, table or database code.
"""

from __future__ import annotations

import datetime

from openentry.cli.errors import UsageError

# How each option's help states the policy (the command adds what the date is for).
DAY_FORMAT = "YYYY-MM-DD, a UTC day"
TODAY_DEFAULT = "default: today in UTC"
MOMENT_FORMAT = (
    "ISO 8601 date-time, e.g. 2024-11-20T14:00:00Z; UTC unless an offset is given, "
    "a bare date is 00:00 UTC that day"
)


def day_help(what: str, default: str | None = TODAY_DEFAULT) -> str:
    """``what`` followed by the day's format and the default: one wording for every day option."""
    return f"{what}: {DAY_FORMAT}" + (f" ({default})" if default else "")


def moment_help(what: str, default: str | None = None) -> str:
    """``what`` followed by the moment's format and the default: one wording for every ``--at``."""
    return f"{what}: {MOMENT_FORMAT}" + (f" ({default})" if default else "")


def now_utc() -> datetime.datetime:
    """Now, as an aware UTC moment: the default ``--at``."""
    return datetime.datetime.now(datetime.UTC)


def today_utc() -> datetime.date:
    """Today's date in UTC (the machine's own time zone plays no part): the default ``--on``."""
    return now_utc().date()


def _first_day() -> datetime.date:
    from openentry.rules import default_tree  # the parameter tree: loaded when a date is checked

    return default_tree().first_day


def parse_date(value: str, option: str) -> datetime.date:
    """A ``YYYY-MM-DD`` value; a UsageError naming the option otherwise (no range check)."""
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option}: {value!r} is not a date (YYYY-MM-DD)") from None


def parse_day(value: str | None, option: str = "--on") -> datetime.date:
    """A ``YYYY-MM-DD`` day on or after the first day of the rules (today in UTC when absent);
    a UsageError naming the option otherwise."""
    if value is None:
        return today_utc()
    day = parse_date(value, option)
    first_day = _first_day()
    if day < first_day:
        raise UsageError(f"{option}: {value} is before Express Entry began ({first_day.isoformat()})")
    return day


def parse_moment(value: str, option: str = "--at") -> datetime.datetime:
    """An ISO 8601 date-time as an aware UTC moment: a time without offset is UTC, a bare date
    is 00:00 UTC that day; a UsageError naming the option when it is not one or falls before
    the first day of the rules."""
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option}: {value!r} is not a date-time (e.g. 2024-11-20T14:00:00Z)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    moment = moment.astimezone(datetime.UTC)
    first_day = _first_day()
    if moment.date() < first_day:
        raise UsageError(f"{option}: {value} is before the rules begin ({first_day.isoformat()})")
    return moment
