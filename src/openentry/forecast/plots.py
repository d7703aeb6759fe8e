"""Charts of the forecast (matplotlib, Agg backend; the ``[plot]`` extra), PNG or SVG files.

- ``fan``: for each kind held in the year before the forecast day, its published cut-offs of the
  last two years and the simulated cut-offs of its rounds over the next six months (forecast/
  outlook.py): the median, the 50 % and the 80 % band of the rounds simulated in each fortnight,
  and the point forecast of the next round.
- ``errors``: the backtest (forecast/backtest.py): absolute error of every non-PNP round's forecast
  over time, with the size given and with it forecast, next to the last cut-off of the same kind;
  lines are the mean over the last ``ROLLING_ROUNDS`` rounds.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from openentry.forecast.backtest import DEFAULT_START, BacktestRound
from openentry.forecast.kinds import PROVINCIAL_NOMINEE
from openentry.forecast.outlook import NO_ROUND, next_round, outlook, simulate
from openentry.forecast.service import ACTIVE_DAYS, run_backtest, view_on
from openentry.history.plots import save_figures
from openentry.history.rounds import PublishedRound

SOURCE_NOTE = (
    "Source: IRCC Express Entry rounds as published; forecast by openentry (pool model, Monte Carlo)"
)
FAN_DAYS = 182
HISTORY_DAYS = 730
FAN_BIN_DAYS = 14
FAN_MINIMUM = 0.05  # a fortnight is drawn when at least this share of futures hold a round in it
ROLLING_ROUNDS = 10
PERCENTILES = (10.0, 25.0, 50.0, 75.0, 90.0)


def _days(days: Sequence[datetime.date]) -> list[float]:
    """Dates as matplotlib's day numbers."""
    return [float(mdates.date2num(day)) for day in days]  # type: ignore[no-untyped-call]


def _date_axis(axis: Axes, pattern: str) -> None:
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)  # type: ignore[no-untyped-call]
    axis.xaxis.set_major_locator(locator)
    axis.xaxis.set_major_formatter(mdates.DateFormatter(pattern))  # type: ignore[no-untyped-call]
    axis.grid(True, axis="both", color="#dddddd", linewidth=0.6)
    axis.set_axisbelow(True)


def fan_figure(rounds: Sequence[PublishedRound], as_of: datetime.date, start: datetime.date | None) -> Figure:
    """Published cut-offs and the forecast fan, one panel per kind."""
    view = view_on(rounds, as_of)
    keys = view.kinds_since(as_of - datetime.timedelta(days=ACTIVE_DAYS))
    columns = 2
    rows = math.ceil(len(keys) / columns)
    figure, axes = plt.subplots(
        rows, columns, figsize=(13, 2.9 * rows + 0.8), squeeze=False, constrained_layout=True
    )
    history_start = as_of - datetime.timedelta(days=HISTORY_DAYS)
    for index, key in enumerate(keys):
        axis = axes[index // columns][index % columns]
        kind = outlook(view, key)
        past = [record for record in view.rounds_of(key) if record.date >= history_start and record.cutoff]
        axis.plot(
            _days([record.date for record in past]),
            [record.cutoff for record in past],
            linestyle="-",
            linewidth=0.8,
            color="#555555",
            marker="o",
            markersize=3.5,
            label="published cut-off",
        )
        simulated = simulate(view, kind, horizon_days=FAN_DAYS)
        centres: list[datetime.date] = []
        bands: list[np.ndarray] = []
        for low in range(0, FAN_DAYS, FAN_BIN_DAYS):
            inside = (simulated.days >= low) & (simulated.days < low + FAN_BIN_DAYS)
            cutoffs = simulated.cutoffs[inside & (simulated.cutoffs < NO_ROUND)]
            if cutoffs.size >= FAN_MINIMUM * simulated.days.shape[0]:
                centres.append(as_of + datetime.timedelta(days=low + FAN_BIN_DAYS // 2))
                bands.append(np.percentile(cutoffs, PERCENTILES))
        if bands:
            table = np.array(bands)
            x = _days(centres)
            axis.fill_between(
                x, table[:, 0], table[:, 4], color="#9ecae1", alpha=0.6, label="80 % of simulated rounds"
            )
            axis.fill_between(x, table[:, 1], table[:, 3], color="#4292c6", alpha=0.6, label="50 %")
            axis.plot(x, table[:, 2], color="#08519c", linewidth=1.4, label="median")
        forecast = next_round(view, kind)
        axis.errorbar(
            _days([forecast.day]),
            [forecast.cutoff],
            yerr=[[forecast.cutoff - forecast.cutoff_low], [forecast.cutoff_high - forecast.cutoff]],
            fmt="D",
            color="#d94801",
            markersize=6,
            capsize=3,
            label=f"next round: {forecast.cutoff} ({forecast.day.isoformat()}, {forecast.size:,})",
        )
        axis.axvline(_days([as_of])[0], color="#999999", linestyle=":", linewidth=1)
        nomination = " (incl. 600 for nomination)" if key.key == PROVINCIAL_NOMINEE else ""
        axis.set_title(f"{key.key}: {kind.method.replace('_', ' ')}{nomination}", fontsize=10)
        axis.set_ylabel("CRS cut-off")
        _date_axis(axis, "%Y-%m")
        axis.legend(loc="best", fontsize=7, framealpha=0.85)
    for index in range(len(keys), rows * columns):
        axes[index // columns][index % columns].set_visible(False)
    figure.suptitle(
        f"Cut-offs by kind of round and the forecast from {as_of.isoformat()} (rounds before that day only)"
    )
    figure.supxlabel(SOURCE_NOTE, fontsize=8, color="#555555")
    return figure


def _rolling(errors: Sequence[int]) -> list[float]:
    values = np.asarray(errors, dtype=np.float64)
    return [
        float(values[max(0, index - ROLLING_ROUNDS + 1) : index + 1].mean()) for index in range(len(values))
    ]


def errors_figure(
    rounds: Sequence[PublishedRound], as_of: datetime.date, start: datetime.date | None
) -> Figure:
    """Backtest errors over time: model with and without the size, and the baseline."""
    given = run_backtest(rounds, start or DEFAULT_START, given_size=True, calibrate=False)
    forecast = run_backtest(rounds, start or DEFAULT_START, given_size=False, calibrate=False)
    figure, axis = plt.subplots(figsize=(12, 5.5), constrained_layout=True)

    def non_pnp(items: Sequence[BacktestRound]) -> list[BacktestRound]:
        return [item for item in items if item.key.key != PROVINCIAL_NOMINEE]

    given_rounds, forecast_rounds = non_pnp(given.rounds), non_pnp(forecast.rounds)
    days = _days([item.date for item in given_rounds])
    series = (
        (
            "last cut-off of the same kind (baseline)",
            [item.baseline_error for item in given_rounds],
            "#999999",
            "s",
            ":",
        ),
        ("pool model, size and day forecast", [item.error for item in forecast_rounds], "#fd8d3c", "^", "--"),
        ("pool model, size and day given", [item.error for item in given_rounds], "#08519c", "o", "-"),
    )
    for label, errors, colour, marker, style in series:
        axis.plot(days, errors, linestyle="none", marker=marker, markersize=3, color=colour, alpha=0.35)
        mean = float(np.mean(errors)) if errors else float("nan")
        axis.plot(
            days,
            _rolling(errors),
            linestyle=style,
            linewidth=1.8,
            color=colour,
            label=f"{label}: mean {mean:.1f} points",
        )
    axis.set_yscale("symlog", linthresh=10)
    axis.set_ylabel("absolute error of the cut-off (CRS points)")
    axis.set_xlabel(
        f"day of the round (non-PNP, {len(given_rounds)} rounds); lines: mean of the last {ROLLING_ROUNDS}\n"
        + SOURCE_NOTE,
        fontsize=9,
    )
    axis.set_title(
        f"Backtest {given.start.isoformat()} to {given.end.isoformat()}: "
        "each round forecast from the days before it"
    )
    _date_axis(axis, "%Y-%m")
    axis.legend(loc="upper right", fontsize=9, framealpha=0.9)
    return figure


PLOTS: dict[str, Callable[[Sequence[PublishedRound], datetime.date, datetime.date | None], Figure]] = {
    "fan": fan_figure,
    "errors": errors_figure,
}


def write_plots(
    rounds: Sequence[PublishedRound],
    names: Sequence[str],
    folder: Path,
    formats: Sequence[str],
    as_of: datetime.date,
    start: datetime.date | None = None,
) -> list[Path]:
    """Draw each named plot and save it in every format; returns the files written."""
    figures = {f"forecast-{name}": partial(PLOTS[name], rounds, as_of, start) for name in names}
    return save_figures(figures, folder, formats, dpi=110)
