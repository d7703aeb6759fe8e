"""Forecast cut-offs under a rule overlay: the law's cut-offs translated by rank matching.

Cut-offs are forecast from the rounds IRCC held under the law (forecast/outlook.py). A rule
overlay (rules/overlay.py) changes everyone's score, so the law's cut-off says little of a round
held under the overlay: where it adds points to many candidates, the same round would cut higher.
The translation rests on one assumption, stated where it is used: **a round of a kind invites as
many candidates from the same pool under the overlay as under the law, re-ranked by their scores
under the overlay.** The pool is the project's synthetic one (forecast/synthetic.py, the function
behind ``openentry synth``): :data:`POOL_SIZE` profiles whose CRS follows the latest pool
distribution published before the forecast's day. On a round's day it is scored under the law
and under the overlay, and the candidates who qualify for the round's kind are found under each
by the code that decides it for live rounds (:func:`openentry.services.pool.state_of` and
:func:`openentry.services.rounds.qualifies`, over :mod:`openentry.rules.selection`). A law
cut-off ``c`` then becomes the overlay cut-off ``c'`` with as many qualifying candidates at or
above it under the overlay as there are at or above ``c`` under the law
(:func:`rank_mapping`; the pool's size cancels out: what is matched is a share of the pool).

Only the rules in force change the translation from day to day: the synthetic pool stands on
every day as it stood on the eve of the forecast (each date in it moved by the same number of
days, so that ages, work, test results and submissions are as old on that day as then), and the
published distribution it follows is the latest before the forecast. So a translation is made
once per era of the overlaid rules (the days between two dates on which some quantity changes,
in the law or in the overlay), on the era's first day at or after the forecast's, and kept per
(overlay digest, day, kind). On a day where the overlay gives every parameter it changes the
law's value, nothing is computed: the translation is the identity, and the forecast is exactly
the law's.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from openentry import rules
from openentry.db.pool_repository import conformed
from openentry.domain import RoundSpec, RoundSpecError
from openentry.forecast.kinds import GENERAL, RoundKey
from openentry.forecast.outlook import NO_ROUND, SimulatedRounds
from openentry.forecast.synthetic import generate_pool, latest_distribution
from openentry.history.bands import HIGHEST_SCORE
from openentry.profiles.columnar import JOB_TYPE
from openentry.rules import default_tree, using_tree
from openentry.rules.overlay import RulesOverlay
from openentry.rules.tree import ParameterTree
from openentry.services.pool import PoolState, TablePoolStore, state_of
from openentry.services.rounds import qualifies

# Profiles in the synthetic pool. The translation matches shares of the pool, so its size sets
# only how finely a share is known: 20,000 profiles put about 80 in each point of CRS between
# 420 and 560, where recent cut-offs fell; with other seeds, translated cut-offs move by 1 or 2
# points (up to 4 in the sparse top of a category), and the pool is made in about a second (its
# generator draws profiles in batches of 200,000 whatever the size asked for).
POOL_SIZE = 20_000
# The seed of the synthetic pool: fixed, so that the same question gets the same answer.
POOL_SEED = 20_270_101
# Fewer qualifying candidates than this in the synthetic pool (a category with a short list of
# occupations, such as physicians) say too little of the kind's ranks; its cut-offs are then
# translated over everyone in the pool (who qualify for a general round), and the line says so.
MINIMUM_QUALIFYING = 200

OVERLAY_METHOD = (
    "Cut-offs are forecast from IRCC's rounds under the law, then translated to the rule overlay by "
    "rank matching: a round of the same kind and size invites as many candidates from the same pool, "
    "re-ranked by their scores under the overlay. Over a synthetic pool of {size:,} profiles (seed "
    "{seed}) following the pool distribution IRCC published on {distribution}, scored under the "
    "law and under the overlay on the round's day, a law cut-off c becomes the overlay cut-off c' "
    "with as many candidates qualifying for the kind at or above c' under the overlay as at or "
    "above c under the law. On days the overlay changes no rule, the law's cut-off is kept."
)

# The line under a table of translated cut-offs (OVERLAY_METHOD in full is in the JSON).
OVERLAY_NOTE = (
    "Hypothetical, under the rule overlay {path} (sha256 {sha256}): cut-offs forecast under the law, "
    "translated by rank matching over a synthetic pool of {size:,} profiles scored under both "
    "(the same round invites as many candidates, re-ranked by their overlay scores); --json says more."
)

ProgressFactory = Callable[[str, int], AbstractContextManager[Callable[[int], None]]]
Scores = NDArray[np.int64]

KIND_BASIS = "kind"
POOL_BASIS = "pool"
IDENTITY_BASIS = "unchanged rules"


# ---------------------------------------------------------------------------------------------
# The mapping itself: pure functions of two sets of scores


@dataclass(frozen=True)
class CutoffMapping:
    """How a law cut-off becomes an overlay cut-off on one day, for one kind.

    ``law`` and ``overlay`` hold the scores of the candidates qualifying for the kind under each,
    highest first (the k-th of each is the cut-off of a round inviting k). ``basis`` says whose
    ranks they are: the kind's qualifying candidates, the whole pool (too few qualify for the
    kind) or none (the rules are the law's that day: the identity)."""

    law: Scores
    overlay: Scores
    basis: str

    @classmethod
    def identity(cls) -> CutoffMapping:
        empty = np.zeros(0, dtype=np.int64)
        return cls(empty, empty, IDENTITY_BASIS)

    @property
    def is_identity(self) -> bool:
        return self.law.size == 0 or self.overlay.size == 0

    def apply(self, cutoffs: Sequence[int] | NDArray[np.integer]) -> Scores:
        """The overlay cut-off of each law cut-off (:func:`translate`); :data:`NO_ROUND` (a
        simulated round that was not held) stays as it is."""
        values = np.asarray(cutoffs, dtype=np.int64)
        if self.is_identity:
            return values.copy()
        held = values != NO_ROUND
        translated = values.copy()
        translated[held] = translate(self.law, self.overlay, values[held])
        return translated

    def __call__(self, cutoff: int) -> int:
        return int(self.apply([cutoff])[0])


def rank_mapping(
    law_scores: NDArray[np.integer], overlay_scores: NDArray[np.integer], basis: str
) -> CutoffMapping:
    """The mapping from the scores of the candidates qualifying under the law and under the
    overlay (any order; the two sets need not be the same candidates nor as many)."""
    law = np.sort(np.asarray(law_scores, dtype=np.int64))[::-1]
    overlay = np.sort(np.asarray(overlay_scores, dtype=np.int64))[::-1]
    return CutoffMapping(law, overlay, basis)


def translate(law: Scores, overlay: Scores, cutoffs: Scores) -> Scores:
    """Rank matching of cut-offs; ``law`` and ``overlay`` are scores sorted highest first.

    Let ``L(k)`` and ``O(k)`` be the k-th highest score under the law and under the overlay (a
    round inviting k cuts there) and ``k = #{law scores >= c}``:

    - ``c = L(k)``, a score some candidate holds: ``c' = O(k)``, the overlay cut-off of the round
      that invites the same k;
    - ``L(k+1) < c < L(k)``, between two scores held: the law's gap ``(L(k+1), L(k)]`` (k
      candidates at or above any ``c`` in it) is laid linearly onto the overlay's
      ``(O(k+1), O(k)]`` (k candidates at or above any ``c'`` in it, but for ties at ``O(k)``,
      which the tie-break decides as in a real round), rounded up so that ``c'`` stays above
      ``O(k+1)``;
    - above the highest law score or below the lowest, ``c`` moves by the difference at that end.

    Identical score sets give ``c' = c`` for every ``c``, exactly; the mapping never decreases
    with ``c``. When the overlay has fewer qualifying candidates than k, ``O(k)`` is its lowest
    score. Results are kept within 0 and the highest score."""
    counts = np.searchsorted(-law, -cutoffs, side="right")  # k: law scores >= c

    def overlay_at(rank: NDArray[np.int64]) -> Scores:
        position: NDArray[np.int64] = np.clip(rank - 1, 0, overlay.size - 1)
        return overlay[position]

    def law_at(rank: NDArray[np.int64]) -> Scores:
        position: NDArray[np.int64] = np.clip(rank - 1, 0, law.size - 1)
        return law[position]

    upper_overlay = overlay_at(counts)
    lower_law, lower_overlay = law_at(counts + 1), overlay_at(counts + 1)
    # Between two held scores (0 < k < len(law)), L(k+1) < c <= L(k): the width is positive.
    width = np.maximum(law_at(counts) - lower_law, 1)
    numerator = (cutoffs - lower_law) * (upper_overlay - lower_overlay)
    between = lower_overlay - (-numerator // width)  # ceiling division
    above = cutoffs + (overlay[0] - law[0])
    below = cutoffs + (overlay_at(np.full_like(counts, law.size)) - law[-1])
    result = np.where(counts == 0, above, np.where(counts >= law.size, below, between))
    clipped: Scores = np.clip(result, 0, HIGHEST_SCORE).astype(np.int64)
    return clipped


# ---------------------------------------------------------------------------------------------
# The synthetic pool, moved in time


def moved_by(table: pa.Table, days: int) -> pa.Table:
    """The profiles with every date and moment ``days`` days later (birth, test results, work,
    submission): each stands on a day ``days`` later as it stood then."""
    if days == 0:
        return table
    columns: dict[str, pa.Array | pa.ChunkedArray] = {}
    for field in table.schema:
        column = table.column(field.name)
        if pa.types.is_date32(field.type):
            columns[field.name] = _moved_dates(column.combine_chunks(), days)
        elif pa.types.is_timestamp(field.type):
            as_numbers = pc.cast(column.combine_chunks(), pa.int64())
            moved = pc.add(
                as_numbers, pa.scalar(days * 86_400 * _TICKS_PER_SECOND[field.type.unit], pa.int64())
            )
            columns[field.name] = pc.cast(moved, field.type)
        elif field.name == "work_history":
            columns[field.name] = _moved_jobs(column.combine_chunks(), days)
        else:
            columns[field.name] = column
    return pa.Table.from_arrays([columns[field.name] for field in table.schema], schema=table.schema)


_TICKS_PER_SECOND = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}


def _moved_dates(dates: pa.Array, days: int) -> pa.Array:
    return pc.cast(pc.add(pc.cast(dates, pa.int32()), pa.scalar(days, pa.int32())), pa.date32())


def _moved_jobs(history: pa.Array, days: int) -> pa.Array:
    jobs = pc.list_flatten(history)
    fields = [
        _moved_dates(pc.struct_field(jobs, field.name), days)
        if pa.types.is_date32(field.type)
        else pc.struct_field(jobs, field.name)
        for field in JOB_TYPE
    ]
    rebuilt = pa.StructArray.from_arrays(fields, fields=list(JOB_TYPE))
    return pa.ListArray.from_arrays(history.offsets, rebuilt, mask=history.is_null())


# Synthetic pools made in this process, by (size, seed, day): a forecast and the chances of the
# same day share one; a few are kept.
_POOLS: dict[tuple[int, int, datetime.date], pa.Table] = {}
_POOLS_KEPT = 4


def synthetic_pool(
    size: int, seed: int, on: datetime.date, progress: ProgressFactory | None = None
) -> pa.Table:
    """The synthetic pool of ``size`` profiles on ``on`` under the law (made once per process;
    ``progress`` shows its making)."""
    key = (size, seed, on)
    if key not in _POOLS:
        with using_tree(None):
            if progress is None:
                table = generate_pool(size, seed, on)
            else:
                with progress("synthetic pool for the rule overlay", size) as advance:
                    table = generate_pool(size, seed, on, advance=advance)
        if len(_POOLS) >= _POOLS_KEPT:
            del _POOLS[next(iter(_POOLS))]
        _POOLS[key] = table
    return _POOLS[key]


# ---------------------------------------------------------------------------------------------
# Translations of one overlay, per day and kind


def differs_on(overlay: RulesOverlay, base: ParameterTree, day: datetime.date) -> bool:
    """Whether the overlay gives some parameter it changes a value other than the law's on ``day``."""
    return any(
        overlay.tree[change.name].value_at(day) != base[change.name].value_at(day)
        for change in overlay.changes
    )


def _spec(key: RoundKey, at: datetime.datetime) -> RoundSpec:
    if key.kind == GENERAL:
        return RoundSpec.create(at=at, kind="general", size=1)
    if key.program is not None:
        return RoundSpec.create(at=at, kind="program", size=1, program=key.program)
    return RoundSpec.create(at=at, kind="category", size=1, category=key.category)


_MAPPINGS: dict[tuple[str, int, int, datetime.date, datetime.date, str], CutoffMapping] = {}


class CutoffTranslation:
    """The translations of one overlay's cut-offs for a forecast made on ``as_of`` (the synthetic
    pool follows the distribution published before it: made on its eve, then moved in time)."""

    def __init__(
        self,
        overlay: RulesOverlay,
        as_of: datetime.date,
        pool_size: int | None = None,
        seed: int = POOL_SEED,
        progress: ProgressFactory | None = None,
    ) -> None:
        self.overlay = overlay
        self.as_of = as_of
        self.pool_size = POOL_SIZE if pool_size is None else pool_size
        self.seed = seed
        self.progress = progress
        self.base = default_tree()
        self.pool_day = as_of - datetime.timedelta(days=1)
        self._states: dict[tuple[str, datetime.date], PoolState] = {}

    def translation_day(self, day: datetime.date) -> datetime.date:
        """The day a round on ``day`` is translated on: the first day of its era of rules (the law's
        and the overlay's) that is not before the forecast's."""
        return max(self.overlay.tree.era_start(max(day, self.as_of)), self.as_of)

    def describe(self) -> str:
        """How the cut-offs were translated, in words (``overlay_method``)."""
        return OVERLAY_METHOD.format(**self.pool_fields())

    def pool_fields(self) -> dict[str, object]:
        """The synthetic pool the translation reads: its size, seed and the distribution it follows."""
        distribution = latest_distribution(self.pool_day)
        return {"size": self.pool_size, "seed": self.seed, "distribution": distribution.date.isoformat()}

    def mapping(self, day: datetime.date, key: RoundKey) -> CutoffMapping:
        """The mapping of a round of kind ``key`` on ``day`` (cached per overlay, day and kind)."""
        on = self.translation_day(day)
        if not differs_on(self.overlay, self.base, on):
            return CutoffMapping.identity()
        cache_key = (self.overlay.digest, self.pool_size, self.seed, self.pool_day, on, key.key)
        if cache_key not in _MAPPINGS:
            _MAPPINGS[cache_key] = self._computed(on, key)
        return _MAPPINGS[cache_key]

    def computed(self, day: datetime.date, key: RoundKey) -> CutoffMapping:
        """The mapping worked out over the synthetic pool even where the rules are the law's (the
        check that the translation is then the identity)."""
        return self._computed(self.translation_day(day), key)

    def _computed(self, on: datetime.date, key: RoundKey) -> CutoffMapping:
        law = self._qualifying(None, on, key)
        overlay = self._qualifying(self.overlay.tree, on, key)
        if min(law.size, overlay.size) >= MINIMUM_QUALIFYING:
            return rank_mapping(law, overlay, KIND_BASIS)
        general = RoundKey(GENERAL)
        return rank_mapping(
            self._qualifying(None, on, general), self._qualifying(self.overlay.tree, on, general), POOL_BASIS
        )

    def _qualifying(self, tree: ParameterTree | None, on: datetime.date, key: RoundKey) -> Scores:
        """The CRS on ``on`` of the synthetic candidates who qualify for a round of ``key`` under
        ``tree`` (the law when None), as a live round decides it."""
        chosen = self.base if tree is None else tree
        at = datetime.datetime.combine(on, datetime.time(), datetime.UTC)
        state = self._states.get((chosen.digest, on))
        if state is None:
            table = synthetic_pool(self.pool_size, self.seed, self.pool_day, self.progress)
            store = TablePoolStore(conformed(moved_by(table, (on - self.pool_day).days)))
            with using_tree(chosen):
                categories = rules.at(on).eligibility.category_keys
                state = state_of(store, at, categories=categories)
            self._states[(chosen.digest, on)] = state
        try:
            with using_tree(chosen):
                mask = qualifies(state, _spec(key, at))
        except RoundSpecError:
            # A category not in force on the day: nobody qualifies for it.
            return np.zeros(0, dtype=np.int64)
        scores: Scores = state.crs[mask].astype(np.int64)
        return scores

    def simulated(self, day: datetime.date, simulated: SimulatedRounds) -> SimulatedRounds:
        """Simulated rounds (``days`` after ``day``) with every cut-off translated on its day."""
        cutoffs = simulated.cutoffs.copy()
        finite = np.isfinite(simulated.days)
        if not finite.any():
            return simulated
        offsets = np.unique(simulated.days[finite]).astype(np.int64)
        by_day: dict[datetime.date, list[int]] = {}
        for offset in offsets:
            round_day = day + datetime.timedelta(days=int(offset))
            by_day.setdefault(self.translation_day(round_day), []).append(int(offset))
        for translation_day, offsets_of_day in by_day.items():
            mapping = self.mapping(translation_day, simulated.key)
            if mapping.is_identity:
                continue
            rows = finite & np.isin(simulated.days, np.array(offsets_of_day, dtype=np.float64))
            cutoffs[rows] = mapping.apply(simulated.cutoffs[rows])
        return SimulatedRounds(simulated.key, simulated.days, cutoffs, simulated.sizes)


def mapping_fields(mapping: CutoffMapping, on: datetime.date) -> dict[str, object]:
    """What a translated forecast says of its translation: the day and whose ranks."""
    return {"translated_on": on.isoformat(), "translated_over": mapping.basis}
