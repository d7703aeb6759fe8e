"""The chart of a sweep (matplotlib, Agg backend; the ``[plot]`` extra): the cut-off by round
size, one panel a round kind, one line an overlay (the law as it is and each rule overlay), so
that what an overlay does to each kind of round reads as the gap between its line and the law's.

Overlays are told apart by marker shape and line style as well as colour, so the chart reads in
grey and for colour-blind readers (as history/plots.py does). A round that invited fewer than
its size (the pool ran out of candidates who qualify) is drawn with a hollow marker.

A scheduled sweep's chart is the cut-off of each round by its day (days from the first round),
one panel a round kind and size, one line an overlay and schedule: colour and marker tell the
overlay, the line style the schedule. A round that invited no one has no cut-off: its line
breaks there.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from openentry.cluster.sweep import Row

_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
# One colour an overlay, the same in every panel (matplotlib's default cycle).
_COLOURS = (
    "tab:blue",
    "tab:orange",
    "tab:green",
    "tab:red",
    "tab:purple",
    "tab:brown",
    "tab:pink",
    "tab:gray",
)
_LINE_STYLES = ("-", "--", "-.", ":")
_PANEL_INCHES = (4.6, 3.4)
_MAX_COLUMNS = 3
# A scheduled sweep's legend names an overlay and a schedule: two entries a line fit the width.
_LEGEND_COLUMNS = 2
_MARKER_SIZE = 6
_SINGLE_MARKER_SIZE = 11
DPI = 120


def _round_label(row: Row) -> str:
    detail = row["program"] or row["category"]
    kind = str(row["kind"])
    return kind if detail is None else f"{kind}: {detail}"


def _panel(axes: Axes, rows: Sequence[Row], overlays: Sequence[str]) -> None:
    for position, overlay in enumerate(overlays):
        points = sorted(
            (int(str(row["size"])), row)
            for row in rows
            if row["overlay"] == overlay and row["cutoff"] is not None
        )
        if not points:
            continue
        sizes = [size for size, _ in points]
        cutoffs = [int(str(row["cutoff"])) for _, row in points]
        marker = _MARKERS[position % len(_MARKERS)]
        colour = _COLOURS[position % len(_COLOURS)]
        hypothetical = any(bool(row["hypothetical"]) for _, row in points)
        axes.plot(
            sizes,
            cutoffs,
            marker=marker,
            color=colour,
            linestyle=_LINE_STYLES[position % len(_LINE_STYLES)],
            label=f"{overlay} (hypothetical)" if hypothetical else overlay,
        )
        short = [
            (size, cutoff)
            for (size, row), cutoff in zip(points, cutoffs, strict=True)
            if row["invited"] != size
        ]
        if short:
            axes.plot(
                [size for size, _ in short],
                [cutoff for _, cutoff in short],
                linestyle="none",
                marker=marker,
                markerfacecolor="white",
                markeredgecolor=colour,
                markersize=9,
            )
    axes.set_xlabel("invitations (round size)")
    axes.set_ylabel("cut-off (CRS of the last invited)")
    axes.grid(True, alpha=0.3)
    sizes = sorted({int(str(row["size"])) for row in rows})
    axes.set_xticks(sizes)
    axes.set_xticklabels([f"{size:,}" for size in sizes], rotation=30 if len(sizes) > 4 else 0)


def _schedule_panel(
    axes: Axes, rows: Sequence[Row], overlays: Sequence[str], schedules: Sequence[str]
) -> None:
    """Each row's rounds: the cut-off by the round's day, from the first round's."""
    for row in rows:
        overlay = overlays.index(str(row["overlay"]))
        schedule = schedules.index(str(row["schedule"]))
        first = row["day"]
        last = row["last_day"]
        cutoffs = row["cutoffs"]
        assert isinstance(first, datetime.date) and isinstance(last, datetime.date)
        assert isinstance(cutoffs, list)
        step = (last - first).days / (len(cutoffs) - 1) if len(cutoffs) > 1 else 0
        days = [round(step * position) for position in range(len(cutoffs))]
        hypothetical = " (hypothetical)" if row["hypothetical"] else ""
        colour = _COLOURS[overlay % len(_COLOURS)]
        # A single round is the first point of every schedule's line: drawn larger and hollow,
        # around it, so that it shows.
        single = len(cutoffs) == 1
        axes.plot(
            days,
            [math.nan if cutoff is None else cutoff for cutoff in cutoffs],
            marker=_MARKERS[overlay % len(_MARKERS)],
            color=colour,
            linestyle=_LINE_STYLES[schedule % len(_LINE_STYLES)],
            markerfacecolor="white" if single else colour,
            markersize=_SINGLE_MARKER_SIZE if single else _MARKER_SIZE,
            zorder=3 if single else 2,
            label=f"{row['overlay']}{hypothetical}, {row['schedule']}",
        )
    axes.set_xlabel("days from the first round")
    axes.set_ylabel("cut-off (CRS of the last invited)")
    axes.grid(True, alpha=0.3)


def _panels(count: int) -> tuple[Figure, Any, int, int]:
    """A figure of ``count`` panels, at most ``_MAX_COLUMNS`` a line: the figure, its grid of
    axes (always two-dimensional: lines x columns), the number of columns and of lines."""
    columns = min(count, _MAX_COLUMNS) or 1
    lines = max(1, math.ceil(count / columns))
    figure, grid = plt.subplots(
        lines,
        columns,
        figsize=(_PANEL_INCHES[0] * columns, _PANEL_INCHES[1] * lines + 0.9),
        squeeze=False,
    )
    return figure, grid, columns, lines


def _hide_unused(grid: Any, used: int, columns: int, lines: int) -> None:
    """Hide the panels of the grid past the ``used`` first (the last line may be short)."""
    for index in range(used, lines * columns):
        grid[index // columns][index % columns].set_visible(False)


def _legend_of(grid: Any) -> dict[str, Artist]:
    """One legend entry a label, from every panel (a line may be missing from some)."""
    legend: dict[str, Artist] = {}
    for axes in grid.flat:
        for handle, name in zip(*axes.get_legend_handles_labels(), strict=True):
            legend.setdefault(name, handle)
    return legend


def _footnote(figure: Figure, text: str) -> None:
    """A small grey line at the foot of the figure, under the legend, saying how to read it."""
    figure.text(0.5, 0.01, text, ha="center", va="bottom", fontsize="small", color="dimgray")


def _save(figure: Figure, path: Path) -> None:
    """Save as PNG or SVG by the extension; an SVG without its date, so the same sweep draws the
    same file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=DPI, metadata={"Date": None} if path.suffix == ".svg" else None)


def _write_schedule_plot(rows: Sequence[Row], path: Path) -> Path:
    """The scheduled sweep's chart: one panel a round kind and size (see the module's doc)."""
    panels = list(dict.fromkeys((_round_label(row), int(str(row["size"]))) for row in rows))
    overlays = list(dict.fromkeys(str(row["overlay"]) for row in rows))
    schedules = list(dict.fromkeys(str(row["schedule"]) for row in rows))
    figure, grid, columns, lines = _panels(len(panels))
    try:
        for index, (label, size) in enumerate(panels):
            axes = grid[index // columns][index % columns]
            chosen = [row for row in rows if _round_label(row) == label and row["size"] == size]
            _schedule_panel(axes, chosen, overlays, schedules)
            axes.set_title(f"{label}, {size:,} a round")
        _hide_unused(grid, len(panels), columns, lines)
        legend = _legend_of(grid)
        days = sorted({str(row["day"]) for row in rows})
        figure.suptitle(
            f"Cut-off at each round of a schedule from {', '.join(days)}, "
            "one line per rule overlay and schedule"
        )
        figure.legend(
            list(legend.values()),
            list(legend),
            loc="lower center",
            bbox_to_anchor=(0.5, 0.04),
            ncol=min(len(legend), _LEGEND_COLUMNS),
            frameon=False,
        )
        if any(None in row["cutoffs"] for row in rows):  # type: ignore[operator]
            _footnote(
                figure, "a break in a line: a round that invited no one (no candidate left who qualified)"
            )
        legend_lines = math.ceil(len(legend) / _LEGEND_COLUMNS)
        bottom = (0.1 + 0.05 * legend_lines) / lines
        figure.tight_layout(rect=(0, bottom, 1, 1))
        _save(figure, path)
    finally:
        plt.close(figure)
    return path


def write_plot(rows: Sequence[Row], path: Path) -> Path:
    """Draw the sweep's chart and save it at ``path`` (PNG or SVG by its extension): the cut-off
    by round size, or for a scheduled sweep the cut-off of each round by its day."""
    if any("schedule" in row for row in rows):
        return _write_schedule_plot(rows, path)
    labels = list(dict.fromkeys(_round_label(row) for row in rows))
    overlays = list(dict.fromkeys(str(row["overlay"]) for row in rows))
    figure, grid, columns, lines = _panels(len(labels))
    try:
        for index, label in enumerate(labels):
            axes = grid[index // columns][index % columns]
            _panel(axes, [row for row in rows if _round_label(row) == label], overlays)
            axes.set_title(label)
        _hide_unused(grid, len(labels), columns, lines)
        legend = _legend_of(grid)
        days = sorted({str(row["day"]) for row in rows})
        figure.suptitle(f"Cut-off by round size, one line per rule overlay (rounds on {', '.join(days)})")
        short = any(row["invited"] != row["size"] for row in rows)
        figure.legend(
            list(legend.values()),
            list(legend),
            loc="lower center",
            bbox_to_anchor=(0.5, 0.04 if short else 0.0),
            ncol=min(len(legend), 4),
            frameon=False,
        )
        if short:
            _footnote(
                figure, "hollow marker: fewer invited than the round's size (too few candidates qualified)"
            )
        bottom = (0.16 if short else 0.1) / lines
        figure.tight_layout(rect=(0, bottom, 1, 1))
        _save(figure, path)
    finally:
        plt.close(figure)
    return path
