"""Use case: how a profile's CRS moves by itself, day by day (interfaces.md §7, issue 11).

For every profile, over a window of months from a first day: each day on which the total
changes, the profile leaves the pool or gains or loses a program or category, with the reasons;
and the total on the first day of every month. A profile's facts move by themselves
(:mod:`openentry.rules.events`): age follows ``birth_date`` (an ``age`` given as a number stays
as given: its birthday is not known); work follows ``work_history`` (an open job keeps
accruing; old work slides out of its windows); a language result counts for nothing from the
day it is 2 years old (MI 2016-1 s.12(3); ``openentry score`` still scores such a result, with a
warning, while the timeline shows the day it stops counting); the profile leaves the pool 12
months after ``submitted_at`` (:func:`openentry.rules.selection.expires_at`); and the law
changes on its effective dates.

One pass of the engine, not one per day: the candidate days of every profile (the days on
which something can change; every day for a profile with a work history) are rows of one
table, each row the profile as it stands on its day, checked, assessed and scored together
(:func:`openentry.services.whatif.assess_rows`: the eligibility engine and the vectorised
scorer). The engine reads one scoring day per pass, so a row is written for that day: its age
as a number, a result that has expired left out, and its work history moved by the days
between its own day and the pass's day. Work is counted in windows of whole years ending on
the day; moving the jobs counts them exactly when both days' windows hold the same number of
days, or when no job crosses a window's first day. Rows that need it are passed on a day of
their own kind (:func:`openentry.rules.events.window_lengths`): one pass for most timelines,
a few around 29 February for long careers. Rows of different eras of the law are passed on a
day of their own era.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from openentry import rules as rules_package
from openentry.domain.moments import iso_utc
from openentry.profiles.columnar import table_from_profiles
from openentry.profiles.columns import LANGUAGE_FIELD_NAMES, SCHEMA
from openentry.profiles.schema import LanguageResult, Profile
from openentry.rules import codes, current_tree
from openentry.rules.candidates import MAXIMUM_AGE
from openentry.rules.crs import LINE_NAMES
from openentry.rules.events import (
    birthdays,
    expiry_day,
    month_starts,
    pool_exit,
    window_crossings,
    window_end,
    window_lengths,
    work_windows,
)
from openentry.rules.language import whole_years_between
from openentry.rules.tree import ParameterTree
from openentry.services.scoring import RawProfile, validate_profiles
from openentry.services.whatif import (
    LANGUAGE_SLOTS,
    ProfileFailure,
    RowStates,
    assess_rows,
    collector_paused,
    failure_lines,
)

# The window of a timeline (a product's bounds, not law): 24 months unless asked, at most 120.
DEFAULT_MONTHS = 24
MAXIMUM_MONTHS = 120
# Rows passed to the engine at once (a large batch of long timelines goes in chunks of profiles).
ROWS_PER_PASS = 250_000

PROGRAM_NAMES = {"fsw": "FSW", "cec": "CEC", "fst": "FST"}
LINE_WORDS = {
    "core.age": "age",
    "core.education": "education",
    "core.first_language": "first official language",
    "core.second_language": "second official language",
    "core.canadian_work": "Canadian work experience",
    "spouse.education": "spouse's education",
    "spouse.language": "spouse's language",
    "spouse.canadian_work": "spouse's Canadian work experience",
    "transferability.education": "transferability (education)",
    "transferability.foreign_work": "transferability (foreign work)",
    "transferability.certificate": "transferability (certificate of qualification)",
    "additional.french": "French-language points",
    "additional.sibling": "sibling in Canada",
    "additional.canadian_education": "Canadian education",
    "additional.arranged_employment": "arranged employment",
    "additional.provincial_nomination": "provincial nomination",
}
SLOT_WORDS = {
    "first_language": "first-language",
    "second_language": "second-language",
    "spouse_language": "spouse's language",
}


class WindowError(ValueError):
    """A window of months outside 1 to :data:`MAXIMUM_MONTHS`."""


# --- results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """A day on which the total changes, or the profile leaves the pool, or a program or category
    is gained or lost; ``lines`` holds the itemised lines that moved (new minus old)."""

    on: datetime.date
    total: int
    delta: int
    why: tuple[str, ...]
    lines: Mapping[str, int]
    gained: tuple[str, ...]
    lost: tuple[str, ...]
    in_pool: bool

    def as_dict(self) -> dict[str, object]:
        return {
            "on": self.on.isoformat(),
            "total": self.total,
            "delta": self.delta,
            "why": list(self.why),
            "lines": dict(self.lines),
            "gained": list(self.gained),
            "lost": list(self.lost),
            "in_pool": self.in_pool,
        }


@dataclass(frozen=True)
class MonthTotal:
    """The total on the first day of a month, whether the profile is in the pool, and the
    programs and categories it meets that day."""

    on: datetime.date
    total: int
    in_pool: bool
    meets: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "on": self.on.isoformat(),
            "total": self.total,
            "in_pool": self.in_pool,
            "meets": list(self.meets),
        }


@dataclass(frozen=True)
class Timeline:
    """The timeline of one profile (interfaces.md §7, with extra fields): the total on the first
    day, the events after it, and the total on the first day of each month."""

    id: str | None
    start: datetime.date
    until: datetime.date  # the day after the window's last day
    total: int
    in_pool: bool
    meets: tuple[str, ...]
    events: tuple[Event, ...]
    months: tuple[MonthTotal, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "events": [event.as_dict() for event in self.events],
            "months": [month.as_dict() for month in self.months],
            "from": self.start.isoformat(),
            "until": self.until.isoformat(),
            "total": self.total,
            "in_pool": self.in_pool,
            "meets": list(self.meets),
        }


# --- the days of each profile -------------------------------------------------------------------


@dataclass(frozen=True)
class _ProfileDays:
    """One profile's candidate days and, per day, the facts that move by themselves."""

    days: NDArray[np.datetime64]  # ascending, the first is the window's first day
    age: NDArray[np.int64] | None  # per day, where the profile gives birth_date
    expired: Mapping[str, NDArray[np.bool_]]  # per language slot with a dated result
    expiry: Mapping[str, datetime.date]  # the day each slot's result stops counting
    pool_exit: datetime.datetime | None
    pool_exit_months: int


def _effective_dates() -> tuple[datetime.date, ...]:
    """The days on which the law in use changes (the tree's; a rule overlay's dates included)."""
    tree = current_tree()
    return _effective_dates_of(tree.digest, tree)


def _changed_parameters(day: datetime.date) -> tuple[str, ...]:
    """The parameters of the law in use that change on ``day``."""
    tree = current_tree()
    return _changed_parameters_of(tree.digest, tree, day)


# Read once per tree, keyed by its digest (the law's, or a rule overlay's): the tree object
# itself is not hashable, and a process may use several (the law, then an overlay).
_DATES_BY_DIGEST: dict[str, tuple[datetime.date, ...]] = {}
_CHANGES_BY_DIGEST: dict[tuple[str, datetime.date], tuple[str, ...]] = {}


def _effective_dates_of(digest: str, tree: ParameterTree) -> tuple[datetime.date, ...]:
    if digest not in _DATES_BY_DIGEST:
        _DATES_BY_DIGEST[digest] = tree.effective_dates()
    return _DATES_BY_DIGEST[digest]


def _changed_parameters_of(digest: str, tree: ParameterTree, day: datetime.date) -> tuple[str, ...]:
    if (digest, day) not in _CHANGES_BY_DIGEST:
        _CHANGES_BY_DIGEST[(digest, day)] = tuple(
            name for name in tree if day in tree[name].effective_dates and day != tree.first_day
        )
    return _CHANGES_BY_DIGEST[(digest, day)]


@dataclass(frozen=True)
class _Window:
    """A timeline's window and what the law says in it: the days every profile is looked at (the
    first day, each month's first day, each effective date of the law), every day of it, and the
    validity of results and the months in the pool of each era in it."""

    start: datetime.date
    end: datetime.date  # the day after the last
    common_days: NDArray[np.datetime64]
    every_day: NDArray[np.datetime64]
    validities: tuple[int, ...]
    durations: tuple[int, ...]
    windows: tuple[int, ...]  # the work windows (years) of every era in it

    @staticmethod
    def of(start: datetime.date, end: datetime.date) -> _Window:
        changes = [day for day in _effective_dates() if start < day < end]
        snapshots = [rules_package.at(day) for day in (start, *changes)]
        common = np.array(sorted({start, *month_starts(start, end), *changes}), dtype="datetime64[D]")
        return _Window(
            start=start,
            end=end,
            common_days=common,
            every_day=np.arange(np.datetime64(start, "D"), np.datetime64(end, "D")),
            validities=tuple(sorted({snapshot.language.result_validity_years for snapshot in snapshots})),
            durations=tuple(sorted({snapshot.rounds.pool_duration_months for snapshot in snapshots})),
            windows=tuple(
                sorted({years for snapshot in snapshots for years in work_windows(snapshot.eligibility)})
            ),
        )


def _profile_days(profile: Profile, window: _Window) -> _ProfileDays:
    start, end = window.start, window.end
    own: list[datetime.date] = []
    birthday_days: list[datetime.date] = []
    if profile.birth_date is not None:
        birthday_days = birthdays(profile.birth_date, start, end)
        own += birthday_days
    expiry: dict[str, datetime.date] = {}
    for slot in LANGUAGE_SLOTS:
        result: LanguageResult | None = getattr(profile, slot)
        if result is None or result.test_date is None:
            continue
        # The first day it is reached in the window under the validity of any era counts.
        expiry[slot] = min(expiry_day(result.test_date, years) for years in window.validities)
        if start < expiry[slot] < end:
            own.append(expiry[slot])
    exit_moment = None
    if profile.submitted_at is not None:
        exit_moment = min(pool_exit(profile.submitted_at, months) for months in window.durations)
        own += [
            day
            for day in (profile.submitted_at.astimezone(datetime.UTC).date(), exit_moment.date())
            if start < day < end
        ]
    looked_at = window.every_day if profile.work_history else window.common_days
    days = np.union1d(looked_at, np.array(own, dtype="datetime64[D]")) if own else looked_at
    age = None
    if profile.birth_date is not None:
        born = np.array([profile.birth_date], dtype="datetime64[D]")
        first_age = int(whole_years_between(born, start)[0])
        passed = np.searchsorted(np.array(birthday_days, dtype="datetime64[D]"), days, side="right")
        age = np.clip(first_age + passed, 0, MAXIMUM_AGE).astype(np.int64)
    expired = {slot: days >= np.datetime64(day, "D") for slot, day in expiry.items()}
    return _ProfileDays(days, age, expired, expiry, exit_moment, window.durations[0])


# --- rows, passes and the engine --------------------------------------------------------------


@dataclass(frozen=True)
class _Rows:
    """Every (profile, day) row of a batch of timelines, in profile then day order, with the facts
    that move by themselves and the edges of work windows its jobs cover."""

    profile: NDArray[np.int64]
    day: NDArray[np.datetime64]
    age: NDArray[np.int64]  # -1: the profile gives its age as a number
    expired: dict[str, NDArray[np.bool_]]
    # Bit 2k: a job covers the first day of the window of ``windows[k]`` years ending on the
    # row's day; bit 2k + 1: the day before it (rules.events.window_crossings).
    edges: NDArray[np.int64]
    windows: tuple[int, ...]

    @property
    def size(self) -> int:
        return int(self.profile.shape[0])


def _rows(
    profiles: Sequence[Profile], profile_days: Sequence[_ProfileDays], windows: tuple[int, ...]
) -> _Rows:
    lengths = [len(days.days) for days in profile_days]
    profile = np.repeat(np.arange(len(profile_days), dtype=np.int64), lengths)
    day = np.concatenate([days.days for days in profile_days])
    age = np.concatenate(
        [days.age if days.age is not None else np.full(len(days.days), -1) for days in profile_days]
    )
    expired = {
        slot: np.concatenate(
            [days.expired.get(slot, np.zeros(len(days.days), dtype=np.bool_)) for days in profile_days]
        )
        for slot in LANGUAGE_SLOTS
    }
    edges = np.zeros(day.shape[0], dtype=np.int64)
    first_row = 0
    for profile_model, days in zip(profiles, profile_days, strict=True):
        jobs = ((job.start, job.end) for job in profile_model.work_history)
        for crossing in window_crossings(jobs, windows):
            covered = (days.days >= np.datetime64(crossing.first, "D")) & (
                days.days <= np.datetime64(min(crossing.last, _LAST), "D")
            )
            bit = 2 * windows.index(crossing.years) + int(crossing.before)
            edges[first_row : first_row + len(days.days)] |= covered.astype(np.int64) << bit
        first_row += len(days.days)
    return _Rows(profile, day, age.astype(np.int64), expired, edges, windows)


# A bound for open-ended spans that numpy's days can hold.
_LAST = datetime.date(9999, 12, 31)


@dataclass(frozen=True)
class _Pass:
    """Rows passed to the engine together, on one day of their era."""

    day: datetime.date
    rows: NDArray[np.int64]


@functools.lru_cache(maxsize=65_536)
def _window_length(day: datetime.date, years: int) -> int:
    (length,) = window_lengths(day, (years,))
    return length


def _fitting(rows: _Rows, candidates: NDArray[np.int64], pass_day: datetime.date) -> NDArray[np.bool_]:
    """Which rows count their jobs the same when moved to ``pass_day``: for each window whose
    edge a job covers, the window on the pass's day is as long, or it is longer and no job covers
    the day before the first, or shorter and no job covers the first day (rules.events.Crossing)."""
    fits = np.ones(candidates.shape[0], dtype=np.bool_)
    edges = rows.edges[candidates]
    for index, years in enumerate(rows.windows):
        covers_first = (edges >> (2 * index) & 1).astype(np.bool_)
        covers_before = (edges >> (2 * index + 1) & 1).astype(np.bool_)
        concerned = np.flatnonzero(covers_first | covers_before)
        if concerned.size == 0:
            continue
        other = _window_length(pass_day, years)
        days, positions = np.unique(rows.day[candidates[concerned]], return_inverse=True)
        own = np.array([_window_length(day, years) for day in days.tolist()])[positions]
        fits[concerned] &= ~(
            ((other > own) & covers_before[concerned]) | ((other < own) & covers_first[concerned])
        )
    return fits


def _passes(rows: _Rows) -> list[_Pass]:
    """The rows grouped into passes: by era of the law; within an era, a row joins the first pass
    (on the era's first row day) unless its jobs would count differently there (:func:`_fitting`),
    then the next, made on the first day of the rows left. A pass's day is not after any of its
    rows' days, so that a result valid on a row's day is valid on the pass's day."""
    effective = np.array(_effective_dates(), dtype="datetime64[D]")
    eras = np.searchsorted(effective, rows.day, side="right") - 1
    passes: list[_Pass] = []
    for era in np.unique(eras):
        in_era = np.flatnonzero(eras == era)
        remaining = in_era[np.argsort(rows.day[in_era], kind="stable")]
        while remaining.size:
            day: datetime.date = rows.day[remaining[0]].item()
            fits = _fitting(rows, remaining, day)
            passes.append(_Pass(day, remaining[fits]))
            remaining = remaining[~fits]
    return passes


def _with_nulls(column: pa.Array, rows: NDArray[np.bool_]) -> pa.Array:
    """``column`` with the values of ``rows`` set to null."""
    return pc.if_else(pa.array(rows), pa.nulls(len(column), column.type), column)


def _expired_values(slot: str, name: str, values: pa.Array, expired: NDArray[np.bool_]) -> pa.Array:
    """A language result that no longer counts: left out, or for the first official language
    (which a profile must give) the same language at level 0 in every ability, which counts for
    nothing anywhere (``clb`` / ``nclc``, interfaces.md §1)."""
    if slot != "first_language" or name in ("test_date", "scale"):
        return _with_nulls(values, expired)
    if name == "test":
        french = pc.is_in(values, value_set=pa.array(codes.FRENCH_TESTS))
        levels = pc.if_else(french, pa.scalar("nclc"), pa.scalar("clb"))
        return pc.if_else(pa.array(expired), levels, values)
    return pc.if_else(pa.array(expired), pa.scalar(0.0, type=values.type), values)


def _pass_table(base: pa.Table, rows: _Rows, chosen: NDArray[np.int64], day: datetime.date) -> pa.Table:
    """Rows ``chosen`` as each profile stands on the row's own day, written for scoring on ``day``:
    age as a number; a result expired on the row's day left out, a valid one dated no later than
    ``day``; jobs moved by the days from the row's day to ``day``."""
    table = base.take(pa.array(rows.profile[chosen]))

    def replace(name: str, values: pa.Array) -> None:
        nonlocal table
        table = table.set_column(table.schema.get_field_index(name), name, values)

    ages = rows.age[chosen]
    aged = ages >= 0
    if aged.any():
        original = table.column("age").combine_chunks()
        replace("age", pc.if_else(pa.array(aged), pa.array(ages, type=pa.int16()), original))
        replace("birth_date", _with_nulls(table.column("birth_date").combine_chunks(), aged))
    pass_day = pa.scalar(day, type=pa.date32())
    for slot in LANGUAGE_SLOTS:
        expired = rows.expired[slot][chosen]
        if expired.any():
            for name in LANGUAGE_FIELD_NAMES:
                column = f"{slot}_{name}"
                replace(column, _expired_values(slot, name, table.column(column).combine_chunks(), expired))
        tested = table.column(f"{slot}_test_date").combine_chunks()
        if pc.any(pc.greater(tested, pass_day)).as_py():
            replace(f"{slot}_test_date", pc.if_else(pc.greater(tested, pass_day), pass_day, tested))
    shift = (np.datetime64(day, "D") - rows.day[chosen]).astype(np.int64)
    history = table.column("work_history").combine_chunks()
    if shift.any() and history.null_count < len(history):
        replace("work_history", _moved_jobs(history, shift))
    return table


def _moved_jobs(history: pa.ListArray, shift: NDArray[np.int64]) -> pa.ListArray:
    """Each row's jobs with their start and end moved by the row's ``shift`` days."""
    flat = pc.list_flatten(history)
    owner = np.asarray(pc.list_parent_indices(history).to_numpy(zero_copy_only=False), dtype=np.int64)
    by_job = shift[owner].astype("timedelta64[D]")
    fields = []
    for field in SCHEMA.field("work_history").type.value_type:
        values = pc.struct_field(flat, field.name)
        if field.name in ("start", "end"):
            days = np.asarray(values.to_numpy(zero_copy_only=False), dtype="datetime64[D]") + by_job
            values = pa.array(days, type=field.type, from_pandas=True)
        fields.append(values)
    jobs = pa.StructArray.from_arrays(fields, fields=list(SCHEMA.field("work_history").type.value_type))
    lengths = np.asarray(pc.fill_null(pc.list_value_length(history), 0).to_numpy(zero_copy_only=False))
    offsets = pa.array(np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32))
    moved: pa.ListArray = pa.ListArray.from_arrays(
        offsets, jobs, type=SCHEMA.field("work_history").type, mask=history.is_null()
    )
    return moved


@dataclass
class _Outcome:
    """What the engine says of every row (filled pass by pass)."""

    total: NDArray[np.int64]
    lines: dict[str, NDArray[np.int64]]
    met: list[frozenset[str]]
    meets_a_program: NDArray[np.bool_]
    age: NDArray[np.int64]
    canadian_work_years: NDArray[np.int64]
    foreign_work_years: NDArray[np.int64]
    errors: dict[int, tuple[str, str]]

    @staticmethod
    def empty(size: int) -> _Outcome:
        return _Outcome(
            total=np.zeros(size, dtype=np.int64),
            lines={name: np.zeros(size, dtype=np.int64) for name in LINE_NAMES},
            met=[frozenset()] * size,
            meets_a_program=np.zeros(size, dtype=np.bool_),
            age=np.zeros(size, dtype=np.int64),
            canadian_work_years=np.zeros(size, dtype=np.int64),
            foreign_work_years=np.zeros(size, dtype=np.int64),
            errors={},
        )

    def fill(self, chosen: NDArray[np.int64], states: RowStates) -> None:
        count = chosen.shape[0]
        self.total[chosen] = states.scores.total[:count]
        for name in LINE_NAMES:
            self.lines[name][chosen] = states.scores.lines[name][:count]
        self.meets_a_program[chosen] = states.in_pool[:count]
        factors = states.factors
        self.age[chosen] = factors.age[:count]
        self.canadian_work_years[chosen] = factors.counted_canadian_work_years[:count]
        self.foreign_work_years[chosen] = factors.counted_foreign_work_years[:count]
        keys = (*states.programs, *states.categories)
        flags = np.stack([*states.programs.values(), *states.categories.values()], axis=1)[:count]
        codes = flags.astype(np.int64) @ (1 << np.arange(len(keys), dtype=np.int64))
        names = {
            int(code): frozenset(key for position, key in enumerate(keys) if int(code) >> position & 1)
            for code in np.unique(codes)
        }
        for row, code in zip(chosen.tolist(), codes.tolist(), strict=True):
            self.met[row] = names[code]
        for row, error in states.errors.items():
            if row < count:
                self.errors[int(chosen[row])] = error


# --- the use case -----------------------------------------------------------------------------


def _met_words(keys: frozenset[str], gained: bool) -> list[str]:
    words: list[str] = []
    for key in sorted(keys, key=_key_order):
        if key in PROGRAM_NAMES:
            words.append(f"{'meets' if gained else 'no longer meets'} {PROGRAM_NAMES[key]}")
        else:
            words.append(f"{'eligible' if gained else 'no longer eligible'} for the {key} category")
    return words


def _key_order(key: str) -> tuple[int, str]:
    programs = list(PROGRAM_NAMES)
    return (programs.index(key), "") if key in programs else (len(programs), key)


def _why(
    profile: Profile,
    days: _ProfileDays,
    outcome: _Outcome,
    previous: int,
    row: int,
    day: datetime.date,
    was_in_pool: bool,
) -> list[str]:
    """The reasons of a change between two consecutive candidate days: what moved, then what it did."""
    reasons: list[str] = []
    if outcome.age[row] != outcome.age[previous]:
        reasons.append(f"turns {int(outcome.age[row])}")
    for slot, expiry in days.expiry.items():
        result: LanguageResult | None = getattr(profile, slot)
        if expiry == day and result is not None:
            validity = rules_package.at(day).language.result_validity_years
            reasons.append(
                f"the {SLOT_WORDS[slot]} result of {result.test_date} is {validity} years old: "
                "it no longer counts"
            )
    for name, values in (("Canadian", outcome.canadian_work_years), ("foreign", outcome.foreign_work_years)):
        if values[row] != values[previous]:
            years = int(values[row])
            reasons.append(
                f"{years} year{'s' if years != 1 else ''} of {name} skilled work counted (work history)"
            )
    changed = _changed_parameters(day)
    if changed:
        reasons.append(f"the law changes on {day.isoformat()}: {', '.join(changed)}")
    submitted = profile.submitted_at
    if submitted is not None and submitted.astimezone(datetime.UTC).date() == day:
        reasons.append(f"enters the pool: submitted at {iso_utc(submitted)}")
    if days.pool_exit is not None and days.pool_exit.date() == day and profile.submitted_at is not None:
        reasons.append(
            f"leaves the pool at {iso_utc(days.pool_exit)}: "
            f"{days.pool_exit_months} months after it was submitted"
        )
    for name in LINE_NAMES:
        before, after = int(outcome.lines[name][previous]), int(outcome.lines[name][row])
        if before != after:
            reasons.append(f"{LINE_WORDS[name]}: {before} to {after} points")
    reasons += _met_words(outcome.met[row] - outcome.met[previous], gained=True)
    reasons += _met_words(outcome.met[previous] - outcome.met[row], gained=False)
    if outcome.meets_a_program[previous] and not outcome.meets_a_program[row]:
        # Said as leaving the pool only by a profile in it the day before (one 12 months old
        # has left already).
        reasons.append(
            "leaves the pool: meets none of FSW, CEC, FST" if was_in_pool else "meets none of FSW, CEC, FST"
        )
    return reasons


def _timeline_of(
    profile: Profile,
    days: _ProfileDays,
    outcome: _Outcome,
    first_row: int,
    start: datetime.date,
    end: datetime.date,
) -> Timeline:
    count = len(days.days)
    rows = range(first_row, first_row + count)
    exit_day = np.datetime64(days.pool_exit.date(), "D") if days.pool_exit is not None else None
    # In the pool (rules/selection.py): submitted, not yet 12 months old, meeting a program.
    in_pool = outcome.meets_a_program[first_row : first_row + count].copy()
    if exit_day is not None:
        in_pool &= days.days < exit_day
    if profile.submitted_at is not None:
        in_pool &= days.days >= np.datetime64(profile.submitted_at.astimezone(datetime.UTC).date(), "D")
    totals = outcome.total[first_row : first_row + count]
    met_changed = np.array(
        [outcome.met[row] != outcome.met[row - 1] for row in rows[1:]], dtype=np.bool_
    ).reshape(-1)
    changed = (totals[1:] != totals[:-1]) | (in_pool[1:] != in_pool[:-1]) | met_changed
    events: list[Event] = []
    for offset in (np.flatnonzero(changed) + 1).tolist():
        row, previous = rows[offset], rows[offset - 1]
        day: datetime.date = days.days[offset].item()
        total, before = int(outcome.total[row]), int(outcome.total[previous])
        met, met_before = outcome.met[row], outcome.met[previous]
        lines = {
            name: int(outcome.lines[name][row] - outcome.lines[name][previous])
            for name in LINE_NAMES
            if outcome.lines[name][row] != outcome.lines[name][previous]
        }
        events.append(
            Event(
                on=day,
                total=total,
                delta=total - before,
                why=tuple(_why(profile, days, outcome, previous, row, day, bool(in_pool[offset - 1]))),
                lines=lines,
                gained=tuple(sorted(met - met_before, key=_key_order)),
                lost=tuple(sorted(met_before - met, key=_key_order)),
                in_pool=bool(in_pool[offset]),
            )
        )
    positions = np.searchsorted(days.days, np.array(month_starts(start, end), dtype="datetime64[D]"))
    months = tuple(
        MonthTotal(
            days.days[position].item(),
            int(outcome.total[first_row + position]),
            bool(in_pool[position]),
            tuple(sorted(outcome.met[first_row + position], key=_key_order)),
        )
        for position in positions
    )
    return Timeline(
        id=profile.id,
        start=start,
        until=end,
        total=int(outcome.total[first_row]),
        in_pool=bool(in_pool[0]),
        meets=tuple(sorted(outcome.met[first_row], key=_key_order)),
        events=tuple(events),
        months=months,
    )


def _chunk_timelines(
    profiles: Sequence[Profile], start: datetime.date, end: datetime.date
) -> list[Timeline | ProfileFailure]:
    window = _Window.of(start, end)
    base = table_from_profiles(profiles)
    profile_days = [_profile_days(profile, window) for profile in profiles]
    rows = _rows(profiles, profile_days, window.windows)
    outcome = _Outcome.empty(rows.size)
    failures: dict[int, tuple[str, str]] = {}
    for number, one_pass in enumerate(_passes(rows)):
        table = _pass_table(base, rows, one_pass.rows, one_pass.day)
        if number == 0:
            # The profiles as given, scored on the first day: their errors are those of `score`.
            table = pa.concat_tables([table, base.select(table.column_names).cast(table.schema)])
        states = assess_rows(table, one_pass.day)
        outcome.fill(one_pass.rows, states)
        if number == 0:
            given = len(one_pass.rows)
            failures = {row - given: error for row, error in states.errors.items() if row >= given}
    for row, error in outcome.errors.items():
        if int(rows.profile[row]) not in failures:
            raise AssertionError(f"profile {int(rows.profile[row])} fails on {rows.day[row]}: {error}")
    results: list[Timeline | ProfileFailure] = []
    first_row = 0
    for index, (profile, days) in enumerate(zip(profiles, profile_days, strict=True)):
        if index in failures:
            results.append(ProfileFailure(profile.id, *failures[index]))
        else:
            results.append(_timeline_of(profile, days, outcome, first_row, start, end))
        first_row += len(days.days)
    return results


def timeline(
    profiles: Sequence[Profile], start: datetime.date, months: int = DEFAULT_MONTHS
) -> list[Timeline | ProfileFailure]:
    """The timeline of every validated profile over ``months`` months from ``start``, in order; a
    profile that cannot be scored on ``start`` gets the error ``openentry score`` gives it.
    Raises :class:`WindowError` for a window outside 1 to :data:`MAXIMUM_MONTHS` months."""
    if not 1 <= months <= MAXIMUM_MONTHS:
        raise WindowError(f"--months: {months} is outside 1 to {MAXIMUM_MONTHS} months")
    end = window_end(start, months)
    # Rows per profile: every day for a work history, else its candidate days (a month's worth).
    every_day = (end - start).days
    chunks: list[list[Profile]] = [[]]
    rows = 0
    for profile in profiles:
        size = every_day if profile.work_history else months + 8
        if chunks[-1] and rows + size > ROWS_PER_PASS:
            chunks.append([])
            rows = 0
        chunks[-1].append(profile)
        rows += size
    with collector_paused():
        return [result for chunk in chunks if chunk for result in _chunk_timelines(chunk, start, end)]


def timeline_profiles(
    raw_profiles: Sequence[RawProfile],
    start: datetime.date,
    months: int = DEFAULT_MONTHS,
    require_id: bool = False,
) -> list[dict[str, object]]:
    """Timeline lines (interfaces.md §7) for decoded JSON profiles, one per input, in order."""
    valid, positions, errors = validate_profiles(raw_profiles, require_id)
    results: list[dict[str, object]] = [{} for _ in raw_profiles]
    for position, line in failure_lines(raw_profiles, errors).items():
        results[position] = line
    answers = timeline(valid, start, months)
    with collector_paused():
        for position, result in zip(positions, answers, strict=True):
            results[position] = result.as_dict()
    return results
