"""``openentry history``: IRCC's published rounds: list, show, import, check, plot, stats.

``show N --json`` and ``check [PATH|-] --round N`` / ``--all`` follow shared/spec/interfaces.md
§6; the rest prints Rich tables in a terminal and JSON with ``--json``. Rounds live in the
database (``--db URL`` / ``OPENENTRY_DATABASE_URL``, interfaces.md §3), loaded from the bundled
CSV on first use.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from openentry.cli.database import DatabaseOption, open_engine
from openentry.cli.dates import day_help
from openentry.cli.inputs import (
    EXIT_INVALID_PROFILE,
    UsageError,
    input_file,
    parse_day,
    read_profiles,
    write_json_lines,
)
from openentry.cli.plotting import (
    FormatOption,
    OutOption,
    matplotlib_needed,
    plot_request,
    print_written,
    writing_charts,
)
from openentry.cli.progress import progress_bar
from openentry.history.catalogue import (
    AnyRound,
    ImportReport,
    RoundCatalogue,
    find_published,
    published_as_dict,
)
from openentry.history.feed import FeedError, read_feed, rounds_from_csv_rows
from openentry.history.pool import candidates_above, pool_on
from openentry.history.provincial import (
    STREAMS_BY_KEY,
    ProvincialDraw,
    draws_from_csv_rows,
    is_draws_csv,
)
from openentry.history.replay import check_all_rounds, check_draw, check_round, prepare_profiles
from openentry.history.rounds import PublishedRound
from openentry.history.stats import totals_by_period
from openentry.history.store import import_draws, import_history, import_rounds, load_catalogue

history_app = typer.Typer(
    name="history",
    help="IRCC's published rounds of invitations: list, show, import, check, plot, stats.",
    no_args_is_help=True,
)

JsonOption = Annotated[bool, typer.Option("--json", help="JSON instead of a table")]
KINDS = ("general", "program", "category", "provincial", "unknown")
ProfilesArgument = Annotated[
    str | None,
    typer.Argument(metavar="PATH", help="Profiles: .json, .jsonl, or - for standard input (the default)"),
]


def _catalogue(url: str | None) -> RoundCatalogue:
    return load_catalogue(open_engine(url))


def _score_range(published: AnyRound) -> str:
    """The cut-off of a round; the range notified of an Ontario draw (``352-421``, ``471+``)."""
    if not isinstance(published, ProvincialDraw):
        return _thousands(published.cutoff)
    if published.crs_min is None:
        return "—"
    return (
        f"{published.crs_min}-{published.crs_max}"
        if published.crs_max is not None
        else f"{published.crs_min}+"
    )


def _console() -> Console:
    """A Rich console; wide when the output is a file or a pipe, so rows are not cut."""
    return Console(width=None if sys.stdout.isatty() else 200)


def _print_json(value: object) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False) + "\n")


def _thousands(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


@history_app.command("list")
def list_rounds(
    kind: Annotated[
        str | None, typer.Option("--kind", metavar="KIND", help="general, program, category or provincial")
    ] = None,
    program: Annotated[
        str | None, typer.Option("--program", metavar="PROGRAM", help="fsw, cec, fst or pnp")
    ] = None,
    category: Annotated[
        str | None, typer.Option("--category", metavar="KEY", help="category key (healthcare, french …)")
    ] = None,
    stream: Annotated[
        str | None,
        typer.Option(
            "--stream", metavar="STREAM", help="Ontario stream: on_hcp, on_fssw or on_skilled_trades"
        ),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", metavar="DATE", help=day_help("First day", default=None))
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", metavar="DATE", help=day_help("Last day", default=None))
    ] = None,
    as_json: JsonOption = False,
    db: DatabaseOption = None,
) -> None:
    """Published rounds and Ontario's draws, oldest first (filters combine). For an Ontario draw,
    invitations are notifications of interest and the cut-off is the CRS range notified."""
    if kind is not None and kind not in KINDS:
        raise UsageError(f"--kind: {kind!r} is not one of {', '.join(KINDS[:4])}")
    if stream is not None and stream not in STREAMS_BY_KEY:
        raise UsageError(f"--stream: {stream!r} is not one of {', '.join(STREAMS_BY_KEY)}")
    first = parse_day(since, "--since") if since else None
    last = parse_day(until, "--until") if until else None
    rounds = _catalogue(db).select(
        kind=kind,  # type: ignore[arg-type]
        program=program,
        category=category,
        stream=stream,
        since=first,
        until=last,
    )
    if as_json:
        write_json_lines([published_as_dict(published) for published in rounds])
        return
    table = Table(title=f"Express Entry rounds and Ontario draws ({len(rounds)})")
    for heading in ("#", "date", "name", "kind", "key", "list", "invitations", "cut-off", "tie-break (UTC)"):
        table.add_column(heading, justify="right" if heading in ("invitations", "cut-off") else "left")
    for published in rounds:
        described = published.type
        tiebreak = published.tiebreak if isinstance(published, PublishedRound) else None
        table.add_row(
            published.number,
            published.date.isoformat(),
            published.name,
            described.kind,
            described.program or described.category or described.stream or "",
            described.list_version_label or "",
            _thousands(published.invitations),
            _score_range(published),
            tiebreak.strftime("%Y-%m-%d %H:%M:%S") if tiebreak else "",
        )
    _console().print(table)


@history_app.command("show")
def show(
    number: Annotated[
        str,
        typer.Argument(
            metavar="NUMBER",
            help="IRCC's round number (327, 91a …) or an Ontario draw id (on-2024-03-07-hcp-health)",
        ),
    ],
    as_json: JsonOption = False,
    db: DatabaseOption = None,
) -> None:
    """One published round: number, date, name, kind, key, list version, invitations, cut-off,
    tie-break time and the pool's score bands when published; or one Ontario draw: stream, NOIs,
    CRS range, profile window and the occupation list where known."""
    published = find_published(_catalogue(db), number)
    described = published_as_dict(published)
    if as_json:
        _print_json(described)
        return
    title = f"Round #{published.number}" if isinstance(published, PublishedRound) else published.number
    table = Table(title=title, show_header=False)
    table.add_column("field")
    table.add_column("value")
    for key, value in described.items():
        if key == "pool":
            continue
        table.add_row(key, "" if value is None else str(value))
    console = _console()
    console.print(table)
    if isinstance(published, PublishedRound) and published.pool is not None:
        bands = Table(
            title=f"Pool as on {published.pool.as_of or 'unknown date'} ({published.pool.total:,} profiles)"
        )
        bands.add_column("CRS")
        bands.add_column("profiles", justify="right")
        for band in published.pool.bands:
            bands.add_row(f"{band.low}-{band.high}", f"{band.count:,}")
        console.print(bands)


def _print_import_log(imports: list[dict[str, object]]) -> None:
    """Past imports, oldest first, then the fields each one corrected."""
    table = Table(title=f"Imports of published rounds ({len(imports)})")
    for heading in ("#", "imported at (UTC)", "source", "added", "corrected", "unchanged"):
        table.add_column(heading, justify="left" if heading in ("imported at (UTC)", "source") else "right")
    changes = Table(title="Fields corrected")
    for heading in ("import", "round", "field", "old", "new"):
        changes.add_column(heading)
    for record in imports:
        table.add_row(
            *(str(record[key]) for key in ("id", "imported_at", "source", "added", "changed", "unchanged"))
        )
        for change in record["changes"]:  # type: ignore[attr-defined]
            changes.add_row(
                str(record["id"]), *(str(change[key]) for key in ("round", "field", "old", "new"))
            )
    console = _console()
    console.print(table)
    if changes.row_count:
        console.print(changes)


@history_app.command("import")
def import_feed(
    path: Annotated[
        str | None,
        typer.Argument(
            metavar="PATH",
            help="IRCC feed file (ee_rounds_123_en.json), a CSV like ee_rounds.csv, "
            "or Ontario draws like oinp_draws.csv",
        ),
    ] = None,
    log: Annotated[bool, typer.Option("--log", help="List past imports and their changes instead")] = False,
    as_json: JsonOption = False,
    db: DatabaseOption = None,
) -> None:
    """Add and correct rounds (or Ontario draws) from a newer file; prints what changed (nothing when
    re-imported)."""
    engine = open_engine(db)
    if log:
        load_catalogue(engine)
        imports = import_history(engine)
        if as_json:
            _print_json(imports)
        else:
            _print_import_log(imports)
        return
    if path is None:
        raise UsageError("history import: give the feed file to import (or --log)")
    draws: list[ProvincialDraw] = []
    rounds: list[PublishedRound] = []
    input_file(path)
    try:
        if path.endswith(".csv"):
            with open(path, encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                if is_draws_csv(reader.fieldnames or ()):
                    draws = draws_from_csv_rows(reader)
                else:
                    rounds = rounds_from_csv_rows(reader)
        else:
            rounds = read_feed(path)
    except (FeedError, OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot import {path}: {error}") from None
    load_catalogue(engine)
    source = str(Path(path).name)
    report: ImportReport = (
        import_draws(engine, draws, source) if draws else import_rounds(engine, rounds, source)
    )
    if as_json:
        _print_json(report.as_dict())
        return
    what = "Ontario draws" if draws else "rounds"
    typer.echo(
        f"{path}: {len(draws) or len(rounds)} {what} read; {len(report.added)} added, "
        f"{len(report.changed_rounds)} corrected "
        f"({len(report.changes)} fields), {report.unchanged} unchanged"
        + (f"; {len(report.absent)} known {what} not in this file (kept)" if report.absent else "")
    )
    for change in report.changes:
        typer.echo(f"  #{change.number} {change.field}: {change.old!r} -> {change.new!r}")


@history_app.command("check")
def check(
    path: ProfilesArgument = None,
    round_number: Annotated[
        str | None,
        typer.Option("--round", metavar="NUMBER", help="Published round number, or an Ontario draw id"),
    ] = None,
    every_round: Annotated[
        bool,
        typer.Option(
            "--all", help="List every round (and Ontario draw) the profile would have been invited in"
        ),
    ] = False,
    db: DatabaseOption = None,
) -> None:
    """Would each profile have been invited? CRS on the round's date against its cut-off and
    tie-break, and the round's program or category eligibility; for an Ontario draw, the stream,
    the profile window, the occupation list and the CRS range notified. One JSON line per profile."""
    if (round_number is None) == (not every_round):
        raise UsageError("history check: give either --round N or --all")
    catalogue = _catalogue(db)
    published = find_published(catalogue, round_number) if round_number is not None else None
    given = read_profiles(path)
    prepared = prepare_profiles(given.profiles, require_id=given.is_batch)
    if isinstance(published, ProvincialDraw):
        results = check_draw(published, prepared)
    elif published is not None:
        results = check_round(published, prepared)
    else:
        rounds, draws = catalogue.rounds, catalogue.draws
        # Each round is a scoring (and maybe an eligibility) pass: a bar from a few rounds on.
        with progress_bar("replaying rounds and draws", len(rounds) + len(draws), threshold=10) as advance:
            results = check_all_rounds(rounds, prepared, draws, advance)
    write_json_lines(results)
    if any("error" in result for result in results):
        raise typer.Exit(EXIT_INVALID_PROFILE)


@history_app.command("stats")
def stats(
    by: Annotated[str, typer.Option("--by", metavar="PERIOD", help="year or month")] = "year",
    above: Annotated[
        int | None,
        typer.Option(
            "--above", metavar="CRS", help="Instead: how many in the published pool scored above this CRS"
        ),
    ] = None,
    on: Annotated[
        str | None, typer.Option("--on", metavar="DATE", help=day_help("With --above: the day"))
    ] = None,
    as_json: JsonOption = False,
    db: DatabaseOption = None,
) -> None:
    """Rounds, invitations and cut-off range per year or month and kind; or, with --above, the
    number of candidates above a score in the pool IRCC published on or before a date."""
    catalogue = _catalogue(db)
    if above is not None:
        day = parse_day(on)
        try:
            published = pool_on(catalogue, day)
            assert published.pool is not None
            answer = candidates_above(published.pool, above, published.number)
        except ValueError as error:
            raise UsageError(str(error)) from None
        if as_json:
            _print_json(answer.as_dict())
        else:
            counted = (
                f"{answer.at_least:,} candidates above (exact: the bands from {above + 1} up)"
                if answer.exact
                else f"{answer.at_least:,} to {answer.at_most:,} candidates above (about {answer.estimate:,})"
            )
            typer.echo(
                f"CRS {above}: {counted} of {answer.total:,} in the pool as on "
                f"{answer.as_of or 'an unpublished date'} (published with round #{answer.round_number})"
            )
        return
    if by not in ("year", "month"):
        raise UsageError("--by: give year or month")
    totals = totals_by_period(catalogue.select(), by=by)
    if as_json:
        write_json_lines([total.as_dict() for total in totals])
        return
    table = Table(title=f"Invitations by {by} and kind (Ontario: notifications of interest)")
    for heading in (by, "kind", "rounds", "invitations", "lowest cut-off", "highest cut-off"):
        table.add_column(heading, justify="left" if heading in (by, "kind") else "right")
    for total in totals:
        table.add_row(
            total.period,
            total.label,
            str(total.rounds),
            f"{total.invitations:,}",
            _thousands(total.lowest_cutoff),
            _thousands(total.highest_cutoff),
        )
    _console().print(table)


@history_app.command("plot")
def plot(
    which: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="PLOT",
            help="cutoffs, invitations-per-year, invitations-per-month, pool, ontario (default: all)",
        ),
    ] = None,
    out: OutOption = ".",
    formats: FormatOption = "png,svg",
    since: Annotated[
        str | None, typer.Option("--since", metavar="DATE", help=day_help("First day", default=None))
    ] = None,
    db: DatabaseOption = None,
) -> None:
    """Charts of the published history as PNG and SVG files."""
    with matplotlib_needed("history plot"):
        from openentry.history.plots import PLOTS, write_plots

    request = plot_request(which, PLOTS, out, formats)
    first = parse_day(since, "--since") if since else None
    rounds = _catalogue(db).select(since=first)
    with writing_charts(out):
        written = write_plots(rounds, request.names, request.folder, request.formats)
    print_written(written)
