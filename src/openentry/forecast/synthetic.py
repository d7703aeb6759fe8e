"""Synthetic pools: valid, varied profiles whose CRS distribution follows a published pool.

IRCC publishes the pool's score bands with its rounds (history/bands.py, the pool_* columns of
ee_rounds.csv). We draw candidates factor by factor (age, education, tests with real scores on
their scales, work years with a matching work history, spouse, extras), score each batch on the
day with the same formulas as everything else, and keep candidates band by band until every band
of the latest published distribution holds its share. Only candidates who could be in the pool
are kept: eligible on the day for at least one of FSW, CEC and FST (crs-and-programs.md §4.1).
Everything is drawn from one seeded generator, so the same size and seed give the same profiles,
whatever the output format.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from openentry import rules as rules_package
from openentry.history.bands import FINE_BANDS, fine_band_index
from openentry.history.feed import bundled_rounds
from openentry.profiles.columnar import JOB_TYPE, SCHEMA
from openentry.rules import codes
from openentry.rules.crs import score
from openentry.rules.eligibility.parameters import FRENCH_CATEGORY
from openentry.rules.snapshot import LanguageTable
from openentry.services.eligibility import assess_table

_BATCH = 200_000
_MAX_BATCHES = 400
_DAYS_PER_YEAR = 365.25


class NoPublishedDistributionError(ValueError):
    """No pool distribution was published on or before ``day``; the first came with round
    ``first_round`` on ``first_date``."""

    def __init__(self, day: datetime.date, first_round: str, first_date: datetime.date) -> None:
        super().__init__(
            f"no published pool distribution on or before {day.isoformat()}; the first was "
            f"published with round #{first_round} on {first_date.isoformat()}"
        )
        self.day = day
        self.first_round = first_round
        self.first_date = first_date


@dataclass(frozen=True)
class PublishedDistribution:
    """A published pool distribution: the round it came with and the count in each fine band."""

    draw_number: str
    date: datetime.date
    counts: dict[str, int]  # by history.bands.FINE_BANDS name

    @property
    def shares(self) -> NDArray[np.float64]:
        """Each fine band's share of the pool, in FINE_BANDS order."""
        values = np.array([self.counts[band.name] for band in FINE_BANDS], dtype=np.float64)
        shares: NDArray[np.float64] = values / values.sum()
        return shares


def latest_distribution(on: datetime.date | None = None) -> PublishedDistribution:
    """The newest published distribution in the bundled rounds (not after ``on`` when given).

    :class:`NoPublishedDistributionError` before the first one, naming it.
    """
    published = [item for item in bundled_rounds() if item.pool is not None]
    found = [item for item in published if on is None or item.date <= on]
    if on is not None and not found:
        first = min(published, key=lambda item: item.date)
        raise NoPublishedDistributionError(on, first.number, first.date)
    latest = max(found, key=lambda item: item.date)
    assert latest.pool is not None
    counts = {f"{band.low}_{band.high}": band.count for band in latest.pool.bands}
    return PublishedDistribution(latest.number, latest.date, counts)


def _skilled_nocs() -> NDArray[np.str_]:
    text = resources.files("openentry.data").joinpath("noc2021.csv").read_text(encoding="utf-8")
    skilled_teers = {"0", "1", "2", "3"}
    return np.array(
        [row["code"] for row in csv.DictReader(text.splitlines()) if row["teer"] in skilled_teers]
    )


def _choice(
    generator: np.random.Generator, options: tuple[str, ...], weights: tuple[float, ...], size: int
) -> NDArray[np.int64]:
    probabilities = np.array(weights, dtype=np.float64)
    return generator.choice(len(options), size=size, p=probabilities / probabilities.sum())


def _score_for_level(
    table: LanguageTable, ability_code: int, levels: NDArray[np.int64]
) -> NDArray[np.float64]:
    """The lowest score of each level on the test's scale (the scale minimum below the table)."""
    scale = table.abilities[ability_code]
    scores = np.full(levels.shape, scale.minimum, dtype=np.float64)
    for threshold, level in zip(scale.thresholds, scale.levels, strict=True):
        scores = np.where(levels >= level, threshold, scores)
    return scores


def _language(
    generator: np.random.Generator,
    on: datetime.date,
    size: int,
    french: NDArray[np.bool_],
    level_center: NDArray[np.float64],
    present: NDArray[np.bool_],
) -> dict[str, object]:
    """A language result per row (None where absent): a test of the right language, scores on its scale."""
    english_tests = ("ielts", "celpip") + (
        ("pte_core",) if rules_package.at(on).language.tests["pte_core"][-1].table else ()
    )
    english_weights = (0.5, 0.35, 0.15)[: len(english_tests)]
    french_tests = ("tef_canada", "tcf_canada")
    english_choice = np.array(english_tests)[_choice(generator, english_tests, english_weights, size)]
    french_choice = np.array(french_tests)[_choice(generator, french_tests, (0.6, 0.4), size)]
    tests = np.where(french, french_choice, english_choice)
    # Results are valid for two years; keep every test date inside that window.
    age_days = generator.integers(10, 700, size=size)
    test_dates = np.datetime64(on, "D") - age_days.astype("timedelta64[D]")
    raw_levels = level_center[:, None] + generator.normal(0, 0.8, size=(size, 4))
    levels = np.clip(np.rint(raw_levels), 3, 12).astype(np.int64)
    scores = np.zeros((size, 4), dtype=np.float64)
    for test in (*english_tests, *french_tests):
        rows = np.flatnonzero(tests == test)
        if rows.size == 0:
            continue
        eras = rules_package.at(on).language.tests[test]
        starts = np.array([era.effective for era in eras], dtype="datetime64[D]")
        # A result cannot predate its test's acceptance (PTE Core from 2024-01-30).
        accepted_from = next(era.effective for era in eras if era.table is not None)
        test_dates[rows] = np.maximum(test_dates[rows], np.datetime64(accepted_from, "D"))
        era_index = np.searchsorted(starts, test_dates[rows], side="right") - 1
        for era_code in np.unique(era_index):
            era_rows = rows[era_index == era_code]
            table = eras[int(era_code)].table
            if table is None:
                continue
            for ability_code in range(4):
                scores[era_rows, ability_code] = _score_for_level(
                    table, ability_code, levels[era_rows, ability_code]
                )
    return {
        "test": np.where(present, tests, np.array(None, dtype=object)),
        "scores": scores,
        "test_date": np.where(present, test_dates, np.datetime64("NaT")),
        "present": present,
    }


def _language_arrays(prefix: str, result: dict[str, object]) -> dict[str, pa.Array]:
    present = np.asarray(result["present"], dtype=bool)
    scores = np.asarray(result["scores"])
    arrays: dict[str, pa.Array] = {
        f"{prefix}_test": pa.array(list(np.asarray(result["test"])), type=pa.string())
    }
    for ability_code, ability in enumerate(codes.ABILITIES):
        arrays[f"{prefix}_{ability}"] = pa.array(scores[:, ability_code], mask=~present)
    arrays[f"{prefix}_test_date"] = pa.array(
        np.asarray(result["test_date"], dtype="datetime64[D]"), type=pa.date32()
    )
    # No synthetic result names a TEF scale: each is read on the scale of its test date.
    arrays[f"{prefix}_scale"] = pa.nulls(len(present), pa.string())
    return arrays


def _work_history(
    on: datetime.date,
    nocs: NDArray[np.str_],
    canadian_years: NDArray[np.int64],
    foreign_years: NDArray[np.int64],
    hours: NDArray[np.float64],
) -> pa.Array:
    """Jobs matching the declared years: a Canadian job ending yesterday, a foreign one before it.

    Each job lasts its whole years plus a month, so that at 30 counted hours a week it gives
    exactly the declared whole years of 1,560 hours (crs-and-programs.md §1.6).
    """
    size = len(nocs)
    day = np.datetime64(on, "D")
    extra_month = np.timedelta64(31, "D")
    canadian_end = day - np.timedelta64(1, "D")
    canadian_start = canadian_end - (
        np.ceil(canadian_years * _DAYS_PER_YEAR).astype("timedelta64[D]") + extra_month
    )
    foreign_end = np.where(canadian_years > 0, canadian_start - np.timedelta64(1, "D"), canadian_end)
    foreign_start = foreign_end - (
        np.ceil(foreign_years * _DAYS_PER_YEAR).astype("timedelta64[D]") + extra_month
    )
    has_canadian = canadian_years > 0
    has_foreign = foreign_years > 0
    counts = has_canadian.astype(np.int32) + has_foreign.astype(np.int32)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    job_rows = np.repeat(np.arange(size), counts)
    # Within a candidate, the Canadian job comes first.
    is_first = np.ones(len(job_rows), dtype=bool)
    is_first[1:] = job_rows[1:] != job_rows[:-1]
    is_canadian_job = np.where(is_first, has_canadian[job_rows], False)
    starts = np.where(is_canadian_job, canadian_start[job_rows], foreign_start[job_rows])
    ends = np.where(is_canadian_job, canadian_end, foreign_end[job_rows])
    jobs = pa.StructArray.from_arrays(
        [
            pa.array(nocs[job_rows], type=pa.string()),
            pa.array(starts.astype("datetime64[D]"), type=pa.date32()),
            pa.array(ends.astype("datetime64[D]"), type=pa.date32()),
            pa.array(hours[job_rows], type=pa.float64()),
            pa.array(is_canadian_job, type=pa.bool_()),
            pa.array(np.zeros(len(job_rows), dtype=bool), type=pa.bool_()),
            pa.array(np.zeros(len(job_rows), dtype=bool), type=pa.bool_()),
        ],
        fields=list(JOB_TYPE),
    )
    return pa.ListArray.from_arrays(pa.array(offsets), jobs)


def _provinces(generator: np.random.Generator, size: int) -> pa.Array:
    provinces = np.array([province for province in codes.PROVINCES if province != "QC"])
    wants_all = generator.random(size) < 0.7
    counts = np.where(wants_all, 1, generator.integers(1, 3, size=size)).astype(np.int32)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    values = provinces[generator.integers(0, len(provinces), size=int(counts.sum()))].astype(object)
    first_positions = offsets[:-1][wants_all]
    values[first_positions] = "ALL"
    return pa.ListArray.from_arrays(pa.array(offsets), pa.array(values, type=pa.string()))


def random_profiles(
    generator: np.random.Generator, size: int, on: datetime.date, nocs: NDArray[np.str_]
) -> pa.Table:
    """``size`` random, valid profiles on ``on`` (before any fitting to a distribution)."""
    day = np.datetime64(on, "D")
    ages = np.clip(np.rint(generator.gamma(9.0, 3.4, size=size) + 2), 18, 55).astype(np.int64)
    days_old = ages * _DAYS_PER_YEAR + generator.integers(1, 360, size=size)
    birth_dates = day - days_old.astype("timedelta64[D]")
    marital = _choice(generator, codes.MARITAL_STATUSES, (0.55, 0.3, 0.08, 0.04, 0.01, 0.01, 0.01), size)
    partnered = np.isin(marital, [1, 2])
    education = _choice(
        generator, codes.EDUCATION_LEVELS, (0.02, 0.06, 0.06, 0.12, 0.36, 0.14, 0.21, 0.03), size
    )
    french_first = generator.random(size) < 0.12
    level_center = generator.normal(7.8, 1.3, size=size)
    first = _language(generator, on, size, french_first, level_center, np.ones(size, dtype=bool))
    has_second = np.where(french_first, generator.random(size) < 0.5, generator.random(size) < 0.08)
    second = _language(generator, on, size, ~french_first, generator.normal(6.5, 1.5, size=size), has_second)
    canadian_years = np.minimum(generator.geometric(0.45, size=size) - 1, 6)
    foreign_years = np.minimum(generator.geometric(0.3, size=size) - 1, 9 - canadian_years)
    # Nobody works before 18: the declared years fit between the 18th birthday and the day.
    working_years = np.maximum(ages - 18, 0)
    canadian_years = np.minimum(canadian_years, working_years)
    foreign_years = np.minimum(foreign_years, working_years - canadian_years)
    has_spouse_data = partnered & (generator.random(size) < 0.85)
    spouse = _language(
        generator,
        on,
        size,
        generator.random(size) < 0.1,
        generator.normal(6.5, 1.6, size=size),
        has_spouse_data,
    )
    noc_choice = nocs[generator.integers(0, len(nocs), size=size)]
    hours = np.where(generator.random(size) < 0.9, 40.0, 20.0)
    # Part-time work halves the counted hours; keep declared years consistent with the history.
    canadian_years = np.where(hours < 30, 0, canadian_years)
    foreign_years = np.where(hours < 30, 0, foreign_years)
    submitted_offsets = generator.integers(0, 364 * 24 * 3600, size=size)
    submitted = (np.datetime64(on, "s") - submitted_offsets.astype("timedelta64[s]")).astype("datetime64[us]")
    family_size = 1 + partnered.astype(np.int64) + np.minimum(generator.geometric(0.55, size=size) - 1, 4)
    columns: dict[str, pa.Array] = {
        "id": pa.nulls(size, pa.string()),
        "submitted_at": pa.array(submitted, type=pa.timestamp("us", tz="UTC")),
        "age": pa.nulls(size, pa.int16()),
        "birth_date": pa.array(birth_dates.astype("datetime64[D]"), type=pa.date32()),
        "marital_status": pa.array(np.array(codes.MARITAL_STATUSES)[marital], type=pa.string()),
        "spouse_accompanying": pa.array(partnered & (generator.random(size) < 0.85)),
        "spouse_canadian": pa.array(partnered & (generator.random(size) < 0.05)),
        "education": pa.array(np.array(codes.EDUCATION_LEVELS)[education], type=pa.string()),
        "canadian_education": pa.array(
            np.array(codes.CANADIAN_EDUCATION_LEVELS)[
                _choice(generator, codes.CANADIAN_EDUCATION_LEVELS, (0.75, 0.15, 0.1), size)
            ],
            type=pa.string(),
        ),
        **_language_arrays("first_language", first),
        **_language_arrays("second_language", second),
        "canadian_work_years": pa.array(canadian_years.astype(np.int16)),
        "foreign_work_years": pa.array(foreign_years.astype(np.int16)),
        "certificate_of_qualification": pa.array(generator.random(size) < 0.03),
        "job_offer": pa.array(
            np.array(codes.JOB_OFFERS)[_choice(generator, codes.JOB_OFFERS, (0.93, 0.01, 0.06), size)],
            type=pa.string(),
        ),
        "provincial_nomination": pa.array(generator.random(size) < 0.004),
        "sibling_in_canada": pa.array(generator.random(size) < 0.06),
        "spouse_education": pa.array(
            np.where(
                partnered,
                np.array(codes.EDUCATION_LEVELS)[
                    _choice(
                        generator, codes.EDUCATION_LEVELS, (0.05, 0.1, 0.08, 0.12, 0.4, 0.1, 0.13, 0.02), size
                    )
                ],
                "less_than_secondary",
            ),
            type=pa.string(),
        ),
        **_language_arrays("spouse_language", spouse),
        "spouse_canadian_work_years": pa.array(
            np.where(partnered, np.minimum(generator.geometric(0.6, size=size) - 1, 5), 0).astype(np.int16)
        ),
        "primary_noc": pa.array(noc_choice, type=pa.string()),
        "provinces_of_interest": _provinces(generator, size),
        "work_history": _work_history(on, noc_choice, canadian_years, foreign_years, hours),
        "relative_in_canada": pa.array(generator.random(size) < 0.1),
        "canadian_study_years": pa.array(
            np.where(generator.random(size) < 0.2, generator.integers(1, 4, size=size), 0).astype(np.int16)
        ),
        "spouse_canadian_study_years": pa.array(
            np.where(partnered & (generator.random(size) < 0.1), 2, 0).astype(np.int16)
        ),
        "spouse_canadian_work_full_time_years": pa.array(
            np.where(partnered & (generator.random(size) < 0.15), 1, 0).astype(np.int16)
        ),
        "work_authorized_in_canada": pa.array(canadian_years > 0),
        "settlement_funds_cad": pa.array(np.round(generator.uniform(5_000, 80_000, size=size), 2)),
        "family_size": pa.array(family_size.astype(np.int16)),
    }
    return pa.Table.from_pydict(columns, schema=SCHEMA)


def first_in_each_band(bands: NDArray[np.int64], limits: NDArray[np.int64]) -> NDArray[np.bool_]:
    """Rows among the first ``limits[band]`` of their band, in row order (band ``len(limits)``:
    none)."""
    order = np.argsort(bands, kind="stable")
    sorted_bands = bands[order]
    starts = np.searchsorted(sorted_bands, np.arange(len(limits) + 1))
    rank = np.empty(len(bands), dtype=np.int64)
    rank[order] = np.arange(len(bands)) - starts[sorted_bands]
    allowed = np.append(limits, 0)
    chosen: NDArray[np.bool_] = rank < allowed[bands]
    return chosen


def generate_pool(
    size: int,
    seed: int,
    on: datetime.date,
    advance: Callable[[int], None] | None = None,
    calibrate: bool = True,
) -> pa.Table:
    """A pool of ``size`` valid profiles on ``on`` following the latest published distribution.

    Every profile could be in the pool: it meets at least one of FSW, CEC and FST on ``on``
    (crs-and-programs.md §4.1), as the eligibility engine decides
    (:func:`openentry.services.eligibility.assess_table`, the engine behind ``eligible_mask``).
    Each batch is scored, and in each band that still has room the first profiles in the pool are
    kept; the others are dropped and later batches fill the band. Deterministic in (size, seed,
    on). ``advance(n)`` is called as profiles are kept. :class:`NoPublishedDistributionError`
    before the first published distribution. With ``calibrate`` the occupation categories are
    drawn at the shares the pool model estimates (:func:`with_calibrated_categories`).
    """
    if size < 1:
        raise ValueError("size must be at least 1")
    generator = np.random.default_rng(seed)
    distribution = latest_distribution(on)
    wanted = np.floor(distribution.shares * size).astype(np.int64)
    # Hand the rounding remainder to the largest bands, in order.
    for band in np.argsort(-distribution.shares)[: size - int(wanted.sum())]:
        wanted[band] += 1
    kept: list[pa.Table] = []
    kept_bands: list[NDArray[np.int64]] = []
    kept_per_band = np.zeros(len(FINE_BANDS), dtype=np.int64)
    nocs = _skilled_nocs()
    snapshot = rules_package.at(on)
    for _ in range(_MAX_BATCHES):
        room = wanted - kept_per_band
        if (room <= 0).all():
            break
        batch = random_profiles(generator, _BATCH, on, nocs)
        # One read of the batch serves the eligibility engine and the scorer.
        _, factors, assessment, errors = assess_table(batch, on)
        if errors:
            raise AssertionError(f"synthetic profile failed validation: {sorted(errors.items())[:3]}"[:500])
        bands = fine_band_index(score(snapshot, factors).total)
        # In each band with room, the first profiles in the pool (FSW, CEC or FST on the day).
        take = first_in_each_band(np.where(assessment.in_pool, bands, len(FINE_BANDS)), np.maximum(room, 0))
        kept_per_band += np.bincount(bands[take], minlength=len(FINE_BANDS))
        if advance is not None:
            advance(int(take.sum()))
        kept.append(batch.filter(pa.array(take)))
        kept_bands.append(bands[take])
    else:
        missing = {
            band.name: int(wanted[index] - kept_per_band[index])
            for index, band in enumerate(FINE_BANDS)
            if kept_per_band[index] < wanted[index]
        }
        raise RuntimeError(f"could not fill every score band: {missing}")
    pool = pa.concat_tables(kept).combine_chunks()
    if calibrate:
        pool = with_calibrated_categories(
            pool, np.concatenate(kept_bands), on, generator, calibrated_category_shares(on)
        )
    order = generator.permutation(pool.num_rows)
    pool = pool.take(pa.array(order))
    ids = pa.array([f"synth-{seed}-{index:07d}" for index in range(pool.num_rows)], type=pa.string())
    return pool.set_column(pool.schema.get_field_index("id"), "id", ids)


def calibrated_category_shares(on: datetime.date) -> dict[str, NDArray[np.float64]]:
    """For each occupation category whose rounds calibrate a share (forecast/calibration.py): the
    share of each fine band of the pool that qualifies for it at the start of ``on``, as the pool
    model estimates from the published rounds before ``on`` (forecast/pool.py). The share is of the
    pool as it stands: candidates a round of the category already invited are gone."""
    from openentry.forecast.calibration import fit_share
    from openentry.forecast.pool import NoPoolError, fit, sum_bands

    rounds = [item for item in bundled_rounds() if item.date < on]
    if not rounds:
        return {}
    try:
        view = fit(rounds, on)
    except NoPoolError:
        return {}
    total = sum_bands(view.state.total)
    shares: dict[str, NDArray[np.float64]] = {}
    for key in sorted({record.key for record in view.rounds}):
        if key.category is None or key.category == FRENCH_CATEGORY:
            continue
        share = fit_share(view, key)
        if share is None:
            continue
        qualified = sum_bands(share.qualified(view.state.unit_of(key)))
        with np.errstate(divide="ignore", invalid="ignore"):
            shares[key.category] = np.clip(np.where(total > 0, qualified / total, 0.0), 0.0, 1.0)
    return shares


def with_noc(pool: pa.Table, nocs: NDArray[np.str_]) -> pa.Table:
    """The pool with each profile's primary NOC, and the NOC of every job it lists, set to ``nocs``."""
    history = pool.column("work_history").combine_chunks()
    owners = np.asarray(pc.list_parent_indices(history).to_numpy(zero_copy_only=False), dtype=np.int64)
    jobs = pc.list_flatten(history)
    fields = [
        pa.array(nocs[owners], type=pa.string()) if field.name == "noc" else pc.struct_field(jobs, field.name)
        for field in JOB_TYPE
    ]
    rebuilt = pa.ListArray.from_arrays(
        history.offsets, pa.StructArray.from_arrays(fields, fields=list(JOB_TYPE))
    )
    pool = pool.set_column(pool.schema.get_field_index("work_history"), "work_history", rebuilt)
    return pool.set_column(
        pool.schema.get_field_index("primary_noc"), "primary_noc", pa.array(nocs, type=pa.string())
    )


def with_calibrated_categories(
    pool: pa.Table,
    bands: NDArray[np.int64],
    on: datetime.date,
    generator: np.random.Generator,
    shares: dict[str, NDArray[np.float64]],
) -> pa.Table:
    """Occupation category membership drawn at ``shares`` (per category, per fine band).

    A profile's occupation does not enter its CRS, so moving it leaves the score distribution as it
    is. Profiles whose NOC falls in a calibrated category first get one in none of them; then, band
    by band, as many profiles as the share asks for, among those the category would take with one
    of its NOCs (work history, Canadian experience, education and job offer as its rules say:
    the eligibility engine decides), get a NOC of its list in force on ``on``. A profile is drawn
    for one category at most, and one that its new occupation would take out of the pool (FST needs
    a skilled trade) keeps its own. Categories with no calibrated share, and the French category
    (French results would change the score), keep their NOC as first drawn.
    """
    rules = rules_package.at(on).eligibility
    calibrated = [category for category in rules.categories if category.key in shares]
    if not calibrated:
        return pool
    skilled = _skilled_nocs()
    skilled_codes = skilled.astype(np.int64)
    members = {category.key: np.asarray(category.nocs, dtype=bool)[skilled_codes] for category in calibrated}
    neutral = skilled[~np.any(np.stack(list(members.values())), axis=0)]
    nocs = np.array(pool.column("primary_noc").to_pylist(), dtype=skilled.dtype)
    codes_now = nocs.astype(np.int64)
    in_some = np.zeros(len(nocs), dtype=bool)
    for category in calibrated:
        in_some |= np.asarray(category.nocs, dtype=bool)[codes_now]
    nocs[in_some] = neutral[generator.integers(0, len(neutral), size=int(in_some.sum()))]
    drawn = np.zeros(len(nocs), dtype=bool)
    band_sizes = np.bincount(bands, minlength=len(FINE_BANDS))
    for category in calibrated:
        listed = skilled[members[category.key]]
        trial = listed[generator.integers(0, len(listed), size=len(nocs))]
        _, _, assessment, _ = assess_table(
            with_noc(pool, trial), on, categories=[category.key], streams=False
        )
        could = assessment.categories[category.key].eligible & ~drawn
        wanted = np.rint(shares[category.key] * band_sizes).astype(np.int64)
        for band in range(len(FINE_BANDS)):
            rows = np.flatnonzero(could & (bands == band))
            chosen = generator.permutation(rows)[: wanted[band]]
            nocs[chosen] = trial[chosen]
            drawn[chosen] = True
    calibrated_pool = with_noc(pool, nocs)
    # A skilled trade is what qualifies some profiles for FST: one the change would take out of the
    # pool keeps the occupation it was drawn with.
    _, _, assessment, _ = assess_table(calibrated_pool, on, categories=(), streams=False)
    if assessment.in_pool.all():
        return calibrated_pool
    first_drawn = np.array(pool.column("primary_noc").to_pylist(), dtype=skilled.dtype)
    return with_noc(pool, np.where(assessment.in_pool, nocs, first_drawn))
