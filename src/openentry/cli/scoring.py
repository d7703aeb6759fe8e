"""``openentry score``: CRS scores as JSON Lines, or a Parquet pool to a Parquet file (interfaces.md §2, §5)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pyarrow as pa
import pyarrow.parquet as parquet
import typer

from openentry.cli.inputs import (
    EXIT_INVALID_PROFILE,
    UsageError,
    parse_day,
    read_profiles,
    write_json_lines,
)
from openentry.cli.progress import progress_bar
from openentry.profiles.columnar import TableError, columns_from_table, dictionary_columns, scoring_columns
from openentry.services.scoring import score_profiles, score_read_table, scored_table_to_arrow

# Rows per chunk of a columnar pool: large enough for fast array formulas, small enough for a live progress bar.
PARQUET_CHUNK_ROWS = 250_000

def score(
    path: Annotated[str | None, typer.Argument(help="Profiles: .json, .jsonl, .parquet, or - for standard input")] = None,
    on: Annotated[str | None, typer.Option("--on", help="Scoring date YYYY-MM-DD (default: today)")] = None,
    explain: Annotated[bool, typer.Option("--explain", help="Add IRCC's 16 itemised lines and the rules version")] = False,
    out: Annotated[str | None, typer.Option("--out", help="With a .parquet input: the .parquet file to write")] = None,
) -> None:
    """Score profiles with the CRS in force on a date; one JSON line per profile, in input order."""
    day = parse_day(on)
    if path is not None and path.endswith(".parquet"):
        if out is None:
            raise UsageError("--out OUT.parquet is required with a .parquet input")
        failed = _score_parquet(path, out, day, explain)
        raise typer.Exit(EXIT_INVALID_PROFILE if failed else 0)
    if out is not None:
        raise UsageError("--out is for .parquet inputs; JSON results go to standard output")
    given = read_profiles(path)
    results = score_profiles(given.profiles, day, explain=explain, require_id=given.is_batch)
    write_json_lines(results)
    if any("error" in result for result in results):
        raise typer.Exit(EXIT_INVALID_PROFILE)

def _score_parquet(path: str, out: str, day: object, explain: bool) -> int:
    """Score a Parquet pool chunk by chunk; returns how many rows failed."""
    try:
        schema = parquet.read_schema(path)
        source = parquet.ParquetFile(path, read_dictionary=dictionary_columns(schema))
    except FileNotFoundError:
        raise UsageError(f"cannot read {path}: no such file") from None
    except (pa.ArrowInvalid, OSError) as error:
        raise UsageError(f"cannot read {path}: not a Parquet file ({error})") from None
    total_rows = source.metadata.num_rows
    failed = 0
    writer: parquet.ParquetWriter | None = None
    try:
        with progress_bar("scoring", total_rows) as advance:
            for batch in source.iter_batches(batch_size=PARQUET_CHUNK_ROWS, columns=scoring_columns(schema)):
                try:
                    read = columns_from_table(pa.Table.from_batches([batch]))
                except TableError as error:
                    raise UsageError(f"{path}: {error}") from None
                scored = score_read_table(read, day)  # type: ignore[arg-type]
                failed += len(scored.errors)
                table = scored_table_to_arrow(scored, explain)
                if writer is None:
                    Path(out).parent.mkdir(parents=True, exist_ok=True)
                    writer = parquet.ParquetWriter(out, table.schema)
                writer.write_table(table)
                advance(batch.num_rows)
    finally:
        if writer is not None:
            writer.close()
    return failed

