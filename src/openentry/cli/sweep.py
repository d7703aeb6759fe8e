"""``openentry sweep SPEC.yaml --pool PATH --out PATH``: a grid of rounds (rule overlays × round
kinds × sizes, optionally × schedules of rounds) over a pool, on a Dask cluster; one row per
scenario (interfaces.md §11; docs/sweeps.md).

Everything a user can get wrong is refused before a task is submitted (exit status 2, one line):
the spec and every overlay it names (file and key), the pool file's columns, the output paths,
matplotlib for ``--plot``, the cluster options. Then each scenario runs as a task; a scenario
that fails is one line on standard error naming it, the others are written, and the exit
status is 1.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from openentry.cli.inputs import UsageError, check_writable
from openentry.cli.plotting import matplotlib_needed
from openentry.cli.progress import progress_bar

if TYPE_CHECKING:
    from openentry.cluster.sweep import Row, SweepRun

# A scenario takes a while (a round over a whole pool): a bar from a handful of them.
PROGRESS_THRESHOLD = 4
PLOT_FORMATS = (".png", ".svg")
# Some scenarios failed (each named on standard error); the others are written.
EXIT_SCENARIO_FAILED = 1


def _summary_line(row: Row) -> dict[str, object]:
    """What standard output shows of a scenario (the Parquet file holds every column); a
    scheduled scenario's also shows each round's cut-off."""
    mean = row["mean_crs"]
    shown: dict[str, object] = {"scenario": row["scenario"], "cutoff": row["cutoff"]}
    if "cutoffs" in row:
        shown["cutoffs"] = row["cutoffs"]
    shown["invited"] = row["invited"]
    shown["mean_crs"] = None if mean is None else round(float(str(mean)), 1)
    return shown


def _check_paths(out: str, plot: str | None) -> None:
    if not out.endswith(".parquet"):
        raise UsageError(f"--out {out}: give a file ending in .parquet")
    if plot is not None:
        if Path(plot).suffix.lower() not in PLOT_FORMATS:
            raise UsageError(f"--plot {plot}: give a file ending in .png or .svg")
        if Path(plot).is_dir():
            raise UsageError(
                f"--plot {plot}: it is a folder; give a file name such as {Path(plot) / 'sweep.png'}"
            )
        with matplotlib_needed("openentry sweep --plot"):
            import matplotlib  # noqa: F401


def _report_workers(run: SweepRun, scheduled: bool) -> None:
    """One line on standard error: how the pool was read and scored on the workers."""
    reports = run.workers.values()
    reads = sum(report.reads for report in reports)
    scorings = sum(report.scorings for report in reports)
    how = (
        "each worker reads it once, and a scheduled scenario scores it once a round"
        if scheduled
        else "each worker reads it once and scores it once per overlay it runs"
    )
    typer.echo(
        f"openentry sweep: {sum(report.scenarios for report in reports)} scenarios on {len(run.workers)} "
        f"worker(s); the pool read {reads} time(s) and scored {scorings} time(s) ({how})",
        err=True,
    )


def sweep(
    spec_path: Annotated[
        str,
        typer.Argument(
            metavar="SPEC",
            help="The sweep: a YAML file giving the day, the rule overlays, the rounds, the sizes "
            "and optionally the schedules",
        ),
    ],
    pool: Annotated[
        str,
        typer.Option(
            "--pool",
            metavar="PATH",
            help="The pool: a Parquet file of profiles (openentry synth), read once by each worker",
        ),
    ],
    out: Annotated[
        str, typer.Option("--out", metavar="PATH", help="The output: one row per scenario (.parquet)")
    ],
    plot: Annotated[
        str | None,
        typer.Option(
            "--plot",
            metavar="PATH",
            help="Also draw the cut-off by round size, one panel a round kind and one line an "
            "overlay (with schedules: by round day, one panel a kind and size; .png or .svg; needs "
            "the [plot] extra)",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            metavar="N",
            help="Run on a local Dask cluster of N worker processes (default: one a core)",
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            metavar="ADDRESS",
            help="Run on the Dask cluster whose scheduler is at ADDRESS (tcp://HOST:PORT; its "
            "workers must see the pool at the same path)",
        ),
    ] = None,
) -> None:
    """Run a grid of rounds (rule overlays × round kinds × sizes, optionally × schedules) over a
    pool on a Dask cluster; one row per scenario.

    Prints one JSON line per scenario (its cut-off, invitations and their mean CRS) and writes
    every column to --out."""
    from openentry.cluster.sweep_pool import PoolFileError, check_pool_file
    from openentry.cluster.sweep_spec import SweepSpecError, load_spec

    try:
        spec = load_spec(spec_path)
    except SweepSpecError as error:
        raise UsageError(str(error)) from None
    try:
        check_pool_file(pool)
    except PoolFileError as error:
        raise UsageError(f"--pool: {error}") from None
    _check_paths(out, plot)
    from openentry.cluster.client import ClusterError, cluster_client

    scenarios = spec.scenarios()
    try:
        with cluster_client(workers=workers, scheduler=scheduler) as client:
            check_writable(out, example="sweep.parquet")
            from openentry.cluster.sweep import rows_table, run_sweep

            with progress_bar("scenarios", len(scenarios), threshold=PROGRESS_THRESHOLD) as advance:
                run = run_sweep(client, scenarios, str(Path(pool).resolve()), advance)
    except ClusterError as error:
        raise UsageError(str(error)) from None
    import pyarrow.parquet as parquet

    try:
        parquet.write_table(rows_table(run.rows), out)
    except OSError as error:
        raise UsageError(f"--out {out}: cannot write there ({error.strerror or error})") from None
    if plot is not None and run.rows:
        from openentry.cluster.sweep_plot import write_plot

        try:
            write_plot(run.rows, Path(plot))
        except OSError as error:
            raise UsageError(f"--plot {plot}: cannot write there ({error.strerror or error})") from None
    for row in run.rows:
        typer.echo(json.dumps(_summary_line(row)))
    _report_workers(run, bool(spec.schedules))
    for failure in run.failures:
        typer.echo(f"openentry sweep: scenario {failure.scenario.name} failed: {failure.message}", err=True)
    written = f"{len(run.rows)} scenario(s) to {out}" + (
        f" and the chart to {plot}" if plot and run.rows else ""
    )
    typer.echo(f"openentry sweep: wrote {written}", err=True)
    if run.failures:
        raise typer.Exit(EXIT_SCENARIO_FAILED)
