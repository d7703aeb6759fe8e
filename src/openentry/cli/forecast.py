"""``openentry forecast``: the next rounds, their backtest, plots (shared/spec/interfaces.md §8).

Rounds are read from the history database (``--db URL`` / ``OPENENTRY_DATABASE_URL``, loaded from
the bundled rounds on first use), so a newer feed brought in by ``openentry history import`` is
taken into account. Each command parses, calls one use case of forecast/service.py and renders:
JSON with ``--json``, a table otherwise.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Annotated

import typer

from openentry.cli import plotting
from openentry.cli.database import DatabaseOption, open_engine
from openentry.cli.dates import day_help
from openentry.cli.inputs import UsageError, parse_day
from openentry.cli.overlay import RulesOverlayOption, hypothetical_fields, load_rules_overlay
from openentry.cli.progress import progress_bar
from openentry.forecast.service import ForecastInputError, forecast_next, run_backtest
from openentry.history.rounds import PublishedRound

forecast_app = typer.Typer(
    help="Forecasts from IRCC's published rounds: the next rounds, their backtest, plots.",
    no_args_is_help=True,
)

JsonOption = Annotated[bool, typer.Option("--json", help="JSON instead of a table")]
KindOption = Annotated[
    str | None,
    typer.Option(
        "--kind", metavar="KIND", help="One kind: general, cec, fsw, fst, pnp or a category key (french …)"
    ),
]


def overlay_progress(description: str, total: int) -> AbstractContextManager[Callable[[int], None]]:
    """The bar shown while the synthetic pool of a rule overlay's translation is made: about a
    second whatever its size, so shown on a terminal whatever the count."""
    return progress_bar(description, total, threshold=0)


def hypothetical_note(result: dict[str, object]) -> str:
    """The line under a table of results under a rule overlay: what they are and how."""
    from openentry.forecast.overlay import OVERLAY_NOTE

    overlay, pool = result["rules_overlay"], result["synthetic_pool"]
    assert isinstance(overlay, dict) and isinstance(pool, dict)
    return OVERLAY_NOTE.format(path=overlay["path"], sha256=overlay["sha256"], size=pool["size"])


def published_rounds(url: str | None) -> list[PublishedRound]:
    """The published rounds in the history database (the bundled ones on first use)."""
    from openentry.history.store import load_catalogue

    return load_catalogue(open_engine(url)).rounds


def _print_json(value: object) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False) + "\n")


def _table(title: str, columns: list[str], rows: list[list[str]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for index, column in enumerate(columns):
        table.add_column(column, justify="left" if index == 0 else "right")
    for row in rows:
        table.add_row(*row)
    Console(width=None if sys.stdout.isatty() else 200).print(table)


@forecast_app.command("next")
def next_rounds(
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", metavar="DATE", help=day_help("Forecast from the rounds before this day")),
    ] = None,
    kind: KindOption = None,
    as_json: JsonOption = False,
    db: DatabaseOption = None,
    rules_overlay_path: RulesOverlayOption = None,
) -> None:
    """The next round of each kind held in the 12 months before --as-of: its date, size and cut-off,
    with an 80 % interval.

    With --rules-overlay, the cut-offs and their intervals are translated from the law's to the
    overlay's by rank matching over a synthetic pool (the law's kept under under_law), and the
    output is marked hypothetical.
    """
    day = parse_day(as_of, "--as-of")
    overlay = load_rules_overlay(rules_overlay_path)
    rounds = published_rounds(db)
    try:
        result = forecast_next(rounds, day, kind, overlay=overlay, progress=overlay_progress)
    except ForecastInputError as error:
        raise UsageError(str(error)) from None
    result = {**result, **hypothetical_fields(overlay)}
    if as_json:
        _print_json(result)
        return
    forecasts = result["rounds"]
    assert isinstance(forecasts, list)
    law_column = ["under the law"] if overlay is not None else []
    _table(
        f"Next rounds after {result['as_of']} (rounds published to {result['data_through']})",
        ["kind", "date", "size", "cut-off", "80 % interval", *law_column, "from"],
        [
            [
                str(item["key"]),
                str(item["date"]),
                f"{item['size']:,}",
                str(item["cutoff"]),
                f"{item['cutoff_low']}-{item['cutoff_high']}",
                *([_law_text(item["under_law"])] if overlay is not None else []),
                str(item["method"]).replace("_", " "),
            ]
            for item in forecasts
        ],
    )
    if overlay is not None:
        typer.echo(hypothetical_note(result))


def _law_text(law: object) -> str:
    assert isinstance(law, dict)
    return f"{law['cutoff']} ({law['cutoff_low']}-{law['cutoff_high']})"


@forecast_app.command("backtest")
def backtest_rounds(
    start: Annotated[
        str | None,
        typer.Option(
            "--from", metavar="DATE", help=day_help("First round day", default="default: 2023-01-01")
        ),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(
            "--to", metavar="DATE", help=day_help("Last round day", default="default: the last round")
        ),
    ] = None,
    given_size: Annotated[
        bool, typer.Option("--given-size", help="Give the model each round's published day and size")
    ] = False,
    kind: KindOption = None,
    calibrate: Annotated[
        bool,
        typer.Option(
            "--calibration/--no-calibration", help="Also score the chances against history (Brier; slower)"
        ),
    ] = True,
    as_json: JsonOption = False,
    db: DatabaseOption = None,
) -> None:
    """Forecast every published round from the days before it and compare with the last cut-off of the
    same kind: mean absolute error by kind, and the Brier score of the chances."""
    first = parse_day(start, "--from") if start else None
    last = parse_day(end, "--to") if end else None
    rounds = published_rounds(db)
    try:
        result = run_backtest(rounds, first, last, given_size=given_size, kind=kind, calibrate=calibrate)
    except ForecastInputError as error:
        raise UsageError(str(error)) from None
    if as_json:
        _print_json(result.as_dict())
        return
    counts = result.counts()
    baseline = result.baseline_mae
    size_note = "size and day given" if given_size else "size and day forecast"
    _table(
        f"Backtest {result.start.isoformat()} to {result.end.isoformat()} ({size_note}): mean absolute error",
        ["kind", "rounds", "model", "last cut-off"],
        [
            [key, str(counts[key]), f"{value:.1f}", f"{baseline[key]:.1f}"]
            for key, value in result.mae.items()
        ],
    )
    if result.calibration is not None:
        calibration = result.calibration
        _table(
            "Chances of an invitation within 30 / 90 days: Brier score (lower is better)",
            ["horizon", "events", "simulation", "past year's frequency"],
            [
                [
                    f"{horizon} days",
                    f"{calibration.events[horizon]:,}",
                    f"{value:.4f}",
                    f"{calibration.baseline_brier[horizon]:.4f}",
                ]
                for horizon, value in calibration.brier.items()
            ],
        )


@forecast_app.command("plot")
def plot(
    which: Annotated[
        list[str] | None, typer.Argument(metavar="PLOT", help="fan, errors (default: both)")
    ] = None,
    out: plotting.OutOption = ".",
    formats: plotting.FormatOption = "png",
    as_of: Annotated[
        str | None, typer.Option("--as-of", metavar="DATE", help=day_help("The fan's forecast day"))
    ] = None,
    start: Annotated[
        str | None,
        typer.Option("--from", metavar="DATE", help=day_help("Backtest from", default="default: 2023-01-01")),
    ] = None,
    db: DatabaseOption = None,
    rules_overlay_path: RulesOverlayOption = None,
) -> None:
    """Charts: published cut-offs with the forecast fan of each kind; backtest errors over time next to
    the baseline's. Under the law only: --rules-overlay is refused (forecast next takes it)."""
    if rules_overlay_path is not None:
        raise UsageError(
            "--rules-overlay: forecast plot draws published cut-offs next to forecasts under the law "
            "and does not translate them; use openentry forecast next --rules-overlay FILE"
        )
    with plotting.matplotlib_needed("forecast plot"):
        from openentry.forecast.plots import PLOTS, write_plots

    request = plotting.plot_request(which, PLOTS, out, formats)
    day = parse_day(as_of, "--as-of")
    first = parse_day(start, "--from") if start else None
    rounds = published_rounds(db)
    try:
        with plotting.writing_charts(out):
            written = write_plots(
                rounds, request.names, request.folder, request.formats, as_of=day, start=first
            )
    except ForecastInputError as error:
        raise UsageError(str(error)) from None
    plotting.print_written(written)
