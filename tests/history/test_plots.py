"""Plots are written as PNG and SVG with the labels the reader needs."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt

from openentry.history.feed import bundled_rounds
from openentry.history.plots import PLOTS, cutoffs_figure, write_plots


def test_every_plot_is_written_in_both_formats(tmp_path: Path) -> None:
    written = write_plots(bundled_rounds(), list(PLOTS), tmp_path, ["png", "svg"])
    assert sorted(path.name for path in written) == sorted(
        f"{name}.{extension}" for name in PLOTS for extension in ("png", "svg")
    )
    png = (tmp_path / "cutoffs.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(png[16:20], "big") == 1440  # 12 inches at 120 dpi
    assert "CRS cut-off (points)" in (tmp_path / "cutoffs.svg").read_text(encoding="utf-8")


def test_cutoff_plot_tells_kinds_apart_by_marker_and_counts_rounds() -> None:
    figure = cutoffs_figure(bundled_rounds())
    federal, provincial = figure.axes
    labels = [text.get_text() for text in federal.get_legend().get_texts()]
    assert labels == [
        "General (all programs) (178 rounds)",
        "Canadian Experience Class (67 rounds)",
        "Federal Skilled Worker (1 rounds)",
        "Federal Skilled Trades (7 rounds)",
        "French-language proficiency (36 rounds)",
        "Occupation categories (38 rounds)",
    ]
    assert [line.get_marker() for line in federal.get_lines()] == ["o", "^", "v", "D", "s", "P"]
    assert provincial.get_ylabel() == "CRS cut-off (points,\nincl. 600 for nomination)"
    plt.close(figure)
