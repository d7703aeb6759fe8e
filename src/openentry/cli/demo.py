"""``openentry demo``: a published round replicated over a synthetic pool, side by side."""

from __future__ import annotations

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
from openentry.services.demo import (
    DEFAULT_POOL_SIZE,
    DEFAULT_ROUND,
    DemoError,
    DemoResult,
    replicable_round,
    replicate_round,
)


def _render(result: DemoResult, url: str) -> None:
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
    console = Console()
    console.print(table)
    timings = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in result.seconds.items())
    console.print(
        f"Pool scaled to {result.pool_size:,} profiles, invitations scaled alike. Timings: {timings}."
    )
    console.print(f"Explore: openentry round invitations {replica.number} --db {url}")


def demo(
    round_number: Annotated[
        str, typer.Option("--round", help="IRCC round number to replicate")
    ] = DEFAULT_ROUND,
    pool_size: Annotated[
        int, typer.Option("--pool-size", help="Synthetic profiles to generate")
    ] = DEFAULT_POOL_SIZE,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the synthetic pool")] = 1,
    db: DatabaseOption = None,
) -> None:
    """Replicate a published round (default: #327, 2024-11-20, healthcare) over a synthetic pool."""
    if pool_size < 1:
        raise UsageError(f"--pool-size: {pool_size}; give at least 1")
    try:
        replicable_round(round_number)
    except (DemoError, RoundSpecError) as error:
        raise UsageError(str(error)) from None
    url = db or f"sqlite:///{Path(tempfile.mkdtemp(prefix='openentry-demo-')) / 'openentry.sqlite'}"
    engine = open_engine(url)
    try:
        with progress_bar("generating the synthetic pool", pool_size) as advance:
            result = replicate_round(engine, round_number, pool_size, seed, advance)
    except (DemoError, RoundSpecError) as error:
        raise UsageError(str(error)) from None
    _render(result, url)
