"""The rules resolved for one day: a frozen snapshot of typed lookup tables.

``rules.at(day)`` gives a :class:`RulesSnapshot`; formulas are pure functions of a snapshot
and arrays of candidates and never see a date (shared/STYLE.md, habit 2). Building a snapshot
turns each parameter file into numpy lookup tables indexed by the integer codes of
:mod:`openentry.rules.codes`, and checks as it goes that every table is complete (every
education level, every CLB level, both spouse columns). The whole tree is validated at
start-up by building the snapshot of every era, so a malformed or unused file fails at once.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from openentry.rules import codes
from openentry.rules.eligibility.parameters import EligibilityRules, build_eligibility
from openentry.rules.tree import ParameterError, ParameterTree, load_tree

Points = NDArray[np.int16]
Codes = NDArray[np.int8]

# Column codes of the with/without-spouse tables (crs-and-programs.md §1.1).
WITH_SPOUSE = 0
WITHOUT_SPOUSE = 1


class _Resolver:
    """Reads parameter values for one day and remembers which parameters were read."""

    def __init__(self, tree: ParameterTree, day: datetime.date) -> None:
        self.tree = tree
        self.day = day
        self.used: set[str] = set()

    def value(self, name: str) -> object:
        self.used.add(name)
        return self.tree[name].value_at(self.day)

    def history(self, name: str) -> tuple[tuple[datetime.date, object], ...]:
        """Every dated value up to the day (for tables chosen by another date, like a test date)."""
        self.used.add(name)
        return tuple(
            (entry.effective, entry.value) for entry in self.tree[name].history if entry.effective <= self.day
        )


def _mapping(value: object, where: str) -> Mapping[object, object]:
    if not isinstance(value, Mapping):
        raise ParameterError(f"{where}: expected a mapping, found {value!r}")
    return value


def _integer(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParameterError(f"{where}: expected a whole number, found {value!r}")
    return value


def _number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ParameterError(f"{where}: expected a number, found {value!r}")
    return float(value)


def _frozen(array: NDArray[np.generic]) -> NDArray[np.generic]:
    array.setflags(write=False)
    return array


def step_table(value: object, where: str) -> Points:
    """A step table {threshold: points} as an array indexed by whole numbers 0..max threshold.

    An index takes the points of the largest threshold not above it; below the smallest
    threshold it gets 0. Callers clip their index to the last position ("or more").
    """
    table = _mapping(value, where)
    pairs = sorted(
        (_integer(key, f"{where} key"), _integer(points, f"{where}[{key}]")) for key, points in table.items()
    )
    if pairs[0][0] < 0:
        raise ParameterError(f"{where}: thresholds must be 0 or more")
    array = np.zeros(pairs[-1][0] + 1, dtype=np.int16)
    for threshold, points in pairs:
        array[threshold:] = points
    return _frozen(array)  # type: ignore[return-value]


def keyed_table(value: object, vocabulary: tuple[str, ...], where: str) -> Points:
    """A table {vocabulary item: points} as an array indexed by the item's code; all items required."""
    table = _mapping(value, where)
    keys = {str(key) for key in table}
    if keys != set(vocabulary):
        raise ParameterError(
            f"{where}: keys must be exactly {list(vocabulary)}; missing {sorted(set(vocabulary) - keys)}, "
            f"unknown {sorted(keys - set(vocabulary))}"
        )
    array = np.array([_integer(table[key], f"{where}[{key}]") for key in vocabulary], dtype=np.int16)
    return _frozen(array)  # type: ignore[return-value]


def by_column(value: object, where: str, build: type[object] | None = None) -> Mapping[str, object]:
    table = _mapping(value, where)
    keys = {str(key) for key in table}
    if keys != set(codes.SPOUSE_COLUMNS):
        raise ParameterError(
            f"{where}: keys must be exactly {list(codes.SPOUSE_COLUMNS)}, found {sorted(keys)}"
        )
    return {str(key): item for key, item in table.items()}


def _column_step_table(value: object, where: str) -> Points:
    columns = by_column(value, where)
    with_spouse = step_table(columns["with_spouse"], f"{where}.with_spouse")
    without_spouse = step_table(columns["without_spouse"], f"{where}.without_spouse")
    if with_spouse.shape != without_spouse.shape:
        raise ParameterError(f"{where}: both columns must have the same thresholds")
    return _frozen(np.stack([with_spouse, without_spouse]))  # type: ignore[return-value]


def _column_keyed_table(value: object, vocabulary: tuple[str, ...], where: str) -> Points:
    columns = by_column(value, where)
    return _frozen(  # type: ignore[return-value]
        np.stack([keyed_table(columns[name], vocabulary, f"{where}.{name}") for name in codes.SPOUSE_COLUMNS])
    )


def _column_scalars(value: object, where: str) -> Points:
    columns = by_column(value, where)
    return _frozen(  # type: ignore[return-value]
        np.array(
            [_integer(columns[name], f"{where}.{name}") for name in codes.SPOUSE_COLUMNS], dtype=np.int16
        )
    )


def _tier_grid(value: object, tiers: tuple[str, ...], columns: tuple[str, ...], where: str) -> Points:
    """A grid {tier: {column: points}} as a (tier code, column code) array;
    tier and column 0 are 'none' = 0."""
    table = _mapping(value, where)
    expected = set(tiers[1:])
    if {str(key) for key in table} != expected:
        raise ParameterError(f"{where}: keys must be exactly {sorted(expected)}")
    grid = np.zeros((len(tiers), len(columns) + 1), dtype=np.int16)
    for tier_code, tier in enumerate(tiers[1:], start=1):
        row = _mapping(table[tier], f"{where}.{tier}")
        if {str(key) for key in row} != set(columns):
            raise ParameterError(f"{where}.{tier}: keys must be exactly {list(columns)}")
        for column_code, column in enumerate(columns, start=1):
            grid[tier_code, column_code] = _integer(row[column], f"{where}.{tier}.{column}")
    return _frozen(grid)  # type: ignore[return-value]


def _thresholds(value: object, names: tuple[str, ...], where: str) -> tuple[int, ...]:
    table = _mapping(value, where)
    if {str(key) for key in table} != set(names):
        raise ParameterError(f"{where}: keys must be exactly {list(names)}")
    found = tuple(_integer(table[name], f"{where}.{name}") for name in names)
    if list(found) != sorted(found):
        raise ParameterError(f"{where}: thresholds must increase")
    return found


def _vocabulary_codes(value: object, keys: tuple[str, ...], vocabulary: tuple[str, ...], where: str) -> Codes:
    """A mapping {key: vocabulary item} as an array of item codes indexed by key code."""
    table = _mapping(value, where)
    if {str(key) for key in table} != set(keys):
        raise ParameterError(f"{where}: keys must be exactly {list(keys)}")
    result = np.zeros(len(keys), dtype=np.int8)
    for index, key in enumerate(keys):
        item = str(table[key])
        if item not in vocabulary:
            raise ParameterError(f"{where}.{key}: {item!r} is not one of {list(vocabulary)}")
        result[index] = vocabulary.index(item)
    return _frozen(result)  # type: ignore[return-value]


def _step_codes(value: object, vocabulary: tuple[str, ...], where: str) -> Codes:
    table = _mapping(value, where)
    pairs = sorted((_integer(key, f"{where} key"), str(item)) for key, item in table.items())
    array = np.zeros(pairs[-1][0] + 1, dtype=np.int8)
    for threshold, item in pairs:
        if item not in vocabulary:
            raise ParameterError(f"{where}[{threshold}]: {item!r} is not one of {list(vocabulary)}")
        array[threshold:] = vocabulary.index(item)
    return _frozen(array)  # type: ignore[return-value]


@dataclass(frozen=True)
class CoreRules:
    """Section A tables, indexed [spouse column, value] (crs-and-programs.md §1.2-§1.6)."""

    age: Points
    education: Points
    first_language: Points
    second_language: Points
    second_language_cap: Points
    canadian_work: Points
    cap: Points


@dataclass(frozen=True)
class SpouseRules:
    """Section B tables (crs-and-programs.md §1.7)."""

    education: Points
    language: Points
    canadian_work: Points
    cap: int


@dataclass(frozen=True)
class TransferabilityRules:
    """Section C grids (crs-and-programs.md §1.8); grids are indexed [tier, column], code 0 = none."""

    education_tier: Codes
    language_thresholds: tuple[int, int]
    canadian_work_thresholds: tuple[int, int]
    education_with_language: Points
    education_with_canadian_work: Points
    education_cap: int
    foreign_work_tier: Codes
    foreign_work_with_language: Points
    foreign_work_with_canadian_work: Points
    foreign_work_cap: int
    certificate_language_thresholds: tuple[int, int]
    certificate_with_language: Points
    cap: int


@dataclass(frozen=True)
class AdditionalRules:
    """Section D (crs-and-programs.md §1.9). A factor not in force has zero points."""

    provincial_nomination: int
    arranged_employment: Points
    french_in_force: bool
    french_only: int
    bilingual: int
    french_nclc: int
    english_clb: int
    canadian_education: Points
    sibling: int
    cap: int


@dataclass(frozen=True)
class CrsRules:
    core: CoreRules
    spouse: SpouseRules
    transferability: TransferabilityRules
    additional: AdditionalRules


@dataclass(frozen=True)
class AbilityScale:
    """One ability of one test: the scores that exist, and the step table score -> level."""

    minimum: float
    maximum: float
    step: float
    thresholds: NDArray[np.float64]
    levels: Codes

    def step_levels(self, scores: NDArray[np.float64]) -> Codes:
        """The level of the highest threshold not above each score; 0 below the lowest."""
        positions = np.searchsorted(self.thresholds, scores, side="right") - 1
        levels: Codes = np.where(positions >= 0, self.levels[np.clip(positions, 0, None)], 0).astype(np.int8)
        return levels

    @functools.cached_property
    def grid(self) -> NDArray[np.float64]:
        """Every score of the scale, ``minimum`` to ``maximum`` by ``step``."""
        count = round((self.maximum - self.minimum) / self.step) + 1
        return _frozen(self.minimum + self.step * np.arange(count, dtype=np.float64))  # type: ignore[return-value]

    @functools.cached_property
    def grid_levels(self) -> Codes:
        """:meth:`step_levels` of each score of :attr:`grid` (a precomputed lookup)."""
        return _frozen(self.step_levels(self.grid))  # type: ignore[return-value]


@dataclass(frozen=True)
class LanguageTable:
    """A test's conversion table in one era: one :class:`AbilityScale` per ability, in ABILITIES order."""

    abilities: tuple[AbilityScale, ...]


@dataclass(frozen=True)
class LanguageEra:
    """A conversion table and the day from which results use it (``None``: the test not accepted)."""

    effective: datetime.date
    table: LanguageTable | None


@dataclass(frozen=True)
class LanguageRules:
    """For each test, its conversion tables by era up to the snapshot day (crs-and-programs.md §2).

    A result is read with the table in force on its own test date (the TEF Canada scale changed
    on 2023-12-11); the test must also be accepted on the scoring day.
    """

    tests: Mapping[str, tuple[LanguageEra, ...]]
    result_validity_years: int


@dataclass(frozen=True)
class RoundRules:
    """Durations of the pool and of invitations (crs-and-programs.md §4.1, §4.4; categories §3.1)."""

    ita_validity_days: int
    noi_validity_days: int
    pool_duration_months: int


@dataclass(frozen=True)
class RulesSnapshot:
    """Every rule in force on ``day``, resolved. ``era`` is the newest effective date not after it."""

    day: datetime.date
    era: datetime.date
    digest: str
    crs: CrsRules
    language: LanguageRules
    rounds: RoundRules
    eligibility: EligibilityRules = field(repr=False)
    used_parameters: frozenset[str] = field(repr=False)
    overlay_digest: str | None = None

    @property
    def hypothetical(self) -> bool:
        """True when these are the rules as a rule overlay changes them (rules/overlay.py)."""
        return self.overlay_digest is not None

    @property
    def version(self) -> dict[str, object]:
        """The rules version a result carries: the era's first day and a hash of every file that
        decides a result (the parameter files, the NOC catalogue and the category lists; see
        :func:`openentry.rules.tree.load_tree`). The key keeps its historical name. Under a rule
        overlay the hash covers the overlay too, and the version says so: ``hypothetical`` and
        the overlay file's own hash (interfaces.md §11)."""
        version: dict[str, object] = {
            "effective": self.era.isoformat(),
            "parameters_sha256": self.digest[:16],
        }
        if self.overlay_digest is not None:
            version["hypothetical"] = True
            version["overlay_sha256"] = self.overlay_digest[:16]
        return version


def _language_table(value: object, where: str) -> LanguageTable:
    table = _mapping(value, where)
    if {str(key) for key in table} != {"scale", "levels"}:
        raise ParameterError(f"{where}: keys must be exactly ['levels', 'scale']")
    scales = _mapping(table["scale"], f"{where}.scale")
    levels = _mapping(table["levels"], f"{where}.levels")
    abilities: list[AbilityScale] = []
    for ability in codes.ABILITIES:
        scale = _mapping(scales.get(ability), f"{where}.scale.{ability}")
        minimum = _number(scale.get("minimum"), f"{where}.scale.{ability}.minimum")
        maximum = _number(scale.get("maximum"), f"{where}.scale.{ability}.maximum")
        step = _number(scale.get("step"), f"{where}.scale.{ability}.step")
        if not (minimum < maximum and step > 0):
            raise ParameterError(f"{where}.scale.{ability}: needs minimum < maximum and a positive step")
        steps = _mapping(levels.get(ability), f"{where}.levels.{ability}")
        pairs = sorted(
            (_number(score, f"{where}.levels.{ability} key"), _integer(level, f"{where}.levels.{ability}"))
            for score, level in steps.items()
        )
        if [level for _, level in pairs] != sorted(level for _, level in pairs):
            raise ParameterError(f"{where}.levels.{ability}: levels must rise with the score")
        if pairs[0][0] < minimum or pairs[-1][0] > maximum:
            raise ParameterError(f"{where}.levels.{ability}: thresholds must lie on the scale")
        abilities.append(
            AbilityScale(
                minimum=minimum,
                maximum=maximum,
                step=step,
                thresholds=_frozen(np.array([score for score, _ in pairs], dtype=np.float64)),  # type: ignore[arg-type]
                levels=_frozen(np.array([level for _, level in pairs], dtype=np.int8)),  # type: ignore[arg-type]
            )
        )
    return LanguageTable(tuple(abilities))


# Language tables already built, by the identity of their parameter value (kept here, so that
# the identity is never reused): every era of a tree reads the same values of a test's history,
# and the tree is validated by building every era.
_language_tables: dict[int, tuple[object, LanguageTable]] = {}


def _shared_language_table(value: object, where: str) -> LanguageTable:
    found = _language_tables.get(id(value))
    if found is not None and found[0] is value:
        return found[1]
    table = _language_table(value, where)
    _language_tables[id(value)] = (value, table)
    return table


def _build_language(resolver: _Resolver) -> LanguageRules:
    tests: dict[str, tuple[LanguageEra, ...]] = {}
    for test in codes.LANGUAGE_TESTS[1:]:
        name = f"language.{test}"
        eras = tuple(
            LanguageEra(
                effective, None if value is None else _shared_language_table(value, f"{name} {effective}")
            )
            for effective, value in resolver.history(name)
        )
        tests[test] = eras
    validity = _integer(resolver.value("language.result_validity"), "language.result_validity")
    return LanguageRules(tests=tests, result_validity_years=validity)


def _build_rounds(resolver: _Resolver) -> RoundRules:
    def days(name: str) -> int:
        return _integer(resolver.value(f"rounds.{name}"), f"rounds.{name}")

    return RoundRules(
        ita_validity_days=days("ita_validity"),
        noi_validity_days=days("noi_validity"),
        pool_duration_months=days("pool_duration"),
    )


def _build_crs(resolver: _Resolver) -> CrsRules:
    def get(name: str) -> object:
        return resolver.value(f"crs.{name}")

    core = CoreRules(
        age=_column_step_table(get("core.age"), "crs.core.age"),
        education=_column_keyed_table(get("core.education"), codes.EDUCATION_LEVELS, "crs.core.education"),
        first_language=_column_step_table(get("core.first_language"), "crs.core.first_language"),
        second_language=step_table(get("core.second_language"), "crs.core.second_language"),
        second_language_cap=_column_scalars(get("core.second_language_cap"), "crs.core.second_language_cap"),
        canadian_work=_column_step_table(get("core.canadian_work"), "crs.core.canadian_work"),
        cap=_column_scalars(get("core.cap"), "crs.core.cap"),
    )
    spouse = SpouseRules(
        education=keyed_table(get("spouse.education"), codes.EDUCATION_LEVELS, "crs.spouse.education"),
        language=step_table(get("spouse.language"), "crs.spouse.language"),
        canadian_work=step_table(get("spouse.canadian_work"), "crs.spouse.canadian_work"),
        cap=_integer(get("spouse.cap"), "crs.spouse.cap"),
    )
    tiers = codes.TRANSFERABILITY_EDUCATION_TIERS
    language_thresholds = _thresholds(
        get("transferability.language_thresholds"),
        codes.LANGUAGE_COLUMNS,
        "crs.transferability.language_thresholds",
    )
    canadian_work_thresholds = _thresholds(
        get("transferability.canadian_work_thresholds"),
        codes.CANADIAN_WORK_COLUMNS,
        "crs.transferability.canadian_work_thresholds",
    )
    certificate_thresholds = _thresholds(
        get("transferability.certificate_language_thresholds"),
        codes.LANGUAGE_COLUMNS,
        "crs.transferability.certificate_language_thresholds",
    )
    certificate = _mapping(
        get("transferability.certificate_with_language"), "crs.transferability.certificate_with_language"
    )
    transferability = TransferabilityRules(
        education_tier=_vocabulary_codes(
            get("transferability.education_tier"),
            codes.EDUCATION_LEVELS,
            tiers,
            "crs.transferability.education_tier",
        ),
        language_thresholds=(language_thresholds[0], language_thresholds[1]),
        canadian_work_thresholds=(canadian_work_thresholds[0], canadian_work_thresholds[1]),
        education_with_language=_tier_grid(
            get("transferability.education_with_language"),
            tiers,
            codes.LANGUAGE_COLUMNS,
            "crs.transferability.education_with_language",
        ),
        education_with_canadian_work=_tier_grid(
            get("transferability.education_with_canadian_work"),
            tiers,
            codes.CANADIAN_WORK_COLUMNS,
            "crs.transferability.education_with_canadian_work",
        ),
        education_cap=_integer(get("transferability.education_cap"), "crs.transferability.education_cap"),
        foreign_work_tier=_step_codes(
            get("transferability.foreign_work_tier"),
            codes.FOREIGN_WORK_TIERS,
            "crs.transferability.foreign_work_tier",
        ),
        foreign_work_with_language=_tier_grid(
            get("transferability.foreign_work_with_language"),
            codes.FOREIGN_WORK_TIERS,
            codes.LANGUAGE_COLUMNS,
            "crs.transferability.foreign_work_with_language",
        ),
        foreign_work_with_canadian_work=_tier_grid(
            get("transferability.foreign_work_with_canadian_work"),
            codes.FOREIGN_WORK_TIERS,
            codes.CANADIAN_WORK_COLUMNS,
            "crs.transferability.foreign_work_with_canadian_work",
        ),
        foreign_work_cap=_integer(
            get("transferability.foreign_work_cap"), "crs.transferability.foreign_work_cap"
        ),
        certificate_language_thresholds=(certificate_thresholds[0], certificate_thresholds[1]),
        certificate_with_language=_frozen(  # type: ignore[arg-type]
            np.array(
                [0]
                + [
                    _integer(
                        certificate.get(column), f"crs.transferability.certificate_with_language.{column}"
                    )
                    for column in codes.LANGUAGE_COLUMNS
                ],
                dtype=np.int16,
            )
        ),
        cap=_integer(get("transferability.cap"), "crs.transferability.cap"),
    )
    arranged = get("additional.arranged_employment")
    arranged_table = (
        np.zeros(len(codes.JOB_OFFERS), dtype=np.int16)
        if arranged is None
        else np.concatenate(
            [
                np.zeros(1, dtype=np.int16),
                keyed_table(arranged, codes.JOB_OFFERS[1:], "crs.additional.arranged_employment"),
            ]
        )
    )
    french_points = get("additional.french_points")
    french_thresholds = get("additional.french_thresholds")
    if (french_points is None) != (french_thresholds is None):
        raise ParameterError("crs.additional.french_points and french_thresholds must be in force together")
    french_table = (
        _mapping(french_points, "crs.additional.french_points") if french_points is not None else {}
    )
    french_levels = (
        _mapping(french_thresholds, "crs.additional.french_thresholds")
        if french_thresholds is not None
        else {}
    )
    canadian_education = get("additional.canadian_education")
    sibling = get("additional.sibling")
    additional = AdditionalRules(
        provincial_nomination=_integer(
            get("additional.provincial_nomination"), "crs.additional.provincial_nomination"
        ),
        arranged_employment=_frozen(arranged_table),  # type: ignore[arg-type]
        french_in_force=french_points is not None,
        french_only=_integer(french_table.get("french_only", 0), "crs.additional.french_points.french_only"),
        bilingual=_integer(french_table.get("bilingual", 0), "crs.additional.french_points.bilingual"),
        french_nclc=_integer(
            french_levels.get("french_nclc", 0), "crs.additional.french_thresholds.french_nclc"
        ),
        english_clb=_integer(
            french_levels.get("english_clb", 0), "crs.additional.french_thresholds.english_clb"
        ),
        canadian_education=(
            _frozen(np.zeros(len(codes.CANADIAN_EDUCATION_LEVELS), dtype=np.int16))  # type: ignore[arg-type]
            if canadian_education is None
            else keyed_table(
                canadian_education, codes.CANADIAN_EDUCATION_LEVELS, "crs.additional.canadian_education"
            )
        ),
        sibling=0 if sibling is None else _integer(sibling, "crs.additional.sibling"),
        cap=_integer(get("additional.cap"), "crs.additional.cap"),
    )
    return CrsRules(core=core, spouse=spouse, transferability=transferability, additional=additional)


def build_snapshot(tree: ParameterTree, day: datetime.date) -> RulesSnapshot:
    """Resolve every rule for ``day``; raises ParameterError naming the file at fault."""
    era = tree.era_start(day)
    resolver = _Resolver(tree, day)
    crs = _build_crs(resolver)
    language = _build_language(resolver)
    rounds = _build_rounds(resolver)
    eligibility = build_eligibility(resolver.value, tuple(tree), day)
    return RulesSnapshot(
        day=day,
        era=era,
        digest=tree.digest,
        crs=crs,
        language=language,
        rounds=rounds,
        eligibility=eligibility,
        used_parameters=frozenset(resolver.used),
        overlay_digest=tree.overlay_digest,
    )


def validate_tree(tree: ParameterTree) -> None:
    """Build the snapshot of every era and check that every parameter file is read by some rule."""
    used: set[str] = set()
    for day in tree.effective_dates():
        used |= build_snapshot(tree, day).used_parameters
    unused = sorted(set(tree) - used)
    if unused:
        raise ParameterError(f"parameter files that no rule reads: {', '.join(unused)}")


@functools.cache
def default_tree() -> ParameterTree:
    """The package's parameter tree, loaded and validated once per process."""
    tree = load_tree()
    validate_tree(tree)
    return tree


# The tree that ``at`` resolves: the package's unless a rule overlay is in use in this context
# (``using_tree``). A context variable rather than a global so that tasks running side by side
# in one process (a Dask worker's threads, each its own scenario) each see their own rules;
# code that hands work to threads of its own copies the context (``contextvars.copy_context``).
_CURRENT_TREE: ContextVar[ParameterTree | None] = ContextVar("openentry_rules_tree", default=None)
# Trees by digest, so that snapshots are cached by digest rather than by a tree object.
_TREES: dict[str, ParameterTree] = {}


def current_tree() -> ParameterTree:
    """The tree in use here: a rule overlay's (``using_tree``), or the package's."""
    tree = _CURRENT_TREE.get()
    return default_tree() if tree is None else tree


@contextlib.contextmanager
def using_tree(tree: ParameterTree | None) -> Iterator[ParameterTree]:
    """Resolve the rules from ``tree`` (None: the package's) inside the ``with`` block."""
    chosen = default_tree() if tree is None else tree
    _TREES.setdefault(chosen.digest, chosen)
    token = _CURRENT_TREE.set(chosen)
    try:
        yield chosen
    finally:
        _CURRENT_TREE.reset(token)


@functools.lru_cache(maxsize=256)
def _snapshot_for(digest: str, era: datetime.date, day: datetime.date) -> RulesSnapshot:
    return build_snapshot(_TREES[digest], day)


def at(day: datetime.date) -> RulesSnapshot:
    """The rules in force on ``day`` (cached per day), from the tree in use (``current_tree``)."""
    tree = current_tree()
    _TREES.setdefault(tree.digest, tree)
    return _snapshot_for(tree.digest, tree.era_start(day), day)
