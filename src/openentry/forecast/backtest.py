"""Backtest: every published round in a window forecast from what was known the day before.

Rolling origin (interfaces.md §8): the pool model (forecast/pool.py) is replayed day by day;
each round is forecast from a view of its own day taken before any round of that day, so nothing
from the round's day or later reaches it. With ``given_size`` the round's kind, day and size are
given ("if IRCC invites 3,000 CEC candidates that day, where is the cut-off?"); without it the day
and size are forecast too, exactly as ``forecast next`` would have said on that day.

The baseline, computed in the same run over the same rounds, is the last cut-off of the same kind.
A round with no earlier round of its kind has no baseline and no forecast; it is listed apart.

Calibration of the chances (forecast/chances.py): on the first day of each month of the window,
for each kind held in the year before and for scores on a grid around that kind's cut-offs of the
year, the event "invited by a round of that kind within 30 (90) days" is read from the published
rounds (a round of the kind in the window with a cut-off at or below the score). The simulated
probability is scored against it (Brier score: mean squared difference), next to a baseline that
knows only the past year: the fraction of the year's 30-day (90-day) windows that held such a
round.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from openentry.forecast.kinds import PROVINCIAL_NOMINEE, RoundKey, key_of
from openentry.forecast.outlook import cutoff_on, next_round, outlook, simulate
from openentry.forecast.pool import PoolModel, PoolView, RoundRecord, rounds_by_day
from openentry.history.rounds import PublishedRound

DEFAULT_START = datetime.date(2023, 1, 1)
CALIBRATION_HORIZONS = (30, 90)  # days
CALIBRATION_STEP = 5  # CRS points between the scores of the grid
CALIBRATION_MARGIN = 20  # CRS points beyond the year's lowest and highest cut-off of the kind
YEAR_DAYS = 365


@dataclass(frozen=True)
class BacktestRound:
    """One round's forecast next to what was published and to the baseline."""

    number: str
    date: datetime.date
    key: RoundKey
    size: int
    actual: int
    predicted: int
    baseline: int
    method: str
    predicted_date: datetime.date
    predicted_size: int
    interval: tuple[int, int] | None  # the 80 % interval, when the size was forecast

    @property
    def error(self) -> int:
        return abs(self.predicted - self.actual)

    @property
    def baseline_error(self) -> int:
        return abs(self.baseline - self.actual)

    def as_dict(self) -> dict[str, object]:
        number: int | str = int(self.number) if self.number.isdigit() else self.number
        return {
            "round": number,
            "kind": self.key.key,
            "date": self.date.isoformat(),
            "size": self.size,
            "predicted": self.predicted,
            "actual": self.actual,
            "baseline": self.baseline,
            "method": self.method,
            "predicted_date": self.predicted_date.isoformat(),
            "predicted_size": self.predicted_size,
            "cutoff_low": self.interval[0] if self.interval else None,
            "cutoff_high": self.interval[1] if self.interval else None,
        }


@dataclass(frozen=True)
class Calibration:
    """Brier scores of the simulated chances and of the past-year frequency, per horizon."""

    brier: dict[str, float]
    baseline_brier: dict[str, float]
    events: dict[str, int]
    origins: int

    def as_dict(self) -> dict[str, object]:
        return {
            "brier": self.brier,
            "baseline_brier": self.baseline_brier,
            "events": self.events,
            "origins": self.origins,
        }


@dataclass(frozen=True)
class Backtest:
    start: datetime.date
    end: datetime.date
    given_size: bool
    rounds: tuple[BacktestRound, ...]
    unmatched: tuple[tuple[str, datetime.date, str], ...]  # rounds with no earlier one of their kind
    calibration: Calibration | None

    def _mean_errors(self, baseline: bool) -> dict[str, float]:
        groups: dict[str, list[int]] = defaultdict(list)
        for item in self.rounds:
            error = item.baseline_error if baseline else item.error
            groups["all"].append(error)
            if item.key.key != PROVINCIAL_NOMINEE:
                groups["non_pnp"].append(error)
            groups[item.key.key].append(error)
        order = ["all", "non_pnp", *sorted(key for key in groups if key not in ("all", "non_pnp"))]
        return {key: round(float(np.mean(groups[key])), 2) for key in order if key in groups}

    @property
    def mae(self) -> dict[str, float]:
        return self._mean_errors(baseline=False)

    @property
    def baseline_mae(self) -> dict[str, float]:
        return self._mean_errors(baseline=True)

    def counts(self) -> dict[str, int]:
        groups: dict[str, int] = defaultdict(int)
        for item in self.rounds:
            groups["all"] += 1
            groups["non_pnp"] += item.key.key != PROVINCIAL_NOMINEE
            groups[item.key.key] += 1
        return {key: groups[key] for key in self.mae}

    def interval_coverage(self) -> float | None:
        """The fraction of rounds whose cut-off fell inside the forecast 80 % interval."""
        inside = [
            item.interval[0] <= item.actual <= item.interval[1] for item in self.rounds if item.interval
        ]
        return round(float(np.mean(inside)), 3) if inside else None

    def as_dict(self) -> dict[str, object]:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "given_size": self.given_size,
            "rounds": [item.as_dict() for item in self.rounds],
            "mae": self.mae,
            "baseline_mae": self.baseline_mae,
            "counts": self.counts(),
            "baseline": "the last cut-off of the same kind",
            "interval_coverage": self.interval_coverage(),
            "not_compared": [
                {"round": int(number) if number.isdigit() else number, "date": day.isoformat(), "kind": key}
                for number, day, key in self.unmatched
            ],
            "calibration": self.calibration.as_dict() if self.calibration else None,
        }


def forecast_round(view: PoolView, published: PublishedRound, given_size: bool) -> BacktestRound | None:
    """The forecast of one published round from the view of its day (None: first of its kind)."""
    key = key_of(published)
    if key is None or published.cutoff is None or published.invitations is None:
        return None
    earlier = [record for record in view.rounds_of(key) if record.cutoff is not None]
    if not earlier:
        return None
    kind = outlook(view, key)
    interval: tuple[int, int] | None = None
    if given_size:
        day, size = published.date, published.invitations
        predicted = cutoff_on(view, kind, day, size)
    else:
        forecast = next_round(view, kind)
        day, size, predicted = forecast.day, forecast.size, forecast.cutoff
        interval = (forecast.cutoff_low, forecast.cutoff_high)
    baseline = earlier[-1].cutoff
    assert baseline is not None
    return BacktestRound(
        number=published.number,
        date=published.date,
        key=key,
        size=published.invitations,
        actual=published.cutoff,
        predicted=predicted,
        baseline=baseline,
        method=kind.method,
        predicted_date=day,
        predicted_size=size,
        interval=interval,
    )


def _month_starts(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    first = start if start.day == 1 else (start.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    days = []
    while first <= end:
        days.append(first)
        first = (first + datetime.timedelta(days=32)).replace(day=1)
    return days


@dataclass
class _CalibrationSums:
    model: dict[int, float]
    baseline: dict[int, float]
    events: dict[int, int]


def _invited_within(
    records: Sequence[RoundRecord], start: datetime.date, days: int, scores: np.ndarray
) -> np.ndarray:
    """For each score: a round among ``records`` in [start, start + days) cut at or below it."""
    end = start + datetime.timedelta(days=days)
    cutoffs = [
        record.cutoff for record in records if start <= record.date < end and record.cutoff is not None
    ]
    if not cutoffs:
        return np.zeros(scores.shape, dtype=bool)
    result: np.ndarray = scores >= min(cutoffs)
    return result


def _calibrate_origin(
    view: PoolView, future: Sequence[RoundRecord], sums: _CalibrationSums, only: RoundKey | None = None
) -> None:
    """Add one origin's events (every kind held in the year before, or ``only`` that one, a grid
    of scores)."""
    year_start = view.day - datetime.timedelta(days=YEAR_DAYS)
    longest = max(CALIBRATION_HORIZONS)
    for key in view.kinds_since(year_start):
        if only is not None and key != only:
            continue
        past = [
            record
            for record in view.rounds_of(key)
            if record.date >= year_start and record.cutoff is not None
        ]
        cutoffs = [record.cutoff for record in past if record.cutoff is not None]
        scores = np.arange(
            min(cutoffs) - CALIBRATION_MARGIN, max(cutoffs) + CALIBRATION_MARGIN + 1, CALIBRATION_STEP
        )
        simulated = simulate(view, outlook(view, key), horizon_days=longest)
        actual_rounds = [record for record in future if record.key == key]
        for horizon in CALIBRATION_HORIZONS:
            lowest = simulated.first_within(horizon)
            probability = (lowest[:, None] <= scores[None, :]).mean(axis=0)
            outcome = _invited_within(actual_rounds, view.day, horizon, scores).astype(np.float64)
            window_starts = [
                year_start + datetime.timedelta(days=offset) for offset in range(0, YEAR_DAYS - horizon + 1)
            ]
            frequency = np.mean(
                [_invited_within(past, day, horizon, scores) for day in window_starts], axis=0
            )
            sums.model[horizon] += float(((probability - outcome) ** 2).sum())
            sums.baseline[horizon] += float(((frequency - outcome) ** 2).sum())
            sums.events[horizon] += int(scores.size)


def backtest(
    rounds: Iterable[PublishedRound],
    start: datetime.date = DEFAULT_START,
    end: datetime.date | None = None,
    given_size: bool = False,
    calibrate: bool = True,
    only: RoundKey | None = None,
) -> Backtest:
    """Forecast every round dated ``start`` to ``end`` (inclusive) from the days before it; with
    ``only``, the chances are scored for that kind of round alone (the cut-offs of every kind are
    still forecast: callers keep the kind's)."""
    days = rounds_by_day(rounds)
    last_day = days[-1][0] if days else start
    end = end or last_day
    longest = max(CALIBRATION_HORIZONS)
    origins = _month_starts(start, min(end, last_day - datetime.timedelta(days=longest))) if calibrate else []
    records = [
        RoundRecord(item.number, item.date, key, item.invitations, item.cutoff)
        for _, published in days
        for item in published
        if (key := key_of(item)) is not None
    ]
    sums = _CalibrationSums(
        {horizon: 0.0 for horizon in CALIBRATION_HORIZONS},
        {horizon: 0.0 for horizon in CALIBRATION_HORIZONS},
        {horizon: 0 for horizon in CALIBRATION_HORIZONS},
    )
    used_origins = 0
    model = PoolModel()
    results: list[BacktestRound] = []
    unmatched: list[tuple[str, datetime.date, str]] = []
    for day, published in days:
        while origins and origins[0] <= day:
            origin = origins.pop(0)
            if model.has_pool:
                future = [record for record in records if record.date >= origin]
                _calibrate_origin(model.view(origin), future, sums, only)
                used_origins += 1
        if day > end:
            break
        if day >= start and model.has_pool:
            view = model.view(day)
            for item in published:
                result = forecast_round(view, item, given_size)
                if result is not None:
                    results.append(result)
                elif (key := key_of(item)) is not None and item.cutoff is not None:
                    unmatched.append((item.number, item.date, key.key))
        model.observe(day, published)
    calibration = None
    if calibrate and used_origins and all(sums.events[h] for h in CALIBRATION_HORIZONS):
        calibration = Calibration(
            brier={str(h): round(sums.model[h] / sums.events[h], 4) for h in CALIBRATION_HORIZONS},
            baseline_brier={
                str(h): round(sums.baseline[h] / sums.events[h], 4) for h in CALIBRATION_HORIZONS
            },
            events={str(h): sums.events[h] for h in CALIBRATION_HORIZONS},
            origins=used_origins,
        )
    return Backtest(start, end, given_size, tuple(results), tuple(unmatched), calibration)
