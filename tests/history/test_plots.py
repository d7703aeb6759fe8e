"""Plots are written as PNG and SVG with the labels the reader needs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import matplotlib.pyplot as plt

from openentry.history.feed import bundled_rounds
from openentry.history.plots import PLOTS, cutoffs_figure, ontario_figure, write_plots
from openentry.history.provincial import bundled_draws


def test_every_plot_is_written_in_both_formats(tmp_path: Path) -> None:
    written = write_plots([*bundled_rounds(), *bundled_draws()], list(PLOTS), tmp_path, ["png", "svg"])
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
        "Federal Skilled Worker (1 round)",
        "Federal Skilled Trades (7 rounds)",
        "French-language proficiency (36 rounds)",
        "Occupation categories (38 rounds)",
    ]
    assert [line.get_marker() for line in federal.get_lines()] == ["o", "^", "v", "D", "s", "P"]
    assert provincial.get_ylabel() == "CRS cut-off (points,\nincl. 600 for nomination)"
    plt.close(figure)


def test_ontario_plot_tells_streams_apart_by_marker_and_hatch() -> None:
    figure = ontario_figure(bundled_draws())
    ranges, counts = figure.axes
    assert [text.get_text() for text in ranges.get_legend().get_texts()] == [
        "Human Capital Priorities: range notified (21 draws)",
        "Human Capital Priorities: lowest score only (5 draws)",
        "French-Speaking Skilled Worker: range notified (11 draws)",
        "French-Speaking Skilled Worker: lowest score only (2 draws)",
        "Skilled Trades: range notified (9 draws)",
        "Skilled Trades: lowest score only (1 draw)",
    ]
    assert [line.get_marker() for line in ranges.get_lines()] == ["o", "o", "s", "s", "D", "D"]
    assert ranges.get_ylabel() == "CRS score (points)"
    assert counts.get_ylabel() == "Notifications of interest (NOIs)"
    # One hatch per stream, so the bars read without colour.
    assert sorted({patch.get_hatch() for patch in counts.patches}) == ["...", "///", "xx"]
    # 2024: HCP 2,104 + 2,281 + 1,240; FSSW 984 + 212; Skilled Trades 2,583 + 1,277 + 1,287 + 1,307.
    years = [label.get_text() for label in counts.get_xticklabels()]
    assert years == ["2018", "2019", "2020", "2021", "2022", "2023", "2024"]
    heights_2024 = [
        patch.get_height() for patch in counts.patches if round(patch.get_x() + patch.get_width() / 2) == 6
    ]
    assert heights_2024 == [2104 + 2281 + 1240, 984 + 212, 2583 + 1277 + 1287 + 1307]
    plt.close(figure)


def test_plot_out_an_existing_file_is_one_line_exit_2(tmp_path: Path) -> None:
    existing = tmp_path / "chart.png"
    existing.write_bytes(b"not a folder")
    ran = subprocess.run(
        [sys.executable, "-m", "openentry.cli.main", "history", "plot", "pool", "--out", str(existing),
         "--db", f"sqlite:///{tmp_path / 'history.sqlite'}"],
        capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False,
    )
    assert (ran.returncode, ran.stdout, ran.stderr) == (
        2,
        "",
        f"openentry: --out: {existing} is a file; give a folder for the charts (created if missing)\n",
    )
    assert existing.read_bytes() == b"not a folder"
