"""Use case: eligibility for programs, categories and provincial streams on a date.

One path for one profile and a pool of a million: profiles -> flat Arrow table (profiles/columnar.py)
-> arrays -> :func:`openentry.rules.eligibility.assess.assess`. ``work_history`` is a list column;
it is flattened once (``list_flatten`` / ``list_parent_indices``) and every per-candidate sum is a
``np.bincount`` over the job owners. :func:`eligible_mask` is the contract the pool, rounds and
history code build on; :func:`eligibility_profiles` is the JSON output of ``openentry eligibility``
(interfaces.md §4), where every "no" carries its reasons and every "yes" what qualified.
"""

from __future__ import annotations

import contextvars
import datetime
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from openentry import rules as rules_package
from openentry.profiles.columnar import ReadTable, columns_from_table, table_from_profiles
from openentry.profiles.schema import Profile
from openentry.rules import codes
from openentry.rules.candidates import CandidateFactors, derive_factors
from openentry.rules.crs import score
from openentry.rules.eligibility.assess import Assessment, EligibilityFacts, assess
from openentry.rules.eligibility.explain import decision_lines
from openentry.rules.eligibility.parameters import FEDERAL_PROGRAMS, FRENCH_CATEGORY
from openentry.rules.eligibility.work import Jobs
from openentry.rules.noc import catalogue
from openentry.services.scoring import RawProfile, validate_profiles

PROVINCIAL_NOMINATION = "pnp"


def _noc_numbers(values: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Five-digit NOC strings as integers; -1 where missing."""
    numbers = pc.cast(values, pa.int64(), safe=False) if len(values) else pa.array([], pa.int64())
    return np.asarray(pc.fill_null(numbers, -1).to_numpy(zero_copy_only=False), dtype=np.int64)


def _jobs(table: pa.Table) -> Jobs:
    history = table.column("work_history").combine_chunks()
    history = pc.fill_null(history, pa.scalar([], type=history.type)) if history.null_count else history
    flat = pc.list_flatten(history)
    owner = np.asarray(pc.list_parent_indices(history).to_numpy(zero_copy_only=False), dtype=np.int64)

    def field(name: str) -> pa.Array:
        return pc.struct_field(flat, name)

    def dates(name: str) -> np.ndarray:
        return np.asarray(field(name).to_numpy(zero_copy_only=False), dtype="datetime64[D]")

    def flags(name: str) -> np.ndarray:
        return np.asarray(pc.fill_null(field(name), False).to_numpy(zero_copy_only=False), dtype=np.bool_)

    return Jobs(
        owner=owner,
        noc=_noc_numbers(field("noc")),
        start=dates("start"),
        end=dates("end"),
        hours_per_week=np.asarray(
            pc.fill_null(field("hours_per_week"), 0.0).to_numpy(zero_copy_only=False), dtype=np.float64
        ),
        in_canada=flags("in_canada"),
        self_employed=flags("self_employed"),
        full_time_student=flags("full_time_student"),
    )


def _integers(table: pa.Table, name: str, default: int) -> np.ndarray:
    filled = pc.fill_null(table.column(name), default)
    return np.asarray(filled.to_numpy(zero_copy_only=False), dtype=np.int64)


def interested_provinces(table: pa.Table) -> np.ndarray:
    """(n, len(codes.PROVINCES)) flags: the provinces each profile chose; ``ALL``, or no choice at
    all (null or an empty list: interfaces.md §1 defaults to ``["ALL"]``), sets every column."""
    provinces = table.column("provinces_of_interest").combine_chunks()
    interested = np.zeros((table.num_rows, len(codes.PROVINCES)), dtype=np.bool_)
    flat = pc.list_flatten(provinces)
    parents = np.asarray(pc.list_parent_indices(provinces).to_numpy(zero_copy_only=False), dtype=np.int64)
    position = np.asarray(
        pc.fill_null(pc.index_in(flat, value_set=pa.array(codes.PROVINCES)), -1).to_numpy(
            zero_copy_only=False
        ),
        dtype=np.int64,
    )
    every = np.asarray(pc.equal(flat, "ALL").to_numpy(zero_copy_only=False), dtype=np.bool_)
    known = position >= 0
    interested[parents[known], position[known]] = True
    interested[parents[every]] = True
    choices = pc.fill_null(pc.list_value_length(provinces), 0).to_numpy(zero_copy_only=False)
    interested[np.asarray(choices) == 0] = True
    return interested


def _facts(table: pa.Table, read: ReadTable) -> EligibilityFacts:
    lengths = np.asarray(
        pc.fill_null(pc.list_value_length(table.column("work_history")), 0).to_numpy(zero_copy_only=False),
        dtype=np.int64,
    )
    funds = np.asarray(table.column("settlement_funds_cad").to_numpy(zero_copy_only=False), dtype=np.float64)
    return EligibilityFacts(
        has_work_history=lengths > 0,
        primary_noc=_noc_numbers(table.column("primary_noc")),
        interested_provinces=interested_provinces(table),
        relative_in_canada=np.asarray(
            pc.fill_null(table.column("relative_in_canada"), False).to_numpy(zero_copy_only=False),
            dtype=np.bool_,
        ),
        canadian_study_years=_integers(table, "canadian_study_years", 0),
        spouse_canadian_study_years=_integers(table, "spouse_canadian_study_years", 0),
        spouse_canadian_work_full_time_years=_integers(table, "spouse_canadian_work_full_time_years", 0),
        work_authorized_in_canada=np.asarray(
            pc.fill_null(table.column("work_authorized_in_canada"), False).to_numpy(zero_copy_only=False),
            dtype=np.bool_,
        ),
        settlement_funds=funds,
        family_size=_integers(table, "family_size", 1),
        spouse_accompanying=read.columns.spouse_accompanying,
        jobs=_jobs(table),
    )


def assess_table(
    table: pa.Table,
    on: datetime.date,
    *,
    categories: Sequence[str] | None = None,
    streams: bool = True,
) -> tuple[ReadTable, CandidateFactors, Assessment, dict[int, tuple[str, str]]]:
    """Assess every row of a table in the columnar SCHEMA on ``on``; rows that cannot be read are
    errors. ``categories`` and ``streams`` narrow what is assessed (see ``assess``)."""
    read = columns_from_table(table)
    conformed = table_from_conformed(table)
    snapshot = rules_package.at(on)
    factors, problems = derive_factors(snapshot, read.columns)
    facts = _facts(conformed, read)
    errors = dict(read.errors)
    for row, problem in problems.errors.items():
        errors.setdefault(row, problem)
    return read, factors, assess(snapshot, factors, facts, categories=categories, streams=streams), errors


@dataclass(frozen=True)
class RoundFacts:
    """What the pool reads of each profile on a day: its CRS, whether it meets a program, each
    program, French and the occupation categories asked for; and the rows that cannot be read,
    scored or assessed on the day (their other values mean nothing)."""

    total: NDArray[np.int16]
    meets_a_program: NDArray[np.bool_]
    programs: dict[str, NDArray[np.bool_]]
    categories: dict[str, NDArray[np.bool_]]
    errors: dict[int, tuple[str, str]]

    @classmethod
    def joined(cls, parts: Sequence[tuple[int, RoundFacts]]) -> RoundFacts:
        """The facts of consecutive row ranges, each given with its first row, as one."""
        first = parts[0][1]
        return cls(
            total=np.concatenate([part.total for _, part in parts]),
            meets_a_program=np.concatenate([part.meets_a_program for _, part in parts]),
            programs={
                key: np.concatenate([part.programs[key] for _, part in parts]) for key in first.programs
            },
            categories={
                key: np.concatenate([part.categories[key] for _, part in parts]) for key in first.categories
            },
            errors={start + row: error for start, part in parts for row, error in part.errors.items()},
        )


# Rows a thread takes at a time: two threads share a million-row pool (numpy and Arrow release
# the interpreter while they work).
_ROUND_FACTS_CHUNK = 250_000


def _round_facts(table: pa.Table, on: datetime.date, categories: Sequence[str]) -> RoundFacts:
    _, factors, assessment, errors = assess_table(table, on, categories=categories, streams=False)
    found = {key: assessment.categories[key].eligible for key in categories if key in assessment.categories}
    if assessment.french is not None:
        found[FRENCH_CATEGORY] = assessment.french
    return RoundFacts(
        total=np.asarray(score(rules_package.at(on), factors).total, dtype=np.int16),
        meets_a_program=assessment.in_pool,
        programs={
            "fsw": assessment.fsw.eligible,
            "cec": assessment.cec.eligible,
            "fst": assessment.fst.eligible,
        },
        categories=found,
        errors=errors,
    )


def round_facts(table: pa.Table, on: datetime.date, categories: Sequence[str] = ()) -> RoundFacts:
    """Score and assess every row of a SCHEMA table on ``on``, each row read and its factors
    derived once: the programs, French, and of the occupation categories only ``categories``
    (provincial streams are not assessed). Large tables go in chunks on two threads."""
    rules_package.at(on)  # the day's rules built once, before the threads share them
    if table.num_rows <= _ROUND_FACTS_CHUNK:
        return _round_facts(table, on, categories)
    starts = range(0, table.num_rows, _ROUND_FACTS_CHUNK)

    def part(start: int) -> RoundFacts:
        return _round_facts(table.slice(start, _ROUND_FACTS_CHUNK), on, categories)

    with ThreadPoolExecutor(max_workers=2) as pool:
        # Each chunk in a copy of this context: the rules in use (a rule overlay) reach the threads.
        parts = list(pool.map(lambda start: contextvars.copy_context().run(part, start), starts))
    return RoundFacts.joined(list(zip(starts, parts, strict=True)))


def table_from_conformed(table: pa.Table) -> pa.Table:
    """The table with every SCHEMA column (absent optional columns as nulls)."""
    from openentry.profiles.columnar import SCHEMA

    missing = [field for field in SCHEMA if field.name not in table.column_names]
    for field in missing:
        table = table.append_column(field, pa.nulls(table.num_rows, type=field.type))
    return table


def category_keys(on: datetime.date) -> list[str]:
    """Keys of the categories in force on ``on`` (French first, then occupation categories)."""
    return list(rules_package.at(on).eligibility.category_keys)


def stream_keys(on: datetime.date) -> list[str]:
    """Keys of the provincial streams modelled and in force on ``on``."""
    return [stream.key for stream in rules_package.at(on).eligibility.streams]


def category_list_version(category: str, on: datetime.date) -> str:
    """The list version of ``category`` in force on ``on``; ValueError for a key not in force."""
    rules = rules_package.at(on).eligibility
    if category == FRENCH_CATEGORY and rules.french is not None:
        return rules.french.list_version
    for occupation in rules.categories:
        if occupation.key == category:
            return occupation.list_version
    raise ValueError(
        f"unknown category {category!r} on {on.isoformat()}; allowed: {', '.join(rules.category_keys)}"
    )


def eligible_mask(
    table: pa.Table,
    on: datetime.date,
    *,
    program: str | None = None,
    category: str | None = None,
    stream: str | None = None,
) -> np.ndarray:
    """One bool per row: eligible on ``on`` for the program and/or category and/or provincial stream.

    ``program``: fsw, cec, fst, or pnp (holding a provincial nomination; the nominee must also be in
    the pool). ``category``: a key in force on ``on`` (French included); a category alone also
    requires one of FSW, CEC, FST. ``stream``: a provincial stream key in force. With none of them:
    in the pool (eligible for at least one of FSW, CEC, FST). Rows that fail validation are False.
    Jobs extending past ``on`` are counted up to ``on``.
    """
    allowed_programs = (*FEDERAL_PROGRAMS, PROVINCIAL_NOMINATION)
    if program is not None and program not in allowed_programs:
        raise ValueError(f"unknown program {program!r}; allowed: {', '.join(allowed_programs)}")
    rules = rules_package.at(on).eligibility
    if category is not None and category not in rules.category_keys:
        raise ValueError(
            f"unknown category {category!r} on {on.isoformat()}; allowed: {', '.join(rules.category_keys)}"
        )
    keys = [item.key for item in rules.streams]
    if stream is not None and stream not in keys:
        raise ValueError(
            f"unknown provincial stream {stream!r} on {on.isoformat()}; allowed: {', '.join(keys) or 'none'}"
        )
    read, _, assessment, errors = assess_table(table, on)
    mask = assessment.in_pool.copy()
    if program == PROVINCIAL_NOMINATION:
        mask &= read.columns.provincial_nomination
    elif program is not None:
        mask &= {
            "fsw": assessment.fsw.eligible,
            "cec": assessment.cec.eligible,
            "fst": assessment.fst.eligible,
        }[program]
    if category == FRENCH_CATEGORY:
        assert assessment.french is not None
        mask &= assessment.french
    elif category is not None:
        mask &= assessment.categories[category].eligible
    if stream is not None:
        mask &= assessment.streams[stream].eligible
    if errors:
        mask[list(errors)] = False
    return mask


def _job_error(profile_jobs: Sequence[object], on: datetime.date) -> tuple[str, str] | None:
    known = catalogue()
    for index, job in enumerate(profile_jobs):
        where = f"work_history[{index}]"
        if job.noc not in known:  # type: ignore[attr-defined]
            return f"{where}.noc", f"{job.noc} is not a NOC 2021 unit group"  # type: ignore[attr-defined]
        if job.start > on:  # type: ignore[attr-defined]
            return f"{where}.start", f"{job.start} is after the checking date {on.isoformat()}"  # type: ignore[attr-defined]
        if job.end is not None and job.end > on:  # type: ignore[attr-defined]
            return (
                f"{where}.end",
                f"{job.end} is after the checking date {on.isoformat()}; "  # type: ignore[attr-defined]
                "leave end empty (null) for a job that continues",
            )
    return None


def _profile_error(profile: object, on: datetime.date) -> tuple[str, str] | None:
    primary = getattr(profile, "primary_noc", None)
    if primary is not None and primary not in catalogue():
        return "primary_noc", f"{primary} is not a NOC 2021 unit group"
    birth = getattr(profile, "birth_date", None)
    if birth is not None and birth > on:
        return "birth_date", f"{birth} is after the checking date {on.isoformat()}"
    return _job_error(getattr(profile, "work_history", []), on)


@dataclass(frozen=True)
class ProfileEligibility:
    """One valid profile's eligibility on a day: its interfaces.md §4 line (or an error line), and per
    provincial stream the hours of work in its primary NOC inside the stream's experience window."""

    line: dict[str, object]
    primary_noc_hours: dict[str, float]

    @property
    def failed(self) -> bool:
        return "error" in self.line


def assess_profiles(profiles: Sequence[Profile], on: datetime.date) -> list[ProfileEligibility]:
    """Eligibility of validated profiles on ``on``, one result per profile, in order."""
    results: list[ProfileEligibility | None] = [None] * len(profiles)
    checked: list[Profile] = []
    checked_rows: list[int] = []
    for row, profile in enumerate(profiles):
        problem = _profile_error(profile, on)
        if problem is None:
            checked.append(profile)
            checked_rows.append(row)
        else:
            error = {"field": problem[0], "message": problem[1]}
            results[row] = ProfileEligibility({"id": profile.id, "error": error}, {})
    if checked:
        table = table_from_profiles(checked)
        read, factors, assessment, row_errors = assess_table(table, on)
        lines = decision_lines(rules_package.at(on), read, factors, assessment, row_errors, checked)
        for index, (row, line) in enumerate(zip(checked_rows, lines, strict=True)):
            hours = {
                key: float(stream.primary_noc_hours[index]) for key, stream in assessment.streams.items()
            }
            results[row] = ProfileEligibility(line, hours)
    return [result for result in results if result is not None]


def eligibility_profiles(
    raw_profiles: Sequence[RawProfile], on: datetime.date, require_id: bool = False
) -> list[dict[str, object]]:
    """Eligibility lines (interfaces.md §4) for decoded JSON profiles, one per input, in order."""
    valid, positions, errors = validate_profiles(raw_profiles, require_id)
    results: list[dict[str, object]] = [{} for _ in raw_profiles]
    for position, error in errors.items():
        raw_id = raw_profiles[position].raw_id
        results[position] = {"id": raw_id if isinstance(raw_id, str) else None, "error": error.as_dict()}
    for position, assessed in zip(positions, assess_profiles(valid, on), strict=True):
        results[position] = assessed.line
    return results


__all__ = [
    "ProfileEligibility",
    "assess_profiles",
    "category_keys",
    "category_list_version",
    "eligibility_profiles",
    "eligible_mask",
    "interested_provinces",
    "stream_keys",
]
