"""Eligibility rules resolved for one day, from ``programs/``, ``categories/`` and ``provinces/``.

Builds :class:`EligibilityRules` for a :class:`~openentry.rules.snapshot.RulesSnapshot`. Category
occupation lists come from ``data/ee_category_nocs.csv`` by the list version that the category's
parameter file names for the day; a provincial stream is any folder under ``provinces/`` with a
``requirements`` file (and optionally ``targeted_nocs`` and ``targeted_draw_primary_noc_months``),
so another province's stream is a new file, not new code.
"""

from __future__ import annotations

import csv
import datetime
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from openentry.rules import codes
from openentry.rules.noc import catalogue
from openentry.rules.tree import ParameterError

CATEGORY_LISTS_PATH = Path(__file__).resolve().parent.parent.parent / "data" / "ee_category_nocs.csv"
FEDERAL_PROGRAMS = ("fsw", "cec", "fst")
FRENCH_CATEGORY = "french"

Reader = Callable[[str], object]
Membership = NDArray[np.bool_]


@dataclass(frozen=True)
class ExperienceRule:
    """So many years (counted in hours) of work within a window of years before the day."""

    years: int
    window_years: int


@dataclass(frozen=True)
class FswRules:
    experience: ExperienceRule
    minimum_language: int
    minimum_education: int  # code of codes.EDUCATION_LEVELS
    pass_mark: int
    first_language_points: NDArray[np.int16]  # step table by CLB level, per ability
    second_language_minimum: int
    second_language_points: int
    education_points: NDArray[np.int16]  # by education code
    experience_points: NDArray[np.int16]  # step table by whole years
    age_points: NDArray[np.int16]  # step table by age
    arranged_employment_points: int
    adaptability: Mapping[str, Mapping[str, int] | int]


@dataclass(frozen=True)
class ProgramRules:
    hours_per_year: int
    full_time_hours_per_week: int
    skilled_teers: tuple[int, ...]
    declared_years_window: int
    fsw: FswRules
    cec_experience: ExperienceRule
    cec_minimum_language: Mapping[int, int]  # by TEER
    fst_experience: ExperienceRule
    fst_minimum_language: tuple[int, ...]  # in codes.ABILITIES order
    fst_trades: Membership
    funds_by_family_size: NDArray[np.int64]  # index = family size (0 unused)
    funds_each_additional: int


@dataclass(frozen=True)
class OccupationCategory:
    key: str
    name: str
    list_version: str
    nocs: Membership
    codes: tuple[str, ...]
    months: int
    continuous: bool
    window_years: int
    canadian_experience_only: bool
    minimum_education: int | None
    job_offer_required: bool


@dataclass(frozen=True)
class FrenchCategory:
    list_version: str
    minimum_nclc: int


@dataclass(frozen=True)
class TargetedList:
    label: str
    nocs: Membership


@dataclass(frozen=True)
class ProvincialStream:
    key: str
    name: str
    province: str
    federal_programs: tuple[str, ...]
    minimum_education: int | None
    minimum_clb_any_official: int | None
    minimum_nclc_french: int | None
    minimum_clb_english: int | None
    experience: ExperienceRule
    experience_canadian_only: bool
    experience_nocs: Membership | None
    settlement_funds: bool
    targeted: TargetedList | None
    # Months of experience in the primary NOC that a targeted draw asks for (None: no such rule).
    targeted_draw_primary_noc_months: int | None = None


@dataclass(frozen=True)
class EligibilityRules:
    programs: ProgramRules
    categories: tuple[OccupationCategory, ...]
    french: FrenchCategory | None
    streams: tuple[ProvincialStream, ...]

    @property
    def category_keys(self) -> tuple[str, ...]:
        occupation_keys = tuple(category.key for category in self.categories)
        return ((FRENCH_CATEGORY,) if self.french is not None else ()) + occupation_keys


def _mapping(value: object, where: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise ParameterError(f"{where}: expected a mapping, found {value!r}")
    return {str(key): item for key, item in value.items()}


def _integer(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParameterError(f"{where}: expected a whole number, found {value!r}")
    return value


def _flag(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise ParameterError(f"{where}: expected true or false, found {value!r}")
    return value


def _strings(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ParameterError(f"{where}: expected a list of texts, found {value!r}")
    return tuple(value)


def _step(value: object, where: str) -> NDArray[np.int16]:
    table = _mapping(value, where)
    pairs = sorted((int(key), _integer(points, f"{where}[{key}]")) for key, points in table.items())
    array = np.zeros(pairs[-1][0] + 1, dtype=np.int16)
    for threshold, points in pairs:
        array[threshold:] = points
    array.setflags(write=False)
    return array


def _education_code(value: object, where: str) -> int:
    if value not in codes.EDUCATION_LEVELS:
        raise ParameterError(f"{where}: {value!r} is not one of {list(codes.EDUCATION_LEVELS)}")
    return codes.EDUCATION_LEVELS.index(str(value))


def _experience(value: object, where: str) -> ExperienceRule:
    table = _mapping(value, where)
    return ExperienceRule(
        _integer(table["years"], f"{where}.years"), _integer(table["window_years"], f"{where}.window_years")
    )


def _groups(value: object, where: str) -> Membership:
    table = _mapping(value, where)
    return catalogue().codes_with_prefixes(
        _strings(table["include"], f"{where}.include"), _strings(table.get("exclude", []), f"{where}.exclude")
    )


def _programs(read: Reader) -> ProgramRules:
    education_table = _mapping(read("programs.fsw.grid.education"), "programs.fsw.grid.education")
    if set(education_table) != set(codes.EDUCATION_LEVELS):
        raise ParameterError(
            f"programs.fsw.grid.education: keys must be exactly {list(codes.EDUCATION_LEVELS)}"
        )
    second = _mapping(read("programs.fsw.grid.second_language"), "programs.fsw.grid.second_language")
    adaptability_raw = _mapping(read("programs.fsw.grid.adaptability"), "programs.fsw.grid.adaptability")
    adaptability: dict[str, Mapping[str, int] | int] = {}
    for name, item in adaptability_raw.items():
        where = f"programs.fsw.grid.adaptability.{name}"
        adaptability[name] = (
            {key: _integer(number, f"{where}.{key}") for key, number in _mapping(item, where).items()}
            if isinstance(item, Mapping)
            else _integer(item, where)
        )
    fsw = FswRules(
        experience=_experience(read("programs.fsw.experience"), "programs.fsw.experience"),
        minimum_language=_integer(read("programs.fsw.minimum_language"), "programs.fsw.minimum_language"),
        minimum_education=_education_code(
            read("programs.fsw.minimum_education"), "programs.fsw.minimum_education"
        ),
        pass_mark=_integer(read("programs.fsw.pass_mark"), "programs.fsw.pass_mark"),
        first_language_points=_step(
            read("programs.fsw.grid.first_language"), "programs.fsw.grid.first_language"
        ),
        second_language_minimum=_integer(
            second["minimum_clb"], "programs.fsw.grid.second_language.minimum_clb"
        ),
        second_language_points=_integer(second["points"], "programs.fsw.grid.second_language.points"),
        education_points=np.array(
            [
                _integer(education_table[level], f"programs.fsw.grid.education.{level}")
                for level in codes.EDUCATION_LEVELS
            ],
            dtype=np.int16,
        ),
        experience_points=_step(read("programs.fsw.grid.experience"), "programs.fsw.grid.experience"),
        age_points=_step(read("programs.fsw.grid.age"), "programs.fsw.grid.age"),
        arranged_employment_points=_integer(
            read("programs.fsw.grid.arranged_employment"), "programs.fsw.grid.arranged_employment"
        ),
        adaptability=adaptability,
    )
    cec_language = _mapping(read("programs.cec.minimum_language"), "programs.cec.minimum_language")
    fst_language = _mapping(read("programs.fst.minimum_language"), "programs.fst.minimum_language")
    funds = _mapping(read("programs.proof_of_funds"), "programs.proof_of_funds")
    by_size = _mapping(funds["by_family_size"], "programs.proof_of_funds.by_family_size")
    sizes = sorted(int(size) for size in by_size)
    if sizes != list(range(1, len(sizes) + 1)):
        raise ParameterError(
            "programs.proof_of_funds.by_family_size: sizes must run 1, 2, 3, ... without gaps"
        )
    funds_table = np.array(
        [0] + [_integer(by_size[str(size)], f"proof_of_funds[{size}]") for size in sizes], dtype=np.int64
    )
    return ProgramRules(
        hours_per_year=_integer(read("programs.work.hours_per_year"), "programs.work.hours_per_year"),
        full_time_hours_per_week=_integer(
            read("programs.work.full_time_hours_per_week"), "programs.work.full_time_hours_per_week"
        ),
        skilled_teers=tuple(
            _integer(teer, "programs.work.skilled_teers")
            for teer in list(read("programs.work.skilled_teers"))  # type: ignore[call-overload]
        ),
        declared_years_window=_integer(
            read("programs.work.declared_years_window"), "programs.work.declared_years_window"
        ),
        fsw=fsw,
        cec_experience=_experience(read("programs.cec.experience"), "programs.cec.experience"),
        cec_minimum_language={
            int(teer): _integer(level, "programs.cec.minimum_language")
            for teer, level in cec_language.items()
        },
        fst_experience=_experience(read("programs.fst.experience"), "programs.fst.experience"),
        fst_minimum_language=tuple(
            _integer(fst_language[ability], f"programs.fst.minimum_language.{ability}")
            for ability in codes.ABILITIES
        ),
        fst_trades=_groups(read("programs.fst.trades"), "programs.fst.trades"),
        funds_by_family_size=funds_table,
        funds_each_additional=_integer(funds["each_additional"], "programs.proof_of_funds.each_additional"),
    )


@functools.cache
def _category_lists() -> dict[
    tuple[str, str], tuple[str, datetime.date, datetime.date | None, tuple[str, ...]]
]:
    """(category key, list version) -> (category name, effective from, effective to, NOC codes)."""
    lists: dict[tuple[str, str], tuple[str, datetime.date, datetime.date | None, list[str]]] = {}
    with CATEGORY_LISTS_PATH.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            key = (row["category_key"], row["list_version"])
            end = datetime.date.fromisoformat(row["effective_to"]) if row["effective_to"] else None
            entry = lists.setdefault(
                key, (row["category_name"], datetime.date.fromisoformat(row["effective_from"]), end, [])
            )
            entry[3].append(row["noc_code"])
    return {key: (name, start, end, tuple(nocs)) for key, (name, start, end, nocs) in lists.items()}


def _categories(
    read: Reader, parameter_names: tuple[str, ...], day: datetime.date
) -> tuple[tuple[OccupationCategory, ...], FrenchCategory | None]:
    occupation: list[OccupationCategory] = []
    french: FrenchCategory | None = None
    for name in parameter_names:
        if not name.startswith("categories."):
            continue
        key = name.removeprefix("categories.")
        value = read(name)
        if value is None:
            continue
        table = _mapping(value, name)
        version = str(table["list_version"])
        if key == FRENCH_CATEGORY:
            french = FrenchCategory(version, _integer(table["minimum_nclc"], f"{name}.minimum_nclc"))
            continue
        listed = _category_lists().get((key, version))
        if listed is None:
            raise ParameterError(f"{name}: no list {version!r} for {key!r} in {CATEGORY_LISTS_PATH.name}")
        category_name, start, end, nocs = listed
        if not (start <= day and (end is None or day <= end)):
            raise ParameterError(f"{name}: list {version!r} is in force from {start} to {end}, not on {day}")
        unknown = [code for code in nocs if code not in catalogue()]
        if unknown:
            raise ParameterError(f"{name}: list {version!r} has codes not in NOC 2021: {unknown}")
        minimum_education = table.get("minimum_education")
        occupation.append(
            OccupationCategory(
                key=key,
                name=category_name,
                list_version=version,
                nocs=catalogue().codes_with_prefixes(nocs),
                codes=nocs,
                months=_integer(table["months"], f"{name}.months"),
                continuous=_flag(table["continuous"], f"{name}.continuous"),
                window_years=_integer(table["window_years"], f"{name}.window_years"),
                canadian_experience_only=_flag(
                    table["canadian_experience_only"], f"{name}.canadian_experience_only"
                ),
                minimum_education=None
                if minimum_education is None
                else _education_code(minimum_education, name),
                job_offer_required=_flag(
                    table.get("job_offer_required", False), f"{name}.job_offer_required"
                ),
            )
        )
    return tuple(occupation), french


def _optional_integer(value: object, where: str) -> int | None:
    return None if value is None else _integer(value, where)


def _streams(read: Reader, parameter_names: tuple[str, ...]) -> tuple[ProvincialStream, ...]:
    streams: list[ProvincialStream] = []
    for name in parameter_names:
        if not (name.startswith("provinces.") and name.endswith(".requirements")):
            continue
        folder = name.removesuffix(".requirements")
        targeted_name = f"{folder}.targeted_nocs"
        targeted_value = read(targeted_name) if targeted_name in parameter_names else None
        months_name = f"{folder}.targeted_draw_primary_noc_months"
        months_value = read(months_name) if months_name in parameter_names else None
        value = read(name)
        if value is None:
            continue
        table = _mapping(value, name)
        programs = _strings(table["federal_programs"], f"{name}.federal_programs")
        if not set(programs) <= set(FEDERAL_PROGRAMS):
            raise ParameterError(f"{name}.federal_programs: allowed {list(FEDERAL_PROGRAMS)}")
        province = str(table["province"])
        if province not in codes.PROVINCES:
            raise ParameterError(f"{name}.province: {province!r} is not one of {list(codes.PROVINCES)}")
        experience = _mapping(table["experience"], f"{name}.experience")
        groups = experience.get("noc_groups")
        minimum_education = table.get("minimum_education")
        targeted = None
        if targeted_value is not None:
            targeted_table = _mapping(targeted_value, targeted_name)
            targeted = TargetedList(str(targeted_table["label"]), _groups(targeted_table, targeted_name))
        streams.append(
            ProvincialStream(
                key=str(table["key"]),
                name=str(table["name"]),
                province=province,
                federal_programs=programs,
                minimum_education=None
                if minimum_education is None
                else _education_code(minimum_education, name),
                minimum_clb_any_official=_optional_integer(table.get("minimum_clb_any_official"), name),
                minimum_nclc_french=_optional_integer(table.get("minimum_nclc_french"), name),
                minimum_clb_english=_optional_integer(table.get("minimum_clb_english"), name),
                experience=_experience(experience, f"{name}.experience"),
                experience_canadian_only=_flag(
                    experience.get("canadian_only", False), f"{name}.experience.canadian_only"
                ),
                experience_nocs=None if groups is None else _groups(groups, f"{name}.experience.noc_groups"),
                settlement_funds=_flag(table["settlement_funds"], f"{name}.settlement_funds"),
                targeted=targeted,
                targeted_draw_primary_noc_months=_optional_integer(months_value, months_name),
            )
        )
    return tuple(streams)


def build_eligibility(read: Reader, parameter_names: tuple[str, ...], day: datetime.date) -> EligibilityRules:
    """The eligibility rules in force on ``day``; ``read(name)`` resolves a parameter for the day."""
    names = tuple(sorted(parameter_names))
    categories, french = _categories(read, names, day)
    return EligibilityRules(
        programs=_programs(read), categories=categories, french=french, streams=_streams(read, names)
    )
