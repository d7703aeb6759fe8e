"""Charts of the published rounds (matplotlib, Agg backend): PNG and SVG files. matplotlib is
the ``[plot]`` extra (``pip install 'openentry[plot]'``); ``openentry history plot`` says so when
it is missing.

- ``cutoffs``: the lowest CRS invited in every round, by kind; provincial nominee rounds in their
  own panel because their cut-offs include the 600 nomination points.
- ``invitations-per-year`` and ``invitations-per-month``: invitations stacked by kind.
- ``pool``: the pool's published CRS distribution over time, stacked by score band.
- ``ontario``: Ontario's Express Entry draws: the CRS range notified in each draw, by stream, and
  notifications of interest per year, by stream (a separate chart: NOIs are not ITAs, and a
  nominee is counted again in a later PNP round).

Kinds are told apart by marker shape, line style or hatching as well as colour, so the charts
read in grey and for colour-blind readers. Data: the rounds as published by IRCC
(shared/data/SOURCES.md).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from openentry.history.bands import TOP_BANDS
from openentry.history.provincial import STREAMS, ProvincialDraw
from openentry.history.rounds import PublishedRound

SOURCE_NOTE = "Source: IRCC Express Entry rounds (ee_rounds_123_en.json), as published"
ONTARIO_SOURCE_NOTE = (
    "Source: Ontario's NOI notices as transcribed in oinp_draws.csv (ontario.ca copies, aggregators, news); "
    "incomplete: many 2017-2022 draws and all 2025-2026 draws are missing (data/SOURCES.md)"
)
Drawn = PublishedRound | ProvincialDraw


def _federal(rounds: Sequence[Drawn]) -> list[PublishedRound]:
    return [published for published in rounds if isinstance(published, PublishedRound)]


def _series_label(published: PublishedRound) -> str:
    described = published.type
    if described.kind == "program":
        return {
            "cec": "Canadian Experience Class",
            "fsw": "Federal Skilled Worker",
            "fst": "Federal Skilled Trades",
            "pnp": "Provincial Nominee Program",
        }[described.program or ""]
    if described.kind == "category":
        return "French-language proficiency" if described.category == "french" else "Occupation categories"
    return "General (all programs)" if described.kind == "general" else described.kind


# label -> (colour, marker, hatch); Okabe-Ito colours.
STYLES: dict[str, tuple[str, str, str]] = {
    "General (all programs)": ("#000000", "o", ""),
    "Canadian Experience Class": ("#0072B2", "^", "///"),
    "Federal Skilled Worker": ("#009E73", "v", "xx"),
    "Federal Skilled Trades": ("#D55E00", "D", "\\\\\\"),
    "French-language proficiency": ("#CC79A7", "s", "..."),
    "Occupation categories": ("#E69F00", "P", "++"),
    "Provincial Nominee Program": ("#56B4E9", "X", "--"),
}


def _thousands(value: float, _position: object) -> str:
    return f"{value:,.0f}"


def _ticks(axis: Axes, locator: mdates.DateLocator, pattern: str) -> None:
    axis.xaxis.set_major_locator(locator)
    axis.xaxis.set_major_formatter(mdates.DateFormatter(pattern))  # type: ignore[no-untyped-call]


def _days(days: Sequence[datetime.date]) -> list[float]:
    """Dates as matplotlib's day numbers."""
    return [float(mdates.date2num(day)) for day in days]  # type: ignore[no-untyped-call]


def _date_axis(axis: Axes) -> None:
    _ticks(axis, mdates.YearLocator(), "%Y")  # type: ignore[no-untyped-call]
    axis.grid(True, axis="both", color="#dddddd", linewidth=0.6)
    axis.set_axisbelow(True)


def cutoffs_figure(given: Sequence[Drawn]) -> Figure:
    """Cut-off over time by kind; PNP rounds below, on their own scale."""
    rounds = _federal(given)
    figure, (federal, provincial) = plt.subplots(
        2, 1, figsize=(12, 8.5), sharex=True, gridspec_kw={"height_ratios": [2.2, 1]}, constrained_layout=True
    )
    series: dict[str, list[PublishedRound]] = defaultdict(list)
    for published in rounds:
        if published.cutoff is not None:
            series[_series_label(published)].append(published)
    for label, (colour, marker, _hatch) in STYLES.items():
        members = series.get(label, [])
        if not members:
            continue
        axis = provincial if label == "Provincial Nominee Program" else federal
        axis.plot(
            _days([member.date for member in members]),
            [member.cutoff for member in members],
            linestyle="none",
            marker=marker,
            markersize=5,
            markerfacecolor=colour if marker not in ("o",) else "none",
            markeredgecolor=colour,
            label=f"{label} ({_count(len(members), 'round')})",
        )
    federal.set_title("Express Entry: lowest CRS score invited in each round")
    federal.set_ylabel("CRS cut-off (points)")
    provincial.set_ylabel("CRS cut-off (points,\nincl. 600 for nomination)")
    provincial.set_xlabel("Date of the round (year)")
    for axis in (federal, provincial):
        _date_axis(axis)
        axis.legend(loc="upper right", fontsize=9, framealpha=0.9)
    provincial.annotate(SOURCE_NOTE, xy=(0, -0.32), xycoords="axes fraction", fontsize=8, color="#555555")
    return figure


def _stacked_bars(
    rounds: Sequence[PublishedRound],
    period: Callable[[datetime.date], datetime.date],
    width: float,
    title: str,
) -> Figure:
    totals: dict[str, dict[datetime.date, int]] = defaultdict(lambda: defaultdict(int))
    periods: set[datetime.date] = set()
    for published in rounds:
        start = period(published.date)
        periods.add(start)
        totals[_series_label(published)][start] += published.invitations or 0
    ordered = sorted(periods)
    figure, axis = plt.subplots(figsize=(12, 6), constrained_layout=True)
    bottom = [0] * len(ordered)
    for label, (colour, _marker, hatch) in STYLES.items():
        if label not in totals:
            continue
        values = [totals[label].get(start, 0) for start in ordered]
        axis.bar(
            _days(ordered),
            values,
            width=width,
            bottom=bottom,
            color=colour,
            edgecolor="white",
            hatch=hatch,
            linewidth=0.5,
            label=label,
            align="center",
        )
        bottom = [low + value for low, value in zip(bottom, values, strict=True)]
    axis.set_title(title)
    axis.set_ylabel("Invitations to apply (ITAs)")
    axis.yaxis.set_major_formatter(FuncFormatter(_thousands))
    _date_axis(axis)
    axis.set_xlabel("Date of the round (year)")
    axis.legend(loc="upper left", fontsize=9, framealpha=0.9)
    axis.annotate(SOURCE_NOTE, xy=(0, -0.12), xycoords="axes fraction", fontsize=8, color="#555555")
    return figure


def invitations_per_year_figure(given: Sequence[Drawn]) -> Figure:
    rounds = _federal(given)
    figure = _stacked_bars(
        rounds,
        lambda day: datetime.date(day.year, 7, 1),
        300,
        "Express Entry invitations per year, by kind of round",
    )
    axis = figure.axes[0]
    _ticks(axis, mdates.MonthLocator(bymonth=7), "%Y")  # type: ignore[no-untyped-call]
    axis.grid(False, axis="x")
    years = sorted({published.date.year for published in rounds})
    if years:
        axis.set_xlim(*_days([datetime.date(years[0], 1, 1), datetime.date(years[-1], 12, 31)]))
    axis.set_xlabel("Year (calendar year of the round)")
    return figure


def invitations_per_month_figure(given: Sequence[Drawn]) -> Figure:
    return _stacked_bars(
        _federal(given),
        lambda day: datetime.date(day.year, day.month, 15),
        26,
        "Express Entry invitations per month, by kind of round",
    )


# The pool chart stacks IRCC's seven top bands (history/bands.py), lowest first, each with its
# (hatch, colour), so that the chart reads in grey print.
_POOL_BAND_STYLES: tuple[tuple[str, str], ...] = (
    ("", "#f0f0f0"),
    ("..", "#d9d9d9"),
    ("//", "#bdbdbd"),
    ("\\\\", "#969696"),
    ("xx", "#737373"),
    ("++", "#525252"),
    ("", "#252525"),
)
# (label, (low, high), hatch, colour) per top band, lowest first.
POOL_BANDS: tuple[tuple[str, tuple[int, int], str, str], ...] = tuple(
    (f"{band.low}-{band.high}", (band.low, band.high), hatch, colour)
    for band, (hatch, colour) in zip(reversed(TOP_BANDS), _POOL_BAND_STYLES, strict=True)
)


def pool_figure(given: Sequence[Drawn]) -> Figure:
    """The published pool, stacked by CRS band, one point per distinct "as on" date."""
    points: dict[datetime.date, dict[str, int]] = {}
    for published in _federal(given):
        pool = published.pool
        if pool is None:
            continue
        day = pool.as_of or published.date
        points[day] = {
            label: sum(band.count for band in pool.bands if low <= band.low and band.high <= high)
            for label, (low, high), _hatch, _colour in POOL_BANDS
        }
    days = sorted(points)
    figure, axis = plt.subplots(figsize=(12, 6), constrained_layout=True)
    if days:
        axis.stackplot(
            _days(days),
            [[points[day][label] for day in days] for label, *_rest in POOL_BANDS],
            labels=[f"CRS {label}" for label, *_rest in POOL_BANDS],
            colors=[colour for *_rest, colour in POOL_BANDS],
            hatch=[hatch for _label, _limits, hatch, _colour in POOL_BANDS],
            edgecolor="#444444",
            linewidth=0.4,
        )
    axis.set_title("Express Entry pool: profiles by CRS band, as published by IRCC")
    axis.set_ylabel("Profiles in the pool (candidates)")
    axis.yaxis.set_major_formatter(FuncFormatter(_thousands))
    _ticks(axis, mdates.MonthLocator(bymonth=(1, 7)), "%Y-%m")  # type: ignore[no-untyped-call]
    axis.grid(True, color="#dddddd", linewidth=0.6)
    axis.set_xlabel("Date of the published distribution (year-month)")
    handles, labels = axis.get_legend_handles_labels()
    axis.legend(handles[::-1], labels[::-1], loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=9)
    axis.annotate(SOURCE_NOTE, xy=(0, -0.14), xycoords="axes fraction", fontsize=8, color="#555555")
    return figure


# Ontario stream -> (colour, marker, hatch); Okabe-Ito colours, distinct shapes and hatches.
ONTARIO_STYLES: dict[str, tuple[str, str, str]] = {
    "HCP": ("#0072B2", "o", "///"),
    "FSSW": ("#CC79A7", "s", "..."),
    "SKILLED_TRADES": ("#D55E00", "D", "xx"),
}


def _count(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def ontario_figure(given: Sequence[Drawn]) -> Figure:
    """Ontario's draws: the CRS range notified (a bar from lowest to highest, a marker at the lowest;
    an open marker when only the lowest was published) and NOIs per year, by stream."""
    draws = [draw for draw in given if isinstance(draw, ProvincialDraw)]
    figure, (ranges, counts) = plt.subplots(
        2, 1, figsize=(12, 9), gridspec_kw={"height_ratios": [1.6, 1]}, constrained_layout=True
    )
    offsets = {"HCP": -6.0, "FSSW": 0.0, "SKILLED_TRADES": 6.0}  # days, so same-day draws stay apart
    for code, (colour, marker, _hatch) in ONTARIO_STYLES.items():
        members = [draw for draw in draws if draw.stream == code and draw.crs_min is not None]
        if not members:
            continue
        days = [value + offsets[code] for value in _days([draw.date for draw in members])]
        for day, draw in zip(days, members, strict=True):
            if draw.crs_max is not None:
                ranges.vlines(day, draw.crs_min, draw.crs_max, colors=colour, linewidth=2.2, alpha=0.8)
        name = STREAMS[code].name
        for filled, wording in ((True, "range notified"), (False, "lowest score only")):
            points = [
                (day, draw.crs_min)
                for day, draw in zip(days, members, strict=True)
                if (draw.crs_max is not None) == filled
            ]
            if points:
                ranges.plot(
                    [day for day, _ in points],
                    [low for _, low in points],
                    linestyle="none",
                    marker=marker,
                    markersize=6,
                    markerfacecolor=colour if filled else "none",
                    markeredgecolor=colour,
                    label=f"{name}: {wording} ({_count(len(points), 'draw')})",
                )
    ranges.set_title("Ontario Express Entry draws: CRS range of the candidates notified")
    ranges.set_ylabel("CRS score (points)")
    ranges.set_xlabel("Date of the draw (year)")
    _date_axis(ranges)
    if draws:
        ranges.legend(loc="upper left", fontsize=8, framealpha=0.9)
    years = sorted({draw.date.year for draw in draws})
    bottom = [0] * len(years)
    for code, (colour, _marker, hatch) in ONTARIO_STYLES.items():
        values = [
            sum(draw.invitations or 0 for draw in draws if draw.stream == code and draw.date.year == year)
            for year in years
        ]
        counts.bar(
            [str(year) for year in years],
            values,
            bottom=bottom,
            color=colour,
            edgecolor="white",
            hatch=hatch,
            linewidth=0.5,
            label=STREAMS[code].name,
        )
        bottom = [low + value for low, value in zip(bottom, values, strict=True)]
    counts.set_title("Notifications of interest per year, by stream (draws with a published count)")
    counts.set_ylabel("Notifications of interest (NOIs)")
    counts.set_xlabel("Year of the draw")
    counts.yaxis.set_major_formatter(FuncFormatter(_thousands))
    counts.grid(True, axis="y", color="#dddddd", linewidth=0.6)
    counts.set_axisbelow(True)
    if draws:
        counts.legend(loc="upper left", fontsize=9, framealpha=0.9)
    counts.annotate(ONTARIO_SOURCE_NOTE, xy=(0, -0.25), xycoords="axes fraction", fontsize=8, color="#555555")
    return figure


PLOTS: dict[str, Callable[[Sequence[Drawn]], Figure]] = {
    "cutoffs": cutoffs_figure,
    "invitations-per-year": invitations_per_year_figure,
    "invitations-per-month": invitations_per_month_figure,
    "pool": pool_figure,
    "ontario": ontario_figure,
}


def save_figures(
    figures: Mapping[str, Callable[[], Figure]], folder: Path, formats: Sequence[str], dpi: int
) -> list[Path]:
    """Draw each figure and save it as ``folder/STEM.FORMAT`` in every format (an SVG without its
    date, so the same charts give the same files), one figure in memory at a time; returns the
    files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for stem, draw in figures.items():
        figure = draw()
        try:
            for extension in formats:
                path = folder / f"{stem}.{extension}"
                figure.savefig(path, dpi=dpi, metadata={"Date": None} if extension == "svg" else None)
                written.append(path)
        finally:
            plt.close(figure)
    return written


def write_plots(
    rounds: Sequence[Drawn], names: Sequence[str], folder: Path, formats: Sequence[str]
) -> list[Path]:
    """Draw each named plot and save it in every format; returns the files written."""
    return save_figures({name: partial(PLOTS[name], rounds) for name in names}, folder, formats, dpi=120)
