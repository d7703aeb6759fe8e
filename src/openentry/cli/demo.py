"""``openentry demo``: a published round replicated over a synthetic pool, side by side."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from openentry.cli.database import DatabaseOption, open_engine
from openentry.cli.inputs import UsageError
from openentry.cli.progress import progress_bar
from openentry.domain import RoundSpecError
from openentry.domain.moments import iso_utc
from openentry.history.rounds import round_as_dict
from openentry.services.demo import (
    DEFAULT_POOL_SIZE,
    DEFAULT_ROUND,
    DemoError,
    DemoResult,
    replicable_round,
    replicate_round,
)


def _closing_lines(result: DemoResult, url: str, kept_folder: Path | None, removed: bool) -> list[str]:
    """What follows the table: the pool's scale and timings, where the database is, and the command
    listing the replica's invitations (or how to keep the database for it)."""
    timings = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in result.seconds.items())
    lines = [f"Pool scaled to {result.pool_size:,} profiles, invitations scaled alike. Timings: {timings}."]
    explore = f"openentry round invitations {result.replica.number} --db {url}"
    if removed:
        lines.append(
            "The demo's temporary database was removed; to explore the replica, run the demo again "
            "with --keep (or --db URL)."
        )
    else:
        if kept_folder is not None:
            lines.append(f"Database kept in {kept_folder}")
        lines.append(f"Explore: {explore}")
    return lines


def _table(result: DemoResult) -> Table:
    published, replica = result.published, result.replica
    table = Table(title=f"Round #{published.number}, {published.date}: {published.name}")
    table.add_column("")
    table.add_column("published by IRCC", justify="right")
    table.add_column("openentry replica", justify="right")

    def text(value: object) -> str:
        return "—" if value is None else f"{value:,}" if isinstance(value, int) else str(value)

    table.add_row("pool", text(result.published_pool), f"{result.pool_size:,} synthetic profiles")
    table.add_row(
        "round at",
        iso_utc(published.draw_datetime) if published.draw_datetime else "—",
        iso_utc(replica.spec.at),
    )
    table.add_row("invitations", text(published.invitations), text(replica.invited))
    table.add_row("CRS cut-off", text(published.cutoff), text(replica.cutoff))
    table.add_row(
        "tie-break",
        iso_utc(published.tiebreak) if published.tiebreak else "—",
        iso_utc(replica.tiebreak) if replica.tiebreak else "—",
    )
    return table


def _as_json(result: DemoResult, url: str | None) -> dict[str, object]:
    """The demo as one JSON object: the published round (as ``history show N --json``), its
    replica (as ``round run`` prints it), the pool's sizes, the timings and the database kept
    (null when it was removed)."""
    return {
        "published": round_as_dict(result.published),
        "published_pool": result.published_pool,
        "pool_size": result.pool_size,
        "replica": result.replica.summary(),
        "seconds": {name: round(seconds, 3) for name, seconds in result.seconds.items()},
        "database": url,
    }


def demo(
    round_number: Annotated[
        str, typer.Option("--round", metavar="N", help="IRCC round number to replicate")
    ] = DEFAULT_ROUND,
    pool_size: Annotated[
        int, typer.Option("--pool-size", metavar="N", help="Synthetic profiles to generate")
    ] = DEFAULT_POOL_SIZE,
    seed: Annotated[int, typer.Option("--seed", metavar="S", help="Seed of the synthetic pool")] = 1,
    keep: Annotated[
        bool,
        typer.Option(
            "--keep", help="Keep the temporary database (removed at the end otherwise) and print where it is"
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table")] = False,
    db: DatabaseOption = None,
) -> None:
    """Replicate a published round (default: #327, 2024-11-20, healthcare) over a synthetic pool.

    Without --db the pool and the round go to an SQLite database in a temporary folder, removed
    at the end unless --keep is given."""
    if pool_size < 1:
        raise UsageError(f"--pool-size: {pool_size}; give at least 1")
    try:
        replicable_round(round_number)
    except (DemoError, RoundSpecError) as error:
        raise UsageError(str(error)) from None
    folder: Path | None = None
    if db:
        url = db
    else:
        folder = Path(tempfile.mkdtemp(prefix="openentry-demo-"))
        url = f"sqlite:///{folder / 'openentry.sqlite'}"
    try:
        engine = open_engine(url)
        try:
            with progress_bar("generating the synthetic pool", pool_size) as advance:
                result = replicate_round(engine, round_number, pool_size, seed, advance)
        except (DemoError, RoundSpecError) as error:
            raise UsageError(str(error)) from None
        finally:
            engine.dispose()
    finally:
        removed = folder is not None and not keep
        if folder is not None and removed:
            shutil.rmtree(folder, ignore_errors=True)
    if as_json:
        typer.echo(json.dumps(_as_json(result, None if removed else url), ensure_ascii=False))
        return
    console = Console()
    console.print(_table(result))
    for line in _closing_lines(result, url, folder if keep else None, removed):
        # One line each, whatever the terminal's width: a command or a path stays whole to copy.
        console.print(line, soft_wrap=True, markup=False, highlight=False)
