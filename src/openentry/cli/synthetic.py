"""``openentry synth``: a synthetic pool of valid profiles (interfaces.md §5)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import pyarrow.parquet as parquet
import typer

from openentry.cli.dates import day_help
from openentry.cli.inputs import UsageError, check_writable, parse_day
from openentry.cli.progress import progress_bar
from openentry.forecast.synthetic import NoPublishedDistributionError, generate_pool, latest_distribution
from openentry.profiles.columnar import profiles_from_table


def synth(
    size: Annotated[int, typer.Option("--size", metavar="N", help="How many profiles")],
    out: Annotated[str, typer.Option("--out", metavar="PATH", help="Output file: .jsonl or .parquet")],
    seed: Annotated[
        int,
        typer.Option(
            "--seed", metavar="S", help="Random seed: the same size and seed give the same profiles"
        ),
    ] = 0,
    on: Annotated[str | None, typer.Option("--on", metavar="DATE", help=day_help("The pool's day"))] = None,
) -> None:
    """Write a synthetic pool whose CRS distribution follows the latest published pool distribution."""
    day = parse_day(on)
    if size < 1:
        raise UsageError(f"--size: {size} is not allowed; give 1 or more")
    if seed < 0:
        raise UsageError(f"--seed: {seed} is not allowed; give 0 or more")
    if not (out.endswith(".jsonl") or out.endswith(".parquet")):
        raise UsageError(f"--out: {out!r} must end in .jsonl or .parquet")
    try:
        latest_distribution(day)
    except NoPublishedDistributionError as error:
        raise UsageError(f"--on: {error}; give --on {error.first_date.isoformat()} or later") from None
    check_writable(out, example="pool" + Path(out).suffix)
    with progress_bar("generating", size) as advance:
        pool = generate_pool(size, seed, day, advance=advance)
    path = Path(out)
    try:
        if out.endswith(".parquet"):
            parquet.write_table(pool, path)
        else:
            with path.open("w", encoding="utf-8") as stream, progress_bar("writing", size) as advance:
                for profile in profiles_from_table(pool):
                    stream.write(json.dumps(profile, ensure_ascii=False))
                    stream.write("\n")
                    advance(1)
    except OSError as error:
        raise UsageError(f"cannot write {out}: {error.strerror}") from None
    typer.echo(f"wrote {pool.num_rows} profiles to {out}", err=True)
