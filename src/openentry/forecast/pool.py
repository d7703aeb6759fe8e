"""The pool model: the Express Entry pool score by score, replayed through IRCC's published rounds.

What is published (shared/data/SOURCES.md; history/bands.py): for each round its date, kind, size
and cut-off (the CRS of the lowest-ranked candidate invited), and with most rounds since 2022 the
pool's CRS distribution "as on" a day just before the round, in 15 bands. What a forecast needs is
what is not published: how many candidates who qualify for a kind of round stand above each score
on a future day. The model reconstructs it.

**The stock.** ``total[x]`` is the number of candidates with CRS ``x`` (0-1200). For each kind of
round (forecast/kinds.py) ``unit[kind][x]`` is the stock that kind would reach if every candidate
who entered qualified for it: it is the total until the kind's first round; a round of the kind
empties it above its cut-off (everyone who qualified was invited; half of those at the cut-off
score, the tie-break); a round of another kind removes from it the same fraction of each score it
removed from the total (who qualifies for one kind is taken as independent of who qualifies for
another, at a given score). The kind's *share* ``s`` turns this into candidates: ``s * unit``.
Each published round gives its own share: its size divided by the unit stock above its cut-off,
so that the model removes exactly the published number of invitations. How a kind's share varies
with the score, and its level for the next round, is calibrated on the kind's rounds
(forecast/calibration.py): the "share of each band that qualifies" of issue 12.

**Flows.** Between rounds candidates enter (new profiles, and profiles whose score moved into a
score) at a gross rate per day, and leave when their profile expires: 12 months after it was
submitted (rules ``rounds/pool_duration``; crs-and-programs.md §4.1). Ages within the pool are not
published, so expiry is taken as a hazard of one pool duration: a stock spread evenly over its
12 months loses 1/365 of itself a day (exact for a steady stock, slightly too fast for the young
stock above recent cut-offs). The gross rate per band is estimated from successive published
distributions: what the model expected on the day of a new distribution (the previous one, less
the invited and the expired, plus the inflow at the rate estimated so far) is compared with what
IRCC published; the difference over the days between them corrects the rate, smoothed over
``INFLOW_MEMORY_DAYS``. The difference itself is added to (or, when negative, scaled out of) the
stock, so the model is anchored on every published distribution. A distribution published with a
round can be dated before rounds already replayed: the model goes back to its day, re-anchors and
replays the rounds since (a naive reading of the bands, which still hold those just invited, is
20-30 points off).

Nothing is read from a round's own day or later when the model is asked about a day: it is
replayed day by day, and a view of a day is taken before that day's rounds (the leak test in
tests/forecast/test_leak.py).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from openentry import rules as rules_package
from openentry.forecast.kinds import PROVINCIAL_NOMINEE, RoundKey, key_of
from openentry.history.bands import FINE_BANDS, HIGHEST_SCORE, fine_band_index
from openentry.history.rounds import PoolDistribution, PublishedRound

Vector = NDArray[np.float64]

SCORES: NDArray[np.int64] = np.arange(HIGHEST_SCORE + 1, dtype=np.int64)
BAND_OF_SCORE: NDArray[np.int64] = fine_band_index(SCORES)
BAND_WIDTHS: Vector = np.array([band.high - band.low + 1 for band in FINE_BANDS], dtype=np.float64)
# The band that holds the provincial nominees (a nomination is worth 600 points: 601-1200).
NOMINEE_BAND = FINE_BANDS[0]
# The wide band above the ten-point bands (501-600; FINE_BANDS run from the highest down).
DECAYING_BAND = 1

# Modelling choices (not law), each with its reason.
# The gross inflow estimate forgets old distributions with this time constant: two months is
# four to eight published distributions, enough to smooth the noise of one, short enough to follow
# the yearly rhythm of entries.
INFLOW_MEMORY_DAYS = 60.0
# Rounds of other kinds drain a kind's stock at the rate they did over this trailing window (the
# simulated future applies it as a steady hazard): half a year holds a dozen rounds of each
# frequent kind.
DRAIN_WINDOW_DAYS = 182
# A round that removes everyone at a score (a general round) is a drain of -log(1 - this).
MOST_REMOVED = 0.999
# IRCC's distribution "as on" a day is taken before that day's rounds; one published without its
# day is taken as of the day before its round (IRCC's usual practice since 2022).
UNDATED_DISTRIBUTION_LAG_DAYS = 1
# Days in a month, to turn the pool duration (months, rules/parameters/rounds/pool_duration.yaml)
# into the expiry hazard's time constant.
DAYS_PER_MONTH = 365.25 / 12


def band_counts_of(distribution: PoolDistribution) -> Vector:
    """The published count of each fine band, in FINE_BANDS order."""
    return np.array([band.count for band in distribution.bands], dtype=np.float64)


def _decay_length(mean_density: float, edge_density: float, width: float) -> float | None:
    """The length ``L`` of an exponential density ``edge * exp(-(x - low) / L)`` over ``width``
    points whose mean is ``mean_density``; None when the band is not thinner than its edge."""
    if not 0 < mean_density < edge_density:
        return None
    target = mean_density / edge_density * width  # = L * (1 - exp(-width / L))
    low, high = 1e-3, 1e6
    for _ in range(80):
        middle = math.sqrt(low * high)
        if middle * -math.expm1(-width / middle) < target:
            low = middle
        else:
            high = middle
    return math.sqrt(low * high)


def spread_bands(per_band: Vector) -> Vector:
    """Per-band amounts spread over each band's scores (a vector over 0-1200): evenly, except the
    wide band just above the ten-point bands (501-600), whose density falls away from the last
    ten-point band's (an exponential continuing that band's density and holding the band's count),
    as the density of scores falls above 500 in every published distribution."""
    spread: Vector = per_band[BAND_OF_SCORE] / BAND_WIDTHS[BAND_OF_SCORE]
    wide = DECAYING_BAND
    below = wide + 1
    width = BAND_WIDTHS[wide]
    length = _decay_length(
        float(per_band[wide] / width), float(per_band[below] / BAND_WIDTHS[below]), float(width)
    )
    if length is not None:
        band = FINE_BANDS[wide]
        offsets = np.arange(width, dtype=np.float64)
        shape = np.exp(-offsets / length)
        spread[band.low : band.high + 1] = per_band[wide] * shape / shape.sum()
    return spread


def sum_bands(per_score: Vector) -> Vector:
    """Per-score amounts summed into the fine bands."""
    summed: Vector = np.bincount(BAND_OF_SCORE, weights=per_score, minlength=len(FINE_BANDS)).astype(
        np.float64
    )
    return summed


def stock_above(stock: Vector, cutoff: int) -> float:
    """The stock strictly above ``cutoff`` and half of it at ``cutoff`` (the tie-break)."""
    return float(stock[cutoff + 1 :].sum() + 0.5 * stock[cutoff])


def cutoff_for(stock: Vector, size: float) -> int:
    """The cut-off of a round inviting ``size`` from ``stock``: the highest score ``c`` with at
    least ``size`` candidates at ``c`` or above (0 when the whole stock is fewer)."""
    at_or_above = np.cumsum(stock[::-1])[::-1]
    reaching = np.flatnonzero(at_or_above >= size)
    return int(reaching[-1]) if reaching.size else 0


@dataclass(frozen=True)
class RoundRecord:
    """A published round as the forecast reads it (rounds of no known kind are left out)."""

    number: str
    date: datetime.date
    key: RoundKey
    size: int | None
    cutoff: int | None


@dataclass
class PoolState:
    """The stock at the start of ``day`` (before that day's rounds)."""

    day: datetime.date
    total: Vector
    unit: dict[RoundKey, Vector] = field(default_factory=dict)

    def copy(self) -> PoolState:
        return PoolState(self.day, self.total.copy(), {key: stock.copy() for key, stock in self.unit.items()})

    def unit_of(self, key: RoundKey) -> Vector:
        """The kind's unit stock: the total until its first round."""
        return self.unit.get(key, self.total)

    def advance(self, day: datetime.date, inflow: Vector, expiry_days: float) -> None:
        """Move to ``day``: every stock decays by expiry and gains the gross inflow."""
        days = (day - self.day).days
        if days <= 0:
            return
        kept = math.exp(-days / expiry_days)
        entered = inflow * (expiry_days * (1.0 - kept))
        self.total = np.maximum(self.total * kept + entered, 0.0)
        for key, stock in self.unit.items():
            self.unit[key] = np.maximum(stock * kept + entered, 0.0)
        self.day = day


@dataclass(frozen=True)
class PoolView:
    """What the model knows at the start of ``day``: the stock on that day (the last state moved on
    by the estimated inflow), the flows, and every round before ``day``."""

    day: datetime.date
    state: PoolState
    inflow: Vector  # gross entries per day at each score
    expiry_days: float
    rounds: tuple[RoundRecord, ...]  # every round before ``day``, oldest first
    shares: dict[str, float]  # a round's share (its number -> size / unit stock above its cut-off)
    stocks: dict[str, Vector]  # a round's number -> its kind's unit stock just before it
    drain_by_key: dict[RoundKey, Vector]  # per-day hazard from other kinds' rounds, at each score
    drain_all: Vector
    anchored_on: datetime.date  # the day of the latest distribution used

    def drain(self, key: RoundKey) -> Vector:
        """The daily hazard with which rounds of other kinds removed this kind's stock lately."""
        own = self.drain_by_key.get(key)
        drained: Vector = self.drain_all - own if own is not None else self.drain_all
        return np.maximum(drained, 0.0)

    def rounds_of(self, key: RoundKey) -> list[RoundRecord]:
        return [record for record in self.rounds if record.key == key]

    def kinds_since(self, since: datetime.date) -> list[RoundKey]:
        """The kinds with a round on or after ``since`` (and before the view's day), sorted."""
        return sorted({record.key for record in self.rounds if record.date >= since})


class NoPoolError(ValueError):
    """The model has no published distribution before the day asked for."""


@dataclass
class _Hazard:
    day: datetime.date
    key: RoundKey
    hazard: Vector


class PoolModel:
    """The pool replayed through published rounds, one day at a time (see the module's text).

    Feed it every day's rounds in date order with :meth:`observe`; :meth:`view` gives what is
    known at the start of a later day.
    """

    def __init__(self) -> None:
        self._records: list[RoundRecord] = []
        self._anchor: PoolState | None = None
        self._since_anchor: list[PublishedRound] = []
        self._state: PoolState | None = None
        self._band_inflow = np.zeros(len(FINE_BANDS), dtype=np.float64)
        self._inflow_known = False
        self._inflow: Vector | None = None
        self._shares: dict[str, float] = {}
        self._hazards: dict[str, _Hazard] = {}
        self._stocks: dict[str, Vector] = {}
        self._anchored_counts: Vector | None = None
        self._expiry_days = 0.0
        self._last_day: datetime.date | None = None

    @property
    def has_pool(self) -> bool:
        return self._state is not None

    @property
    def inflow(self) -> Vector:
        """Gross entries per day at each score (the band rates spread over their scores)."""
        if self._inflow is None:
            self._inflow = spread_bands(self._band_inflow)
        return self._inflow

    def observe(self, day: datetime.date, published: Sequence[PublishedRound]) -> None:
        """The rounds published on ``day`` (all of them; days in increasing order)."""
        if self._last_day is not None and day <= self._last_day:
            raise ValueError(f"rounds of {day.isoformat()} come after {self._last_day.isoformat()}")
        self._last_day = day
        applicable: list[PublishedRound] = []
        for item in sorted(published, key=lambda entry: entry.sort_key):
            key = key_of(item)
            if key is None:
                continue
            self._records.append(RoundRecord(item.number, item.date, key, item.invitations, item.cutoff))
            if item.invitations is not None and item.cutoff is not None:
                applicable.append(item)
        distribution = self._newest_distribution(day, published)
        if distribution is not None:
            self._reanchor(*distribution)
            self._since_anchor.extend(applicable)
            assert self._anchor is not None
            self._state = self._replay_from_anchor()
        elif self._state is not None:
            for item in applicable:
                self._apply(self._state, item)
            self._since_anchor.extend(applicable)

    def view(self, day: datetime.date) -> PoolView:
        """What is known at the start of ``day`` (after every round observed, all before ``day``)."""
        if self._state is None:
            raise NoPoolError(f"no pool distribution was published before {day.isoformat()}")
        if self._last_day is not None and day <= self._last_day:
            raise ValueError(f"a view of {day.isoformat()} after observing {self._last_day.isoformat()}")
        state = self._state.copy()
        inflow = self.inflow
        state.advance(day, inflow, self._expiry_days)
        window_start = day - datetime.timedelta(days=DRAIN_WINDOW_DAYS)
        drain_all = np.zeros_like(inflow)
        drain_by_key: dict[RoundKey, Vector] = {}
        for item in self._hazards.values():
            if item.day >= window_start:
                drain_all += item.hazard
                drain_by_key[item.key] = drain_by_key.get(item.key, np.zeros_like(inflow)) + item.hazard
        drain_all /= DRAIN_WINDOW_DAYS
        for key in drain_by_key:
            drain_by_key[key] /= DRAIN_WINDOW_DAYS
        assert self._anchor is not None
        return PoolView(
            day=day,
            state=state,
            inflow=inflow,
            expiry_days=self._expiry_days,
            rounds=tuple(self._records),
            shares=dict(self._shares),
            stocks=dict(self._stocks),
            drain_by_key=drain_by_key,
            drain_all=drain_all,
            anchored_on=self._anchor.day,
        )

    # The replay.

    def _newest_distribution(
        self, day: datetime.date, published: Sequence[PublishedRound]
    ) -> tuple[datetime.date, PoolDistribution] | None:
        newest: tuple[datetime.date, PoolDistribution] | None = None
        for item in published:
            if item.pool is None or len(item.pool.bands) != len(FINE_BANDS):
                continue
            as_of = item.pool.as_of or day - datetime.timedelta(days=UNDATED_DISTRIBUTION_LAG_DAYS)
            as_of = min(as_of, day)
            if self._anchor is not None and as_of <= self._anchor.day:
                continue
            if self._anchored_counts is not None and np.array_equal(
                band_counts_of(item.pool), self._anchored_counts
            ):
                continue  # the previous distribution published again under a later day
            if newest is None or as_of > newest[0]:
                newest = (as_of, item.pool)
        return newest

    def _reanchor(self, as_of: datetime.date, distribution: PoolDistribution) -> None:
        published = band_counts_of(distribution)
        self._anchored_counts = published
        if self._anchor is None:
            months = rules_package.at(as_of).rounds.pool_duration_months
            self._expiry_days = months * DAYS_PER_MONTH
            self._anchor = PoolState(as_of, spread_bands(published))
            self._since_anchor = [item for item in self._since_anchor if item.date >= as_of]
            return
        previous = self._anchor
        state = previous.copy()
        replayed = [item for item in self._since_anchor if item.date < as_of]
        for item in replayed:
            state.advance(item.date, self.inflow, self._expiry_days)
            self._apply(state, item)
        state.advance(as_of, self.inflow, self._expiry_days)
        expected = sum_bands(state.total)
        difference = published - expected
        days = (as_of - previous.day).days
        accumulated = self._expiry_days * (1.0 - math.exp(-days / self._expiry_days))
        implied = self._band_inflow + difference / accumulated
        if self._inflow_known:
            kept = math.exp(-days / INFLOW_MEMORY_DAYS)
            self._band_inflow = kept * self._band_inflow + (1.0 - kept) * implied
        else:
            self._band_inflow = implied
            self._inflow_known = True
        self._inflow = None
        self._correct(state, published, expected, replayed, previous.day)
        self._anchor = state
        self._since_anchor = [item for item in self._since_anchor if item.date >= as_of]

    def _correct(
        self,
        state: PoolState,
        published: Vector,
        expected: Vector,
        replayed: Sequence[PublishedRound],
        since: datetime.date,
    ) -> None:
        """Anchor ``state`` on a published distribution: a shortfall in a band is added as entries
        spread evenly over the days since the last distribution (those who entered before a round
        held in the meantime and stood above its cut-off were invited by it, in the round's share),
        an excess is scaled out of every stock of the band."""
        entered = spread_bands(np.maximum(published - expected, 0.0))
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(expected > published, published / expected, 1.0)
        scale = ratio[BAND_OF_SCORE]
        days = max((state.day - since).days, 1)
        # For each round held in the meantime: at each score above its cut-off, the part of the
        # entries that came before it (its own kind's unit stock loses all of that part; the total
        # and the other kinds lose the round's share of it).
        before_rounds: list[tuple[RoundKey, Vector, float]] = []
        for item in replayed:
            key = key_of(item)
            share = self._shares.get(item.number, math.nan)
            if key is None or item.cutoff is None or not math.isfinite(share):
                continue
            before = np.zeros_like(entered)
            before[self._removal_cutoff(key, item.cutoff) < SCORES] = (item.date - since).days / days
            before_rounds.append((key, before, min(share, 1.0)))
        kept_total = np.ones_like(entered)
        for _, before, share in before_rounds:
            kept_total *= 1.0 - share * before
        state.total = state.total * scale + entered * kept_total
        for key, stock in state.unit.items():
            kept = np.ones_like(entered)
            for other, before, share in before_rounds:
                kept *= 1.0 - (before if other == key else share * before)
            state.unit[key] = stock * scale + entered * kept

    def _replay_from_anchor(self) -> PoolState:
        assert self._anchor is not None
        state = self._anchor.copy()
        for item in self._since_anchor:
            state.advance(item.date, self.inflow, self._expiry_days)
            self._apply(state, item)
        return state

    @staticmethod
    def _removal_cutoff(key: RoundKey, cutoff: int) -> int:
        """The score above which a round empties its kind's stock: its cut-off, except for PNP
        rounds. Nominees stand in the top band by their 600 points, at scores the band does not
        show, and a PNP round invites nearly all of them: it is taken from the whole band."""
        if key.key == PROVINCIAL_NOMINEE:
            return NOMINEE_BAND.low - 1
        return min(max(cutoff, 0), HIGHEST_SCORE)

    def _apply(self, state: PoolState, published: PublishedRound) -> None:
        """Remove a published round's invitations from the stock; record its share and drain."""
        key = key_of(published)
        assert key is not None and published.invitations is not None and published.cutoff is not None
        cutoff = self._removal_cutoff(key, published.cutoff)
        size = float(published.invitations)
        unit = state.unit.get(key)
        if unit is None:
            unit = state.unit[key] = state.total.copy()
        self._stocks[published.number] = unit.copy()
        reachable = stock_above(unit, cutoff)
        share = size / reachable if reachable > 0 else math.nan
        removed = np.zeros_like(unit)
        if reachable > 0:
            removed[cutoff + 1 :] = share * unit[cutoff + 1 :]
            removed[cutoff] = 0.5 * share * unit[cutoff]
        removed = np.minimum(removed, state.total)
        with np.errstate(divide="ignore", invalid="ignore"):
            fraction = np.where(state.total > 0, removed / state.total, 0.0)
        state.total = state.total - removed
        kept = 1.0 - fraction
        for other, stock in state.unit.items():
            if other != key:
                state.unit[other] = stock * kept
        unit[cutoff + 1 :] = 0.0
        unit[cutoff] *= 0.5
        self._shares[published.number] = share
        hazard = -np.log1p(-np.minimum(fraction, MOST_REMOVED))
        self._hazards[published.number] = _Hazard(published.date, key, hazard)


def rounds_by_day(rounds: Iterable[PublishedRound]) -> list[tuple[datetime.date, list[PublishedRound]]]:
    """Published rounds grouped by day, oldest first."""
    days: dict[datetime.date, list[PublishedRound]] = {}
    for item in sorted(rounds, key=lambda entry: (entry.date, entry.sort_key)):
        days.setdefault(item.date, []).append(item)
    return list(days.items())


def fit(rounds: Iterable[PublishedRound], as_of: datetime.date) -> PoolView:
    """The model replayed through every round strictly before ``as_of``, viewed on ``as_of``."""
    model = PoolModel()
    for day, published in rounds_by_day(rounds):
        if day >= as_of:
            break
        model.observe(day, published)
    return model.view(as_of)
