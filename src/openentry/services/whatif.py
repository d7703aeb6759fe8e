"""Use case: what raises a profile's CRS on a date (interfaces.md §7, issue 11).

For every profile, the single changes a person can make, each scored under the rules in force
on the day and sorted by gain, largest first:

- each first-language ability raised to the next level that earns points, and all four to the
  top transferability tier (CLB 9) and to the top of the first-language grid (CLB 10);
- the second official language added or raised to each level of its grid (CLB/NCLC 5, 7, 9),
  with what that also unlocks (French points, the French category);
- education to the next level that earns points (from a bachelor's degree that is the second
  credential, "two or more", which moves the transferability tier);
- a Canadian credential of one or two years, and of three years or longer;
- one more year of Canadian skilled work, where the profile declares its years (with a work
  history, the years follow the jobs: ``openentry timeline`` gives the day the next one counts);
- the accompanying spouse's language (5, 7, 9), education and one more year of Canadian work;
- a provincial nomination (a sibling in Canada is not something a person can do);
- declaring the second official language as the first, where the candidate has both.

The levels worth trying come from the tables in force (:mod:`openentry.rules.changes`); a raw
test result is raised to the lowest score on that test that reaches the level
(:func:`openentry.rules.language.lowest_scores`). Every candidate variant of every profile is a
row of one table, checked, assessed and scored in one pass of the existing engine
(:func:`openentry.services.eligibility.assess_table`, then the vectorised
:func:`openentry.rules.crs.score`), base profiles first: nothing here computes points.

A change is listed when it gains at least a point; of the candidates for one ability (or one
education), the lowest level that gains is kept. A change that gains no point but gains a
program or a category is listed apart, in ``eligibility_only``. Changes with the same gain keep
the order of the list above (abilities in the order reading, writing, listening, speaking;
levels rising); two candidates with the same edits are listed once, under the first.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import gc
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from openentry import rules as rules_package
from openentry.profiles.columnar import table_from_profiles
from openentry.profiles.columns import LANGUAGE_FIELD_NAMES, SCHEMA
from openentry.profiles.schema import LanguageResult, Profile, ProfileError
from openentry.rules import codes, language
from openentry.rules.candidates import CandidateFactors
from openentry.rules.changes import LanguageTargets, language_targets
from openentry.rules.crs import CrsScores, score
from openentry.rules.eligibility.parameters import FEDERAL_PROGRAMS, FRENCH_CATEGORY
from openentry.rules.language import LanguageResults
from openentry.rules.snapshot import RulesSnapshot
from openentry.services.eligibility import assess_table
from openentry.services.scoring import RawProfile, validate_profiles

Flags = NDArray[np.bool_]

# How a change reads: names of the vocabularies of interfaces.md §1 in words.
EDUCATION_WORDS = {
    "less_than_secondary": "less than secondary school",
    "secondary": "a secondary school diploma",
    "one_year_post_secondary": "a one-year post-secondary credential",
    "two_year_post_secondary": "a two-year post-secondary credential",
    "bachelors": "a bachelor's degree or a program of 3 years or more",
    "two_or_more": "two or more credentials, one of 3 years or more",
    "masters": "a master's or entry-to-practice professional degree",
    "doctoral": "a doctoral degree",
}
CANADIAN_EDUCATION_WORDS = {
    "one_or_two_year": "a Canadian post-secondary credential of one or two years",
    "three_year_or_longer": "a Canadian post-secondary credential of three years or longer",
}
TEST_NAMES = {
    "ielts": "IELTS",
    "celpip": "CELPIP",
    "pte_core": "PTE Core",
    "tef_canada": "TEF Canada",
    "tcf_canada": "TCF Canada",
}
LANGUAGE_SLOTS = ("first_language", "second_language", "spouse_language")


# --- results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class EligibilityState:
    """Programs and categories a profile (or a variant) meets on the day, and its FSW grid points."""

    programs: Mapping[str, bool]
    categories: Mapping[str, bool]
    fsw_points: int

    def met(self) -> set[str]:
        """Every program and category met, by key (program keys and category keys never clash)."""
        return {key for key, met in (*self.programs.items(), *self.categories.items()) if met}

    def as_dict(self) -> dict[str, object]:
        return {
            "programs": dict(self.programs),
            "fsw_points": self.fsw_points,
            "categories": dict(self.categories),
        }


@dataclass(frozen=True)
class Change:
    """One change a person can make: in words, as edits to the profile, and its effect."""

    change: str
    edits: Mapping[str, object]
    total: int
    gain: int
    gained: tuple[str, ...]  # programs and categories the change makes the profile meet
    lost: tuple[str, ...]
    fsw_points: int

    def as_dict(self) -> dict[str, object]:
        return {
            "change": self.change,
            "edits": dict(self.edits),
            "total": self.total,
            "gain": self.gain,
            "eligibility": {"gained": list(self.gained), "lost": list(self.lost)},
            "fsw_points": self.fsw_points,
        }


@dataclass(frozen=True)
class WhatIf:
    """The what-if of one profile on one day (interfaces.md §7, with extra fields)."""

    id: str | None
    on: datetime.date
    total: int
    levels: Mapping[str, Mapping[str, object]]
    eligibility: EligibilityState
    changes: tuple[Change, ...]
    eligibility_only: tuple[Change, ...]
    rules: Mapping[str, object]

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "total": self.total,
            "changes": [change.as_dict() for change in self.changes],
            "eligibility_only": [change.as_dict() for change in self.eligibility_only],
            "levels": {slot: dict(levels) for slot, levels in self.levels.items()},
            "eligibility": self.eligibility.as_dict(),
            "on": self.on.isoformat(),
            "rules": dict(self.rules),
        }


@dataclass(frozen=True)
class ProfileFailure:
    """A profile that cannot be used: its id and the error ``openentry score`` gives for it."""

    id: str | None
    field: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "error": {"field": self.field, "message": self.message}}


# --- edits ----------------------------------------------------------------------------------


def apply_edits(profile: Mapping[str, object], edits: Mapping[str, object]) -> dict[str, object]:
    """The profile (JSON object) with ``edits`` applied: ``a`` sets field ``a``, ``a.b`` sets
    field ``b`` of the object in field ``a`` (a language result). The input is not changed."""
    edited: dict[str, object] = dict(profile)
    for path, value in edits.items():
        head, _, rest = path.partition(".")
        if not rest:
            edited[head] = value
            continue
        inner = edited.get(head)
        if not isinstance(inner, Mapping):
            raise ValueError(f"{path}: the profile has no object in {head!r} to edit")
        edited[head] = {**inner, rest: value}
    return edited


# --- one pass of the engine over rows ---------------------------------------------------------


@dataclass(frozen=True)
class RowStates:
    """Every row of a table checked, assessed and scored on one day (one pass of the engine)."""

    rules: RulesSnapshot
    factors: CandidateFactors
    scores: CrsScores
    programs: dict[str, Flags]
    categories: dict[str, Flags]
    fsw_points: NDArray[np.int64]
    in_pool: Flags
    errors: dict[int, tuple[str, str]]

    def eligibility(self, row: int) -> EligibilityState:
        return EligibilityState(
            programs={key: bool(flags[row]) for key, flags in self.programs.items()},
            categories={key: bool(flags[row]) for key, flags in self.categories.items()},
            fsw_points=int(self.fsw_points[row]),
        )

    def met(self, row: int) -> set[str]:
        return {key for key, flags in (*self.programs.items(), *self.categories.items()) if flags[row]}


# Read by rounds, the pool and provincial streams, not by the CRS, the programs or the categories.
UNREAD_COLUMNS = ("id", "submitted_at", "provinces_of_interest")


def assess_rows(table: pa.Table, on: datetime.date) -> RowStates:
    """Check, assess (programs and every category in force; no provincial stream) and score every
    row of ``table`` on ``on``: one call of the eligibility engine and one of the scorer. The
    columns no program, category or CRS line reads (``UNREAD_COLUMNS``) are left out: the rows
    come from validated profiles, and their checks cost as much as the assessment itself."""
    unread = [name for name in UNREAD_COLUMNS if name in table.column_names]
    _, factors, assessment, errors = assess_table(table.drop_columns(unread), on, streams=False)
    snapshot = rules_package.at(on)
    categories: dict[str, Flags] = {}
    for key in snapshot.eligibility.category_keys:
        if key == FRENCH_CATEGORY:
            assert assessment.french is not None
            categories[key] = assessment.french
        else:
            categories[key] = assessment.categories[key].eligible
    by_program = {
        "fsw": assessment.fsw.eligible,
        "cec": assessment.cec.eligible,
        "fst": assessment.fst.eligible,
    }
    return RowStates(
        rules=snapshot,
        factors=factors,
        scores=score(snapshot, factors),
        programs={key: by_program[key] for key in FEDERAL_PROGRAMS},
        categories=categories,
        fsw_points=assessment.fsw.points,
        in_pool=assessment.in_pool,
        errors=errors,
    )


def benchmark_name(test: str) -> str:
    """CLB for an English result, NCLC for a French one (crs-and-programs.md vocabulary)."""
    return "NCLC" if test in codes.FRENCH_TESTS else "CLB"


def level_lines(factors: CandidateFactors, row: int, profile: Profile) -> dict[str, dict[str, object]]:
    """The CLB/NCLC level of each ability of each result the profile gives, as converted on the day."""
    levels: dict[str, dict[str, object]] = {}
    arrays = {
        "first_language": factors.first_language,
        "second_language": factors.second_language,
        "spouse_language": factors.spouse_language,
    }
    for slot in LANGUAGE_SLOTS:
        result: LanguageResult | None = getattr(profile, slot)
        if result is None:
            continue
        line: dict[str, object] = {"test": result.test, "benchmark": benchmark_name(result.test)}
        for ability_code, ability in enumerate(codes.ABILITIES):
            line[ability] = int(arrays[slot][row, ability_code])
        levels[slot] = line
    return levels


# --- candidate variants, by family -----------------------------------------------------------


Describe = Callable[[int], tuple[str, dict[str, object]]]


@dataclass(frozen=True)
class Variants:
    """One family of variants: row ``i`` varies profile ``profiles[i]`` by setting each flat column
    of ``cells`` (profiles/columns.py) to its ``i``-th value; ``describe(i)`` gives the change in
    words and as interfaces.md §7 edits. Families of one ``ladder`` compete for a profile: the
    first (in the order they are made: rising levels) that gains a point is the change."""

    ladder: str
    profiles: NDArray[np.int64]
    cells: Mapping[str, pa.Array]
    describe: Describe

    @property
    def size(self) -> int:
        return int(self.profiles.shape[0])


def _number(value: float) -> int | float:
    """A score as JSON shows it: whole numbers without a decimal point."""
    return int(value) if float(value).is_integer() else float(value)


def _column(name: str, values: object) -> pa.Array:
    """Values of one flat column, typed as :data:`SCHEMA` types it."""
    return pa.array(values, type=SCHEMA.field(name).type)


def _language_name(french: bool) -> str:
    return "French" if french else "English"


@dataclass(frozen=True)
class _Slot:
    """One language slot of every profile: its results as the rules read them, the levels they
    convert to on the day, and per target level the lowest raw score of each ability on the
    result's own test that reaches it (NaN: none, or no result)."""

    name: str
    results: LanguageResults
    levels: NDArray[np.int8]
    lowest: Mapping[int, NDArray[np.float64]]

    @property
    def present(self) -> Flags:
        flags: Flags = self.results.tests != 0
        return flags

    def raised(self, target: int) -> tuple[Flags, NDArray[np.float64]]:
        """Rows whose every ability below ``target`` can reach it on its own test (and at least one
        is below), and the four scores of each row with those abilities raised."""
        below = self.levels < target
        lowest = self.lowest[target]
        reachable = ~(below & np.isnan(lowest)).any(axis=1)
        rows: Flags = self.present & below.any(axis=1) & reachable
        scores = np.where(below, lowest, self.results.scores)
        return rows, scores


def _language_results(profiles: Sequence[Profile], slot: str) -> LanguageResults:
    """The results in ``slot`` of every profile as the arrays :func:`language.convert` reads."""
    size = len(profiles)
    tests = np.zeros(size, dtype=np.int8)
    scores = np.zeros((size, len(codes.ABILITIES)), dtype=np.float64)
    test_dates = np.full(size, np.datetime64("NaT"), dtype="datetime64[D]")
    scales = np.zeros(size, dtype=np.int8)
    for row, profile in enumerate(profiles):
        result: LanguageResult | None = getattr(profile, slot)
        if result is None:
            continue
        tests[row] = codes.LANGUAGE_TESTS.index(result.test)
        scores[row] = (result.reading, result.writing, result.listening, result.speaking)
        if result.test_date is not None:
            test_dates[row] = np.datetime64(result.test_date, "D")
        if result.scale is not None:
            scales[row] = codes.TEF_SCALES.index(result.scale) + 1
    return LanguageResults(tests, scores, test_dates, scales if scales.any() else None)


def _slot(snapshot: RulesSnapshot, profiles: Sequence[Profile], name: str, targets: Sequence[int]) -> _Slot:
    results = _language_results(profiles, name)
    converted = language.convert(snapshot.language, results, snapshot.day)
    wanted = sorted(set(targets))
    grid = np.broadcast_to(np.array(wanted, dtype=np.int8), (*results.scores.shape, len(wanted)))
    scores = language.lowest_scores(snapshot.language, results, grid, snapshot.day)
    return _Slot(
        name, results, converted.levels, {level: scores[:, :, index] for index, level in enumerate(wanted)}
    )


@dataclass(frozen=True)
class _Facts:
    """The profile facts the families read, one entry per profile."""

    profiles: Sequence[Profile]
    on: datetime.date
    targets: LanguageTargets
    first: _Slot
    second: _Slot
    spouse: _Slot
    first_is_french: Flags
    education: NDArray[np.int64]
    spouse_education: NDArray[np.int64]
    canadian_education: NDArray[np.int64]
    canadian_work_years: NDArray[np.int64]
    spouse_canadian_work_years: NDArray[np.int64]
    has_work_history: Flags
    partnered: Flags
    nominated: Flags

    @staticmethod
    def of(snapshot: RulesSnapshot, profiles: Sequence[Profile]) -> _Facts:
        targets = language_targets(snapshot.crs)

        def codes_of(vocabulary: tuple[str, ...], name: str) -> NDArray[np.int64]:
            return np.array(
                [vocabulary.index(getattr(profile, name)) for profile in profiles], dtype=np.int64
            )

        def integers(name: str) -> NDArray[np.int64]:
            return np.array([getattr(profile, name) for profile in profiles], dtype=np.int64)

        def flags(values: Sequence[bool]) -> Flags:
            return np.array(values, dtype=np.bool_)

        return _Facts(
            profiles=profiles,
            on=snapshot.day,
            targets=targets,
            first=_slot(snapshot, profiles, "first_language", (*targets.first_language, *targets.all_four)),
            second=_slot(snapshot, profiles, "second_language", targets.second_language),
            spouse=_slot(snapshot, profiles, "spouse_language", targets.spouse_language),
            first_is_french=flags([profile.first_language.is_french for profile in profiles]),
            education=codes_of(codes.EDUCATION_LEVELS, "education"),
            spouse_education=codes_of(codes.EDUCATION_LEVELS, "spouse_education"),
            canadian_education=codes_of(codes.CANADIAN_EDUCATION_LEVELS, "canadian_education"),
            canadian_work_years=integers("canadian_work_years"),
            spouse_canadian_work_years=integers("spouse_canadian_work_years"),
            has_work_history=flags([bool(profile.work_history) for profile in profiles]),
            partnered=flags([profile.marital_status in codes.PARTNERED_STATUSES for profile in profiles]),
            nominated=flags([profile.provincial_nomination for profile in profiles]),
        )


def _ability_words(
    facts: _Facts, slot: _Slot, profile: int, ability_code: int, target: int, value: float
) -> str:
    result: LanguageResult = getattr(facts.profiles[profile], slot.name)
    benchmark = benchmark_name(result.test)
    test_name = TEST_NAMES.get(result.test)
    raw = f" ({test_name} {_number(value):g})" if test_name else ""
    current = int(slot.levels[profile, ability_code])
    return f"{codes.ABILITIES[ability_code]} from {benchmark} {current} to {benchmark} {target}{raw}"


def _first_language_families(facts: _Facts) -> Iterator[Variants]:
    first = facts.first
    for ability_code, ability in enumerate(codes.ABILITIES):
        path = f"first_language.{ability}"
        for target in facts.targets.first_language:
            values = first.lowest[target][:, ability_code]
            rows = np.flatnonzero((first.levels[:, ability_code] < target) & ~np.isnan(values))
            if rows.size == 0:
                continue

            def describe(
                index: int,
                rows: NDArray[np.int64] = rows,
                values: NDArray[np.float64] = values,
                ability_code: int = ability_code,
                target: int = target,
                path: str = path,
            ) -> tuple[str, dict[str, object]]:
                profile = int(rows[index])
                value = float(values[profile])
                return _ability_words(facts, first, profile, ability_code, target, value), {
                    path: _number(value)
                }

            yield Variants(
                path,
                rows,
                {f"first_language_{ability}": _column(f"first_language_{ability}", values[rows])},
                describe,
            )
    for target in facts.targets.all_four:
        yield from _all_four_family(
            facts,
            first,
            target,
            f"first_language.all_four.{target}",
            "all four first-language abilities to {benchmark} {target}",
        )


def _all_four_family(
    facts: _Facts, slot: _Slot, target: int, ladder: str, words: str, rows_allowed: Flags | None = None
) -> Iterator[Variants]:
    """Every ability of a present result below ``target`` raised to the lowest score reaching it."""
    raisable, scores = slot.raised(target)
    if rows_allowed is not None:
        raisable &= rows_allowed
    rows = np.flatnonzero(raisable)
    if rows.size == 0:
        return
    cells = {
        f"{slot.name}_{ability}": _column(f"{slot.name}_{ability}", scores[rows, ability_code])
        for ability_code, ability in enumerate(codes.ABILITIES)
    }

    def describe(index: int) -> tuple[str, dict[str, object]]:
        profile = int(rows[index])
        result: LanguageResult = getattr(facts.profiles[profile], slot.name)
        edits: dict[str, object] = {
            f"{slot.name}.{ability}": _number(scores[profile, ability_code])
            for ability_code, ability in enumerate(codes.ABILITIES)
            if slot.levels[profile, ability_code] < target
        }
        text = words.format(
            benchmark=benchmark_name(result.test), target=target, language=_language_name(result.is_french)
        )
        return text, edits

    yield Variants(ladder, rows, cells, describe)


def _added_result(french: bool, level: int, on: datetime.date) -> dict[str, object]:
    """A result given as levels (``clb`` / ``nclc``, interfaces.md §1), dated on the day."""
    result: dict[str, object] = {"test": "nclc" if french else "clb"}
    result.update({ability: level for ability in codes.ABILITIES})
    result["test_date"] = on.isoformat()
    return result


def _added_family(
    facts: _Facts, slot: str, rows: NDArray[np.int64], french: Flags, target: int, ladder: str, words: str
) -> Iterator[Variants]:
    """A result added at ``target`` in all four abilities, as levels, in French where ``french``."""
    size = rows.shape[0]
    if size == 0:
        return
    tests = np.where(french[rows], "nclc", "clb")
    cells: dict[str, pa.Array] = {f"{slot}_test": _column(f"{slot}_test", tests.tolist())}
    for ability in codes.ABILITIES:
        cells[f"{slot}_{ability}"] = _column(f"{slot}_{ability}", np.full(size, target, dtype=np.float64))
    cells[f"{slot}_test_date"] = _column(f"{slot}_test_date", np.full(size, np.datetime64(facts.on, "D")))
    cells[f"{slot}_scale"] = pa.nulls(size, SCHEMA.field(f"{slot}_scale").type)

    def describe(index: int) -> tuple[str, dict[str, object]]:
        is_french = bool(french[rows[index]])
        text = words.format(
            language=_language_name(is_french), benchmark="NCLC" if is_french else "CLB", target=target
        )
        return text, {slot: _added_result(is_french, target, facts.on)}

    yield Variants(ladder, rows, cells, describe)


def _result_families(
    facts: _Facts,
    slot: _Slot,
    targets: Sequence[int],
    rows_allowed: Flags,
    french: Flags,
    added: str,
    raised: str,
) -> Iterator[Variants]:
    """A language result at each target level in all four abilities: added (as levels, in French
    where ``french``) where the profile gives none, else raised; one ladder per level."""
    for target in targets:
        ladder = f"{slot.name}.{target}"
        rows = np.flatnonzero(rows_allowed & ~slot.present)
        yield from _added_family(facts, slot.name, rows, french, target, ladder, added)
        yield from _all_four_family(facts, slot, target, ladder, raised, rows_allowed=rows_allowed)


def _ladder(
    facts: _Facts,
    name: str,
    current: NDArray[np.int64],
    vocabulary: tuple[str, ...],
    rows_allowed: Flags,
    words: Callable[[str, str], str],
    separate: bool = False,
) -> Iterator[Variants]:
    """A coded field raised to each higher value of its vocabulary (one ladder, or one ladder per
    value with ``separate``)."""
    for code in range(1, len(vocabulary)):
        rows = np.flatnonzero(rows_allowed & (current < code))
        if rows.size == 0:
            continue
        value = vocabulary[code]

        def describe(
            index: int, rows: NDArray[np.int64] = rows, value: str = value
        ) -> tuple[str, dict[str, object]]:
            return words(vocabulary[int(current[rows[index]])], value), {name: value}

        ladder = f"{name}.{value}" if separate else name
        yield Variants(ladder, rows, {name: _column(name, [value] * rows.shape[0])}, describe)


def _one_more_year(
    name: str, years: NDArray[np.int64], rows_allowed: Flags, words: str
) -> Iterator[Variants]:
    rows = np.flatnonzero(rows_allowed & (years < _largest(name)))
    if rows.size == 0:
        return

    def describe(index: int) -> tuple[str, dict[str, object]]:
        current = int(years[rows[index]])
        return f"{words} ({current} to {current + 1} years)", {name: current + 1}

    yield Variants(name, rows, {name: _column(name, years[rows] + 1)}, describe)


@functools.cache
def _largest(field_name: str) -> int:
    """The largest value the profile contract allows in an integer field (interfaces.md §1)."""
    for constraint in Profile.model_fields[field_name].metadata:
        bound = getattr(constraint, "le", None)
        if isinstance(bound, int):
            return bound
    raise ValueError(f"{field_name} has no upper bound")


def _spouse_families(facts: _Facts) -> Iterator[Variants]:
    yield from _result_families(
        facts,
        facts.spouse,
        facts.targets.spouse_language,
        facts.partnered,
        facts.first_is_french,
        "add the spouse's {language} result, {benchmark} {target} in all four abilities",
        "spouse's language to {benchmark} {target} in all four abilities",
    )
    yield from _ladder(
        facts,
        "spouse_education",
        facts.spouse_education,
        codes.EDUCATION_LEVELS,
        facts.partnered,
        lambda before, after: (
            f"spouse's education from {EDUCATION_WORDS[before]} to {EDUCATION_WORDS[after]}"
        ),
    )
    yield from _one_more_year(
        "spouse_canadian_work_years",
        facts.spouse_canadian_work_years,
        facts.partnered,
        "one more year of the spouse's Canadian skilled work",
    )


def _swap_family(facts: _Facts, base: pa.Table) -> Iterator[Variants]:
    rows = np.flatnonzero(facts.second.present)
    if rows.size == 0:
        return
    taken = base.take(pa.array(rows))
    cells: dict[str, pa.Array] = {}
    for name in LANGUAGE_FIELD_NAMES:
        cells[f"first_language_{name}"] = taken.column(f"second_language_{name}").combine_chunks()
        cells[f"second_language_{name}"] = taken.column(f"first_language_{name}").combine_chunks()

    def describe(index: int) -> tuple[str, dict[str, object]]:
        profile = facts.profiles[int(rows[index])]
        assert profile.second_language is not None
        first_name = _language_name(profile.second_language.is_french)
        second_name = _language_name(profile.first_language.is_french)
        return (
            f"declare {first_name} as the first official language and {second_name} as the second",
            {
                "first_language": _result_object(profile.second_language),
                "second_language": _result_object(profile.first_language),
            },
        )

    yield Variants("swap_languages", rows, cells, describe)


def _result_object(result: LanguageResult) -> dict[str, object]:
    dumped = result.model_dump(mode="json", exclude_none=True)
    return {name: _number(value) if name in codes.ABILITIES else value for name, value in dumped.items()}


def variant_families(snapshot: RulesSnapshot, profiles: Sequence[Profile], base: pa.Table) -> list[Variants]:
    """Every family of variants of the profiles (rows of ``base``), in the documented order; empty
    families left out."""
    facts = _Facts.of(snapshot, profiles)
    everyone = np.ones(len(profiles), dtype=np.bool_)
    families: list[Variants] = [
        *_first_language_families(facts),
        *_result_families(
            facts,
            facts.second,
            facts.targets.second_language,
            np.ones(len(profiles), dtype=np.bool_),
            ~facts.first_is_french,
            "add {language} as second official language, {benchmark} {target} in all four abilities",
            "second official language ({language}) to {benchmark} {target} in all four abilities",
        ),
        *_ladder(
            facts,
            "education",
            facts.education,
            codes.EDUCATION_LEVELS,
            everyone,
            lambda before, after: f"education from {EDUCATION_WORDS[before]} to {EDUCATION_WORDS[after]}",
        ),
        *_ladder(
            facts,
            "canadian_education",
            facts.canadian_education,
            codes.CANADIAN_EDUCATION_LEVELS,
            everyone,
            lambda before, after: CANADIAN_EDUCATION_WORDS[after],
            separate=True,
        ),
        *_one_more_year(
            "canadian_work_years",
            facts.canadian_work_years,
            ~facts.has_work_history,
            "one more year of Canadian skilled work",
        ),
        *_spouse_families(facts),
        *_nomination_family(facts),
        *_swap_family(facts, base),
    ]
    return families


def _nomination_family(facts: _Facts) -> Iterator[Variants]:
    rows = np.flatnonzero(~facts.nominated)
    if rows.size:
        yield Variants(
            "provincial_nomination",
            rows,
            {
                "provincial_nomination": _column(
                    "provincial_nomination", np.ones(rows.shape[0], dtype=np.bool_)
                )
            },
            lambda index: ("a provincial nomination", {"provincial_nomination": True}),
        )


def variant_table(base: pa.Table, families: Sequence[Variants]) -> pa.Table:
    """The base rows, then every family's rows, each with its cells set (one take, one
    replacement per column touched)."""
    rows = np.concatenate(
        [np.arange(base.num_rows, dtype=np.int64), *(family.profiles for family in families)]
    )
    table = base.take(pa.array(rows))
    touched: dict[str, list[tuple[int, pa.Array]]] = {}
    start = base.num_rows
    for family in families:
        for name, values in family.cells.items():
            touched.setdefault(name, []).append((start, values))
        start += family.size
    for name, blocks in touched.items():
        mask = np.zeros(table.num_rows, dtype=np.bool_)
        for block_start, values in blocks:
            mask[block_start : block_start + len(values)] = True
        replacement = pa.concat_arrays([values for _, values in blocks])
        replaced = pc.replace_with_mask(table.column(name).combine_chunks(), pa.array(mask), replacement)
        table = table.set_column(table.schema.get_field_index(name), name, replaced)
    return table


# --- choosing the changes --------------------------------------------------------------------


def _met_bits(states: RowStates) -> tuple[NDArray[np.int64], tuple[str, ...]]:
    """Per row, the programs and categories met as bits (bit k: key k), and the keys."""
    keys = (*states.programs, *states.categories)
    bits = np.zeros(states.scores.total.shape[0], dtype=np.int64)
    for position, flags in enumerate((*states.programs.values(), *states.categories.values())):
        bits |= flags.astype(np.int64) << position
    return bits, keys


@dataclass(frozen=True)
class _Chosen:
    """The changes chosen for all profiles: per record its profile, family, row in the family,
    whether it gains points (else eligibility only) and the family's ladder position."""

    profile: NDArray[np.int64]
    family: NDArray[np.int64]
    index: NDArray[np.int64]
    by_points: Flags
    ladder_order: NDArray[np.int64]


def choose(families: Sequence[Variants], states: RowStates, profile_count: int) -> _Chosen:
    """Per profile and ladder, the first family row that gains a point, else the first that gains no
    point but a program or category (gain 0): vectorised over profiles."""
    totals = states.scores.total.astype(np.int64)
    bits, _ = _met_bits(states)
    base_totals = totals[:profile_count]
    base_bits = bits[:profile_count]
    ladders: dict[str, list[int]] = {}
    starts: list[int] = []
    start = profile_count
    for position, family in enumerate(families):
        ladders.setdefault(family.ladder, []).append(position)
        starts.append(start)
        start += family.size
    records: list[tuple[NDArray[np.int64], int, NDArray[np.int64], bool, int]] = []
    for ladder_order, members in enumerate(ladders.values()):
        decided = np.zeros(profile_count, dtype=np.bool_)
        eligibility_decided = np.zeros(profile_count, dtype=np.bool_)
        eligibility: list[tuple[NDArray[np.int64], int, NDArray[np.int64]]] = []
        for position in members:
            family = families[position]
            block = slice(starts[position], starts[position] + family.size)
            owners = family.profiles
            gains = totals[block] - base_totals[owners]
            gained = bits[block] & ~base_bits[owners]
            wins = np.flatnonzero((gains >= 1) & ~decided[owners])
            decided[owners[wins]] = True
            records.append((owners[wins], position, wins, True, ladder_order))
            only = np.flatnonzero((gains == 0) & (gained != 0) & ~eligibility_decided[owners])
            eligibility_decided[owners[only]] = True
            eligibility.append((owners[only], position, only))
        for owners, position, only in eligibility:
            kept = ~decided[owners]
            records.append((owners[kept], position, only[kept], False, ladder_order))
    if not records:
        empty = np.zeros(0, dtype=np.int64)
        return _Chosen(empty, empty, empty, np.zeros(0, dtype=np.bool_), empty)
    return _Chosen(
        profile=np.concatenate([owners for owners, _, _, _, _ in records]),
        family=np.concatenate([np.full(len(owners), position) for owners, position, _, _, _ in records]),
        index=np.concatenate([index for _, _, index, _, _ in records]),
        by_points=np.concatenate([np.full(len(owners), points) for owners, _, _, points, _ in records]),
        ladder_order=np.concatenate([np.full(len(owners), order) for owners, _, _, _, order in records]),
    )


def _profile_changes(
    families: Sequence[Variants], states: RowStates, chosen: _Chosen, profile_count: int
) -> list[tuple[list[Change], list[Change]]]:
    """The chosen changes of each profile as :class:`Change` objects: by gain, largest first, ties
    in ladder order; one change per set of edits (the first)."""
    starts = np.cumsum([profile_count, *(family.size for family in families)])[:-1]
    rows = starts[chosen.family] + chosen.index
    totals = states.scores.total.astype(np.int64)
    gains = totals[rows] - totals[chosen.profile]
    bits, keys = _met_bits(states)
    order = np.lexsort((chosen.ladder_order, -gains, ~chosen.by_points, chosen.profile))
    rows = rows[order]
    owners = chosen.profile[order]
    gained = bits[rows] & ~bits[owners]
    lost = bits[owners] & ~bits[rows]
    results: list[tuple[list[Change], list[Change]]] = [([], []) for _ in range(profile_count)]
    outcomes: dict[tuple[int, ...], list[dict[str, object]]] = {}
    names: dict[int, tuple[str, ...]] = {}

    def named(bits: int) -> tuple[str, ...]:
        if bits not in names:
            names[bits] = tuple(key for position, key in enumerate(keys) if bits >> position & 1)
        return names[bits]

    for profile, family, index, by_points, total, gain, gained_bits, lost_bits, fsw_points in zip(
        owners.tolist(),
        chosen.family[order].tolist(),
        chosen.index[order].tolist(),
        chosen.by_points[order].tolist(),
        totals[rows].tolist(),
        gains[order].tolist(),
        gained.tolist(),
        lost.tolist(),
        states.fsw_points[rows].tolist(),
        strict=True,
    ):
        words, edits = families[family].describe(index)
        # Equal edits give equal outcomes: edits are compared only where an outcome repeats.
        same_outcome = outcomes.setdefault((profile, total, fsw_points, gained_bits, lost_bits), [])
        if edits in same_outcome:
            continue
        same_outcome.append(edits)
        change = Change(words, edits, total, gain, named(gained_bits), named(lost_bits), fsw_points)
        results[profile][0 if by_points else 1].append(change)
    return results


# --- the use case -----------------------------------------------------------------------------

# Profiles whose variants go through the engine together (about 20 rows each): large batches go
# in passes of this many, so that memory stays bounded.
PROFILES_PER_PASS = 5_000


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a batch's many small result objects are made
    (none of them forms a cycle): otherwise each of its full passes walks every object alive,
    which made building 10,000 profiles' results several times slower (scripts/bench_whatif.py)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def whatif(profiles: Sequence[Profile], on: datetime.date) -> list[WhatIf | ProfileFailure]:
    """The what-if of every validated profile on ``on``, in order; a profile that cannot be scored
    on the day gets the error ``openentry score`` gives it."""
    with collector_paused():
        return [
            result
            for start in range(0, len(profiles), PROFILES_PER_PASS)
            for result in _whatif(profiles[start : start + PROFILES_PER_PASS], on)
        ]


def _whatif(profiles: Sequence[Profile], on: datetime.date) -> list[WhatIf | ProfileFailure]:
    snapshot = rules_package.at(on)
    base = table_from_profiles(profiles)
    families = variant_families(snapshot, profiles, base)
    states = assess_rows(variant_table(base, families), on)
    variant_errors = [row for row in states.errors if row >= len(profiles)]
    failed = set(states.errors)
    for row in variant_errors:
        owner = _owner(families, len(profiles), row)
        if owner not in failed:
            raise AssertionError(
                f"a variant of profile {owner} failed where the profile did not: {states.errors[row]}"
            )
    chosen = _chosen_without(choose(families, states, len(profiles)), failed)
    changes = _profile_changes(families, states, chosen, len(profiles))
    results: list[WhatIf | ProfileFailure] = []
    for row, profile in enumerate(profiles):
        if row in states.errors:
            field_path, message = states.errors[row]
            results.append(ProfileFailure(profile.id, field_path, message))
            continue
        by_points, eligibility_only = changes[row]
        results.append(
            WhatIf(
                id=profile.id,
                on=on,
                total=int(states.scores.total[row]),
                levels=level_lines(states.factors, row, profile),
                eligibility=states.eligibility(row),
                changes=tuple(by_points),
                eligibility_only=tuple(eligibility_only),
                rules=snapshot.version,
            )
        )
    return results


def _owner(families: Sequence[Variants], profile_count: int, row: int) -> int:
    if row < profile_count:
        return row
    offset = row - profile_count
    for family in families:
        if offset < family.size:
            return int(family.profiles[offset])
        offset -= family.size
    raise IndexError(row)


def _chosen_without(chosen: _Chosen, failed: set[int]) -> _Chosen:
    if not failed:
        return chosen
    keep = ~np.isin(chosen.profile, np.array(sorted(failed), dtype=np.int64))
    return _Chosen(
        chosen.profile[keep],
        chosen.family[keep],
        chosen.index[keep],
        chosen.by_points[keep],
        chosen.ladder_order[keep],
    )


def failure_lines(
    raw_profiles: Sequence[RawProfile], errors: Mapping[int, ProfileError]
) -> dict[int, dict[str, object]]:
    """The error line of each profile that failed validation, as ``openentry score`` writes it."""
    lines: dict[int, dict[str, object]] = {}
    for position, error in errors.items():
        raw_id = raw_profiles[position].raw_id
        failure = ProfileFailure(raw_id if isinstance(raw_id, str) else None, error.field, error.message)
        lines[position] = failure.as_dict()
    return lines


def whatif_profiles(
    raw_profiles: Sequence[RawProfile], on: datetime.date, require_id: bool = False
) -> list[dict[str, object]]:
    """What-if lines (interfaces.md §7) for decoded JSON profiles, one per input, in order."""
    valid, positions, errors = validate_profiles(raw_profiles, require_id)
    results: list[dict[str, object]] = [{} for _ in raw_profiles]
    for position, line in failure_lines(raw_profiles, errors).items():
        results[position] = line
    answers = whatif(valid, on)
    with collector_paused():
        for position, result in zip(positions, answers, strict=True):
            results[position] = result.as_dict()
    return results
