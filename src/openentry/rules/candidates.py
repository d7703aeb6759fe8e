"""Candidates as arrays: the facts a profile declares, and the factors the formulas read.

:class:`ProfileColumns` is a pool of profiles as columns of integer codes, numbers and dates
(one row a candidate), whatever it came from (JSON, Parquet, the database). On a scoring day,
:func:`derive_factors` turns it into :class:`CandidateFactors`: age on that day, CLB/NCLC
levels from the test results under the tables of their test dates, the spouse column of
crs-and-programs.md §1.1, and the years of skilled work the CRS counts. Problems that only show
on a date (a test not yet accepted, a result dated after the day, an invalid score on the scale
of its date, an age beyond :data:`MAXIMUM_AGE`) come back per row.

Work experience, one rule for every path (interfaces.md §1 ``work_history``): where a profile
gives a work history, the skilled (TEER 0-3) Canadian and foreign years the CRS counts are the
whole years of 1,560 hours of it in the last 10 years up to the scoring day (crs-and-programs.md
§1.6, §3.1), the derivation eligibility uses; the declared ``canadian_work_years`` and
``foreign_work_years`` are then only compared with it, and a disagreement is a warning on the
row. Without a work history, the declared years count.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field
from typing import Final

import numpy as np
from numpy.typing import NDArray

from openentry.rules import codes, language
from openentry.rules.eligibility.work import Jobs, hours_in_window, whole_years
from openentry.rules.language import ConvertedLanguage, LanguageResults
from openentry.rules.noc import catalogue
from openentry.rules.snapshot import WITH_SPOUSE, WITHOUT_SPOUSE, LanguageRules, RulesSnapshot

Flags = NDArray[np.bool_]

# The oldest age a profile can state or imply on its scoring day. A validation bound on the facts
# (no candidate is older), not a rule of law: the CRS gives no points from age 45.
MAXIMUM_AGE: Final = 120


def no_jobs() -> Jobs:
    """An empty work history (no job for any row)."""
    return Jobs(
        owner=np.zeros(0, dtype=np.int64),
        noc=np.zeros(0, dtype=np.int64),
        start=np.zeros(0, dtype="datetime64[D]"),
        end=np.zeros(0, dtype="datetime64[D]"),
        hours_per_week=np.zeros(0, dtype=np.float64),
        in_canada=np.zeros(0, dtype=np.bool_),
        self_employed=np.zeros(0, dtype=np.bool_),
        full_time_student=np.zeros(0, dtype=np.bool_),
    )


@dataclass(frozen=True)
class ProfileColumns:
    """n profiles as columns (shared/spec/interfaces.md §1). ``age`` is -1 where ``birth_date`` is given."""

    age: NDArray[np.int16]
    birth_date: NDArray[np.datetime64]
    marital_status: NDArray[np.int8]
    spouse_accompanying: Flags
    spouse_canadian: Flags
    education: NDArray[np.int8]
    canadian_education: NDArray[np.int8]
    first_language: LanguageResults
    second_language: LanguageResults
    canadian_work_years: NDArray[np.int16]
    foreign_work_years: NDArray[np.int16]
    certificate_of_qualification: Flags
    job_offer: NDArray[np.int8]
    provincial_nomination: Flags
    sibling_in_canada: Flags
    spouse_education: NDArray[np.int8]
    spouse_language: LanguageResults
    spouse_canadian_work_years: NDArray[np.int16]
    # The jobs of every row, flattened (``jobs.owner`` is the row), and the rows that give a work
    # history (a non-empty ``work_history``).
    jobs: Jobs = field(default_factory=no_jobs)
    has_work_history: Flags | None = None

    @property
    def size(self) -> int:
        return int(self.age.shape[0])


@dataclass(frozen=True)
class CandidateFactors:
    """What the CRS formulas read, for n candidates on one day.

    The (n, 4) language levels are column-major when derived (each ability contiguous), so a
    formula reading one ability, or the lowest of the four, streams through memory.
    """

    column: NDArray[np.int8]  # WITH_SPOUSE or WITHOUT_SPOUSE
    age: NDArray[np.int16]
    education: NDArray[np.int8]
    first_language: NDArray[np.int8]  # (n, 4) levels
    second_language: NDArray[np.int8]  # (n, 4) levels, 0 without a result
    # The years as declared (eligibility compares them with the work history).
    canadian_work_years: NDArray[np.int16]
    foreign_work_years: NDArray[np.int16]
    certificate_of_qualification: Flags
    job_offer: NDArray[np.int8]
    provincial_nomination: Flags
    sibling_in_canada: Flags
    canadian_education: NDArray[np.int8]
    spouse_education: NDArray[np.int8]
    spouse_language: NDArray[np.int8]  # (n, 4) levels
    spouse_canadian_work_years: NDArray[np.int16]
    french: NDArray[np.int8]  # (n, 4) French levels, whichever language slot holds them
    has_french: Flags
    english: NDArray[np.int8]
    has_english: Flags
    # Results too old on the day (language.convert): the first-language result, and the French or
    # English result in whichever slot it sits. The scorer still scores them (with a warning);
    # eligibility counts them for nothing.
    first_language_expired: Flags
    french_expired: Flags
    english_expired: Flags
    # The years the CRS counts: from the work history on the day where one is given, else declared.
    counted_canadian_work_years: NDArray[np.int16]
    counted_foreign_work_years: NDArray[np.int16]

    @property
    def size(self) -> int:
        return int(self.age.shape[0])

    @functools.cached_property
    def with_spouse(self) -> Flags:
        flags: Flags = self.column == WITH_SPOUSE
        return flags

    @functools.cached_property
    def lowest_first_language(self) -> NDArray[np.int8]:
        """The first official language at its lowest ability."""
        return _lowest(self.first_language)

    @functools.cached_property
    def lowest_french(self) -> NDArray[np.int8]:
        return _lowest(self.french)

    @functools.cached_property
    def lowest_english(self) -> NDArray[np.int8]:
        return _lowest(self.english)


def _lowest(levels: NDArray[np.int8]) -> NDArray[np.int8]:
    lowest: NDArray[np.int8] = levels.min(axis=1)
    return lowest


@dataclass(frozen=True)
class FactorProblems:
    """Per-row problems found while deriving factors on a day.

    ``errors`` maps a row to (field path, message): the row cannot be scored. ``warnings``
    maps a row to messages about a result that takes the profile out of the pool.
    """

    errors: dict[int, tuple[str, str]] = field(default_factory=dict)
    warnings: dict[int, list[tuple[str, str]]] = field(default_factory=dict)


def _describe_language(
    prefix: str,
    converted: ConvertedLanguage,
    results: LanguageResults,
    scoring_day: datetime.date,
    language_rules: LanguageRules,
    problems: FactorProblems,
) -> None:
    validity_years = language_rules.result_validity_years
    for row in np.flatnonzero(converted.has_error | converted.expired):
        row_index = int(row)
        test = codes.LANGUAGE_TESTS[int(results.tests[row])]
        if row_index in problems.errors:
            continue
        if converted.after_scoring_day[row]:
            problems.errors[row_index] = (
                f"{prefix}.test_date",
                f"{results.test_dates[row]} is after the scoring date {scoring_day.isoformat()}",
            )
        elif converted.scale_not_yet[row]:
            eras = language_rules.tests[test]
            new_scale = codes.TEF_SCALES[len(eras) - 1] if len(eras) <= len(codes.TEF_SCALES) else ""
            since = eras[-1].effective.isoformat() if len(eras) > 1 else "a later date"
            problems.errors[row_index] = (
                f"{prefix}.scale",
                f"the {new_scale or 'named'} scale is for TEF Canada tests taken from {since}; this result "
                f"is dated {results.test_dates[row]}: use 'old' or leave scale out",
            )
        elif converted.not_accepted[row]:
            problems.errors[row_index] = (
                f"{prefix}.test",
                f"{test} results are not accepted on the date of this result or on {scoring_day.isoformat()}",
            )
        elif converted.invalid_score[row].any():
            ability_code = int(np.flatnonzero(converted.invalid_score[row])[0])
            ability = codes.ABILITIES[ability_code]
            value = results.scores[row, ability_code]
            result_day = (
                results.test_dates[row]
                if not np.isnat(results.test_dates[row])
                else np.datetime64(scoring_day)
            )
            table = next(
                era.table
                for era in reversed(language_rules.tests[test])
                if np.datetime64(era.effective, "D") <= result_day and era.table is not None
            )
            scale = table.abilities[ability_code]
            problems.errors[row_index] = (
                f"{prefix}.{ability}",
                f"{value:g} is not a {test} {ability} score; allowed {scale.minimum:g} to {scale.maximum:g} "
                f"in steps of {scale.step:g}",
            )
        elif converted.expired[row]:
            problems.warnings.setdefault(row_index, []).append(
                (
                    f"{prefix}.test_date",
                    f"result of {results.test_dates[row]} is {validity_years} years old or more on "
                    f"{scoring_day.isoformat()}: the profile would no longer be in the pool",
                )
            )


# By marital status code: married or common-law.
_PARTNERED = np.array([status in codes.PARTNERED_STATUSES for status in codes.MARITAL_STATUSES])


def _either(
    first: NDArray[np.int8], first_is: Flags, second: NDArray[np.int8], second_is: Flags
) -> NDArray[np.int8]:
    """Levels (n, 4) from the first result where ``first_is``, else from the second where
    ``second_is``, else 0."""
    levels: NDArray[np.int8] = first * first_is[:, None] + second * (second_is & ~first_is)[:, None]
    return levels


def derive_factors(rules: RulesSnapshot, profiles: ProfileColumns) -> tuple[CandidateFactors, FactorProblems]:
    """The factors of every profile on ``rules.day``, and the rows that cannot be scored."""
    day = rules.day
    problems = FactorProblems()
    converted: dict[str, ConvertedLanguage] = {}
    for prefix, results in (
        ("first_language", profiles.first_language),
        ("second_language", profiles.second_language),
        ("spouse_language", profiles.spouse_language),
    ):
        converted[prefix] = language.convert(rules.language, results, day)
        _describe_language(prefix, converted[prefix], results, day, rules.language, problems)

    has_birth_date = ~np.isnat(profiles.birth_date)
    age = profiles.age.astype(np.int16, copy=True)
    if has_birth_date.any():
        computed = language.whole_years_between(profiles.birth_date[has_birth_date], day)
        age[has_birth_date] = computed.astype(np.int16)
        for row in np.flatnonzero(has_birth_date)[computed < 0]:
            problems.errors.setdefault(
                int(row),
                ("birth_date", f"{profiles.birth_date[row]} is after the scoring date {day.isoformat()}"),
            )
        too_old = np.flatnonzero(has_birth_date)[computed > MAXIMUM_AGE]
        for row in too_old:
            problems.errors.setdefault(
                int(row),
                (
                    "birth_date",
                    f"{profiles.birth_date[row]} gives an age of {int(age[row])} on {day.isoformat()}; "
                    f"allowed ages 0 to {MAXIMUM_AGE}",
                ),
            )
    age = np.maximum(age, 0).astype(np.int16)
    counted_canadian, counted_foreign = _counted_work_years(rules, profiles, problems)

    partnered = np.take(_PARTNERED, profiles.marital_status)
    with_spouse = partnered & profiles.spouse_accompanying & ~profiles.spouse_canadian
    column = np.where(with_spouse, WITH_SPOUSE, WITHOUT_SPOUSE).astype(np.int8)

    first = converted["first_language"].levels
    second = converted["second_language"].levels
    first_is_french = language.is_french(profiles.first_language.tests)
    second_is_french = language.is_french(profiles.second_language.tests)
    first_is_english = language.is_english(profiles.first_language.tests)
    second_is_english = language.is_english(profiles.second_language.tests)
    french = _either(first, first_is_french, second, second_is_french)
    english = _either(first, first_is_english, second, second_is_english)
    first_expired = converted["first_language"].expired
    second_expired = converted["second_language"].expired

    factors = CandidateFactors(
        column=column,
        age=age,
        education=profiles.education,
        first_language=first,
        second_language=second,
        canadian_work_years=profiles.canadian_work_years,
        foreign_work_years=profiles.foreign_work_years,
        certificate_of_qualification=profiles.certificate_of_qualification,
        job_offer=profiles.job_offer,
        provincial_nomination=profiles.provincial_nomination,
        sibling_in_canada=profiles.sibling_in_canada,
        canadian_education=profiles.canadian_education,
        spouse_education=profiles.spouse_education,
        spouse_language=converted["spouse_language"].levels,
        spouse_canadian_work_years=profiles.spouse_canadian_work_years,
        french=french,
        has_french=first_is_french | second_is_french,
        english=english,
        has_english=first_is_english | second_is_english,
        first_language_expired=first_expired,
        french_expired=(first_is_french & first_expired) | (second_is_french & second_expired),
        english_expired=(first_is_english & first_expired) | (second_is_english & second_expired),
        counted_canadian_work_years=counted_canadian,
        counted_foreign_work_years=counted_foreign,
    )
    return factors, problems


def skilled_years_from_history(
    rules: RulesSnapshot, jobs: Jobs, size: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Whole years of skilled (TEER 0-3) Canadian and foreign work in the declared-years window
    (10 years) up to ``rules.day``, from the jobs (crs-and-programs.md §1.6, §3.1: 1,560 hours a
    year, weekly hours counted up to full time; the same derivation as eligibility's)."""
    programs = rules.eligibility.programs
    if jobs.size == 0:
        return np.zeros(size, dtype=np.int64), np.zeros(size, dtype=np.int64)
    full_time = programs.full_time_hours_per_week
    skilled = np.take(_skilled_by_code(programs.skilled_teers), jobs.noc)
    hours = hours_in_window(jobs, rules.day, programs.declared_years_window, full_time)
    # The hours of skilled jobs summed per (row, in Canada) in one pass: total_hours' sums, as the
    # other jobs add 0.0 (row r's foreign hours are bin 2r, its Canadian hours bin 2r + 1).
    by_place = np.bincount(
        jobs.owner * 2 + jobs.in_canada, weights=np.where(skilled, hours, 0.0), minlength=2 * size
    ).reshape(size, 2)
    canadian = whole_years(np.ascontiguousarray(by_place[:, 1]), programs.hours_per_year)
    foreign = whole_years(np.ascontiguousarray(by_place[:, 0]), programs.hours_per_year)
    return canadian, foreign


@functools.cache
def _skilled_by_code(skilled_teers: tuple[int, ...]) -> Flags:
    """Whether each NOC code (as an integer) is in a skilled TEER, and False at the end, where
    code -1 (no valid code) falls."""
    flags: Flags = np.append(np.isin(catalogue().teer_by_code, skilled_teers), False)
    return flags


def _counted_work_years(
    rules: RulesSnapshot, profiles: ProfileColumns, problems: FactorProblems
) -> tuple[NDArray[np.int16], NDArray[np.int16]]:
    """The years the CRS counts (module docstring), with a warning where the declared years disagree."""
    has_history = profiles.has_work_history
    if has_history is None or not has_history.any():
        return profiles.canadian_work_years, profiles.foreign_work_years
    canadian, foreign = skilled_years_from_history(rules, profiles.jobs, profiles.size)
    declared_canadian = profiles.canadian_work_years
    declared_foreign = profiles.foreign_work_years
    canadian_differs = has_history & (canadian != declared_canadian)
    foreign_differs = has_history & (foreign != declared_foreign)
    window = rules.eligibility.programs.declared_years_window
    for row in np.flatnonzero(canadian_differs | foreign_differs):
        problems.warnings.setdefault(int(row), []).append(
            (
                "canadian_work_years" if canadian_differs[row] else "foreign_work_years",
                f"declared canadian_work_years {int(declared_canadian[row])} "
                f"and foreign_work_years {int(declared_foreign[row])} "
                f"disagree with the work history ({int(canadian[row])} "
                f"and {int(foreign[row])} whole years of skilled work "
                f"in the last {window} years); the work history is used",
            )
        )
    counted_canadian = np.where(has_history, canadian, declared_canadian).astype(np.int16)
    counted_foreign = np.where(has_history, foreign, declared_foreign).astype(np.int16)
    return counted_canadian, counted_foreign
