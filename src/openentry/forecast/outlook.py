"""The next rounds of each kind: when, how large, and where the cut-off lands.

**Cadence and size** (per kind, from its rounds before the day asked about). IRCC announces no
schedule, but each kind has held a steady rhythm for months at a time (CEC and PNP every two weeks
since 2024, French monthly) and sizes it holds for stretches (the levels plan sets the year's
total), changing them in steps. So the model is the recent past, robustly:

- the wait between rounds is the median of the kind's last ``GAP_ROUNDS`` gaps when it held at
  least ``GAP_ROUNDS`` rounds in the last year, else the yearly rate (365 days divided by its rounds
  in the last year); the expected date is the last round plus that wait, or the day asked about
  when it is overdue;
- the size is the median of its last ``SIZE_ROUNDS`` sizes (a median, so that one exceptional
  round, 8,000 CEC invitations in January 2026, does not move the next forecast).

**Cut-off**: where the kind's qualified stock on that day (the pool model, forecast/pool.py, moved
on by the inflow and by the drain of other kinds' rounds) reaches the size, with the kind's share
(forecast/calibration.py): :func:`cutoff_on`, the answer when the size is given. When the size is
forecast too, the point forecast is the mean of that and the kind's last cut-off
(:func:`forecast_cutoff`). Two kinds are not forecast from the pool:

- PNP rounds invite nearly every nominee; their cut-off is 600 plus the lowest core score among
  nominees, which no published band shows (the top band is 601-1200). The forecast is the median
  of the last ``NOMINEE_ROUNDS`` PNP cut-offs;
- a kind with too few rounds to calibrate its share (calibration.MIN_CALIBRATION_ROUNDS) is
  forecast by its last cut-off.

**Interval**: numpy Monte Carlo over ``DRAWS`` futures with a fixed seed (the same answer every
time): the wait drawn from the kind's recent gaps (given that none has been held since its last
round), the size from its recent sizes, the share from its recent rounds' spread around the level,
and the inflow scaled by a log-normal factor of spread ``INFLOW_SPREAD``. The 80 % interval is the
10th to 90th percentile of the simulated cut-offs.
"""

from __future__ import annotations

import datetime
import math
import zlib
from dataclasses import dataclass
from typing import cast

import numpy as np
from numpy.typing import NDArray

from openentry.forecast.calibration import ShareFit, fit_share
from openentry.forecast.kinds import PROVINCIAL_NOMINEE, RoundKey
from openentry.forecast.pool import NOMINEE_BAND, SCORES, PoolView, RoundRecord, cutoff_for
from openentry.history.bands import HIGHEST_SCORE

GAP_ROUNDS = 5
SIZE_ROUNDS = 5
NOMINEE_ROUNDS = 6
RECENT_DAYS = 365
DRAWS = 400
SEED = 20261212
# Successive estimates of the gross inflow differ by about a fifth from one distribution to the
# next; the simulated inflow is the estimate times a log-normal factor of this spread.
INFLOW_SPREAD = 0.2
LONGER_GAPS = 3
PERSISTENCE_WEIGHT = 0.5
INTERVAL = (10.0, 90.0)
FloatArray = NDArray[np.float32] | NDArray[np.float64]  # percentiles of the 80 % interval
NO_ROUND = HIGHEST_SCORE + 1  # the cut-off of a simulated round that did not happen


@dataclass(frozen=True)
class KindOutlook:
    """What the next rounds of one kind are forecast from: point values (the recent medians) and,
    for the simulation, the kind's gaps, sizes and cut-offs of the last year to draw from."""

    key: RoundKey
    last: RoundRecord
    wait: float  # expected days between rounds
    size: int  # expected size
    cutoff: int  # the median of its last NOMINEE_ROUNDS cut-offs (the PNP forecast)
    gaps: NDArray[np.float64]  # the year's waits between its rounds, in days
    sizes: NDArray[np.float64]  # the year's sizes
    cutoffs: NDArray[np.float64]  # the year's cut-offs
    share: ShareFit | None

    @property
    def method(self) -> str:
        """How its cut-off is forecast: ``pool``, ``recent_cutoffs`` (PNP) or ``last_cutoff``."""
        if self.key.key == PROVINCIAL_NOMINEE:
            return "recent_cutoffs"
        return "pool" if self.share is not None else "last_cutoff"


def outlook(view: PoolView, key: RoundKey) -> KindOutlook:
    """The kind's cadence, size and share from its rounds before the view's day."""
    rounds = [
        record for record in view.rounds_of(key) if record.size is not None and record.cutoff is not None
    ]
    if not rounds:
        raise ValueError(f"no round of kind {key.key} before {view.day.isoformat()}")
    recent_start = view.day - datetime.timedelta(days=RECENT_DAYS)
    recent = [record for record in rounds if record.date >= recent_start] or rounds[-1:]
    gaps = np.diff(np.array([record.date.toordinal() for record in rounds], dtype=np.float64))
    if len(recent) > GAP_ROUNDS:
        wait = float(np.median(gaps[-GAP_ROUNDS:]))
        year_gaps = gaps[-(len(recent) - 1) :]
    else:
        wait = RECENT_DAYS / len(recent)
        year_gaps = np.array([float(round(wait))])
    sizes = [record.size for record in rounds[-SIZE_ROUNDS:] if record.size is not None]
    return KindOutlook(
        key=key,
        last=rounds[-1],
        wait=wait,
        size=int(np.median(sizes)),
        cutoff=round(float(np.median([record.cutoff for record in rounds[-NOMINEE_ROUNDS:]]))),
        gaps=year_gaps,
        sizes=np.array([record.size for record in recent], dtype=np.float64),
        cutoffs=np.array([record.cutoff for record in recent], dtype=np.float64),
        share=None if key.key == PROVINCIAL_NOMINEE else fit_share(view, key),
    )


def expected_day(view: PoolView, kind: KindOutlook) -> datetime.date:
    """The last round plus the expected wait, or the view's day when that is past."""
    due = kind.last.date + datetime.timedelta(days=round(kind.wait))
    return max(due, view.day)


class _Flows:
    """How a kind's unit stock moves on over whole days: the share of each score still there after
    ``d`` days (expiry and the other kinds' drain as hazards) and the entries that arrived and
    stayed meanwhile, tabulated by ``d`` so that futures waiting different days read a row each
    (single precision: a simulation's stocks need no more, and it halves the memory they sweep)."""

    def __init__(self, view: PoolView, key: RoundKey) -> None:
        self.hazard = 1.0 / view.expiry_days + view.drain(key)
        self.inflow = view.inflow
        self._kept = np.ones((1, len(SCORES)), dtype=np.float32)
        self._entered = np.zeros((1, len(SCORES)), dtype=np.float32)

    def _tabulate(self, longest: int) -> None:
        if longest >= self._kept.shape[0]:
            kept = np.exp(-np.outer(np.arange(longest + 1), self.hazard))
            self._kept = kept.astype(np.float32)
            self._entered = ((self.inflow / self.hazard)[None, :] * (1.0 - kept)).astype(np.float32)

    def advance(self, unit: FloatArray, days: NDArray[np.int64], scale: FloatArray) -> FloatArray:
        """Unit stocks (one row per future) moved on by ``days`` whole days, the inflow times ``scale``."""
        self._tabulate(int(days.max(initial=0)))
        moved = unit * self._kept[days]
        moved += self._entered[days] * scale[:, None]
        np.maximum(moved, 0.0, out=moved)
        return moved


def _row_cutoffs(qualified: FloatArray, sizes: NDArray[np.float64]) -> NDArray[np.int64]:
    """:func:`cutoff_for` for each row of ``qualified`` with its own size."""
    at_or_above = cast(FloatArray, np.cumsum(qualified[:, ::-1], axis=1))[:, ::-1]
    reaching = (at_or_above >= sizes[:, None]).sum(axis=1)
    cutoffs: NDArray[np.int64] = np.maximum(reaching - 1, 0).astype(np.int64)
    return cutoffs


def _cap(cutoff: int | NDArray[np.int64]) -> NDArray[np.int64]:
    """A round of a kind other than PNP that reaches the nominees' band invites them all; its
    cut-off is then shown at the band's floor (the band's scores are not published)."""
    capped: NDArray[np.int64] = np.minimum(cutoff, NOMINEE_BAND.low)
    return capped


def cutoff_on(view: PoolView, kind: KindOutlook, day: datetime.date, size: int) -> int:
    """The forecast cut-off of a round of ``kind`` inviting ``size`` on ``day`` (not before the
    view's day)."""
    if kind.method == "recent_cutoffs":
        return kind.cutoff
    if kind.share is None:
        assert kind.last.cutoff is not None
        return kind.last.cutoff
    unit = view.state.unit_of(kind.key)
    days = (day - view.day).days
    if days > 0:
        flows = _Flows(view, kind.key)
        unit = flows.advance(unit[None, :], np.array([days]), np.ones(1))[0]
    return int(_cap(cutoff_for(kind.share.qualified(unit), size)))


def forecast_cutoff(view: PoolView, kind: KindOutlook) -> int:
    """The cut-off of the kind's next round when its day and size are forecast too: for a kind
    forecast from the pool, the mean of the pool model's cut-off (at the expected day and size)
    and the kind's last cut-off, with weight ``PERSISTENCE_WEIGHT``. The size is what the pool
    model cannot know, and IRCC's sizes move so that cut-offs hold (the last cut-off of the kind
    is the better forecast of the two alone when the size is not known: 16.4 points against 18.6
    over 2023-2026); an equal-weight combination of the two beats both (15.3)."""
    day = expected_day(view, kind)
    pool = cutoff_on(view, kind, day, kind.size)
    if kind.method != "pool":
        return pool
    assert kind.last.cutoff is not None
    return round(PERSISTENCE_WEIGHT * kind.last.cutoff + (1.0 - PERSISTENCE_WEIGHT) * pool)


@dataclass(frozen=True)
class SimulatedRounds:
    """Simulated future rounds of one kind: ``days[d, k]`` after the view's day of the k-th round
    in future ``d`` (infinite when it falls past the horizon), its cut-off and size."""

    key: RoundKey
    days: NDArray[np.float64]
    cutoffs: NDArray[np.int64]
    sizes: NDArray[np.float64]

    def first_within(self, horizon_days: float) -> NDArray[np.int64]:
        """Each future's lowest cut-off among the rounds within ``horizon_days`` (NO_ROUND if none)."""
        inside = self.days <= horizon_days
        lowest: NDArray[np.int64] = np.where(inside, self.cutoffs, NO_ROUND).min(axis=1, initial=NO_ROUND)
        return lowest


def generator_for(key: RoundKey, salt: int = 0) -> np.random.Generator:
    """The seeded generator of one kind (the same draws on every run)."""
    return np.random.default_rng([SEED, zlib.crc32(key.key.encode()), salt])


def _first_waits(
    kind: KindOutlook, elapsed: float, generator: np.random.Generator, draws: int
) -> NDArray[np.float64]:
    """Days from the view's day to the next round: one of the year's gaps longer than the time
    already elapsed since the last round, less that time. When fewer than ``LONGER_GAPS`` of the
    year's gaps are that long, the kind's rhythm says little (it may have paused: PNP rounds
    stopped for seven months in 2023-24, general rounds in April 2024): the wait is then
    exponential at the kind's yearly rate."""
    longer = kind.gaps[kind.gaps > elapsed]
    if longer.size >= LONGER_GAPS:
        waits: NDArray[np.float64] = generator.choice(longer, size=draws) - elapsed
    else:
        rate = kind.cutoffs.size / RECENT_DAYS
        waits = generator.exponential(1.0 / rate, size=draws)
    whole_days: NDArray[np.float64] = np.rint(waits)
    return whole_days


def simulate(
    view: PoolView, kind: KindOutlook, horizon_days: float, draws: int = DRAWS, limit: int | None = None
) -> SimulatedRounds:
    """``draws`` futures of the kind's rounds within ``horizon_days`` of the view's day (at most
    ``limit`` rounds each when given)."""
    generator = generator_for(kind.key)
    elapsed = float((view.day - kind.last.date).days)
    when = _first_waits(kind, elapsed, generator, draws)
    scale = np.exp(generator.normal(0.0, INFLOW_SPREAD, size=draws)).astype(np.float32)
    unit: FloatArray = np.broadcast_to(
        view.state.unit_of(kind.key).astype(np.float32), (draws, len(SCORES))
    ).copy()
    previous = np.zeros(draws)
    days_list: list[NDArray[np.float64]] = []
    cutoff_list: list[NDArray[np.int64]] = []
    size_list: list[NDArray[np.float64]] = []
    flows = _Flows(view, kind.key)
    # Sizes, gaps and PNP cut-offs come in runs (IRCC holds a size for a stretch; PNP cut-offs
    # move with the nominations of a season): each future reads the year's sequence from its own
    # starting round on, rather than drawing every round apart (a block bootstrap).
    starts = generator.integers(0, 1 << 30, size=draws)
    step = 0
    while (when <= horizon_days).any() and (limit is None or len(days_list) < limit):
        inside = when <= horizon_days
        sizes = kind.sizes[(starts + step) % kind.sizes.size]
        if kind.method == "recent_cutoffs":
            cut = kind.cutoffs[(starts + step) % kind.cutoffs.size].astype(np.int64)
        elif kind.share is None:
            cut = np.full(draws, kind.last.cutoff, dtype=np.int64)
        else:
            unit = flows.advance(unit, np.rint(when - previous).astype(np.int64), scale)
            log_share = kind.share.level + generator.choice(kind.share.deviations, size=draws)
            qualified = kind.share.shares(log_share).astype(np.float32) * unit
            cut = _cap(_row_cutoffs(qualified, sizes))
            unit *= SCORES[None, :] <= cut[:, None]
            unit[np.arange(draws), cut] *= 0.5
        days_list.append(np.where(inside, when, np.inf))
        cutoff_list.append(np.where(inside, cut, NO_ROUND))
        size_list.append(np.where(inside, sizes, 0.0))
        previous = when
        when = when + kind.gaps[(starts + step) % kind.gaps.size]
        step += 1
    if not days_list:
        empty = np.zeros((draws, 0))
        return SimulatedRounds(kind.key, empty, empty.astype(np.int64), empty)
    return SimulatedRounds(
        key=kind.key,
        days=np.stack(days_list, axis=1),
        cutoffs=np.stack(cutoff_list, axis=1),
        sizes=np.stack(size_list, axis=1),
    )


@dataclass(frozen=True)
class NextRound:
    """The forecast of one kind's next round (interfaces.md §8, ``forecast next``)."""

    kind: KindOutlook
    day: datetime.date
    size: int
    cutoff: int
    cutoff_low: int
    cutoff_high: int
    day_low: datetime.date
    day_high: datetime.date

    def as_dict(self) -> dict[str, object]:
        last = self.kind.last
        return {
            **self.kind.key.as_dict(),
            "key": self.kind.key.key,
            "date": self.day.isoformat(),
            "size": self.size,
            "cutoff": self.cutoff,
            "cutoff_low": self.cutoff_low,
            "cutoff_high": self.cutoff_high,
            "date_low": self.day_low.isoformat(),
            "date_high": self.day_high.isoformat(),
            "method": self.kind.method,
            "last_round": {
                "round": last.number,
                "date": last.date.isoformat(),
                "size": last.size,
                "cutoff": last.cutoff,
            },
        }


def next_round(view: PoolView, kind: KindOutlook) -> NextRound:
    """The kind's next round: the point forecast, and its interval from the simulation."""
    day = expected_day(view, kind)
    cutoff = forecast_cutoff(view, kind)
    futures = simulate(view, kind, horizon_days=math.inf, limit=1)
    low, high = np.percentile(futures.cutoffs[:, 0], INTERVAL)
    first_low, first_high = np.percentile(futures.days[:, 0], INTERVAL)
    return NextRound(
        kind=kind,
        day=day,
        size=kind.size,
        cutoff=cutoff,
        cutoff_low=min(math.floor(low), cutoff),
        cutoff_high=max(math.ceil(high), cutoff),
        day_low=min(view.day + datetime.timedelta(days=int(first_low)), day),
        day_high=max(view.day + datetime.timedelta(days=math.ceil(first_high)), day),
    )
