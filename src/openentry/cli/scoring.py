"""``openentry score``: CRS scores as JSON Lines, or a Parquet pool to a Parquet file
(interfaces.md §2, §5)."""

from __future__ import annotations

import datetime
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from pathlib import Path
from typing import Annotated, TypeVar

import pyarrow as pa
import pyarrow.parquet as parquet
import typer

from openentry.cli.inputs import (
    EXIT_INVALID_PROFILE,
    UsageError,
    check_writable,
    parse_day,
    read_profiles,
    write_json_lines,
)
from openentry.cli.progress import progress_bar
from openentry.profiles.columnar import TableError, columns_from_table, dictionary_columns, scoring_columns
from openentry.services.scoring import score_profiles, score_read_table, scored_table_to_arrow

# Rows per chunk of a columnar pool: large enough for fast array formulas,
# small enough for a live progress bar.
PARQUET_CHUNK_ROWS = 250_000
# Chunks scored at once (the machines this targets have two cores).
SCORING_THREADS = 2

T = TypeVar("T")
R = TypeVar("R")


def score(
    path: Annotated[
        str | None, typer.Argument(help="Profiles: .json, .jsonl, .parquet, or - for standard input")
    ] = None,
    on: Annotated[str | None, typer.Option("--on", help="Scoring date YYYY-MM-DD (default: today)")] = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Add IRCC's 16 itemised lines and the rules version")
    ] = False,
    out: Annotated[
        str | None, typer.Option("--out", help="With a .parquet input: the .parquet file to write")
    ] = None,
) -> None:
    """Score profiles with the CRS in force on a date; one JSON line per profile, in input order."""
    day = parse_day(on)
    if path is not None and path.endswith(".parquet"):
        if out is None:
            raise UsageError("--out OUT.parquet is required with a .parquet input")
        failed = score_parquet_file(path, out, day, explain)
        raise typer.Exit(EXIT_INVALID_PROFILE if failed else 0)
    if out is not None:
        raise UsageError("--out is for .parquet inputs; JSON results go to standard output")
    given = read_profiles(path)
    results = score_profiles(given.profiles, day, explain=explain, require_id=given.is_batch)
    write_json_lines(results)
    if any("error" in result for result in results):
        raise typer.Exit(EXIT_INVALID_PROFILE)


def score_parquet_file(
    path: str, out: str, day: datetime.date, explain: bool, timings: dict[str, float] | None = None
) -> int:
    """Score a Parquet pool chunk by chunk into a Parquet file; returns how many rows failed.

    Only the columns scoring reads are read, coded strings (inside lists too) as dictionaries.
    Chunks are scored on ``SCORING_THREADS`` threads (numpy and Arrow release the GIL in their
    loops) and written in input order while the next ones are scored. ``timings``, when given,
    receives the seconds of each stage summed over chunks ("read", "validate", "score",
    "write"; scoring stages overlap one another and the writing) and the wall-clock "total".
    """
    started = time.perf_counter()
    timings = {} if timings is None else timings
    for stage in ("read", "validate", "score", "write"):
        timings[stage] = 0.0
    try:
        described = parquet.ParquetFile(path)
        columns = [described.schema.column(index) for index in range(len(described.schema))]
        text_paths = [column.path for column in columns if column.physical_type == "BYTE_ARRAY"]
        schema = described.schema_arrow
        source = parquet.ParquetFile(
            path, metadata=described.metadata, read_dictionary=dictionary_columns(schema, text_paths)
        )
    except FileNotFoundError:
        raise UsageError(f"cannot read {path}: no such file") from None
    except (pa.ArrowInvalid, OSError) as error:
        raise UsageError(f"cannot read {path}: not a Parquet file ({error})") from None
    check_writable(out)
    batches = _timed_iteration(
        source.iter_batches(batch_size=PARQUET_CHUNK_ROWS, columns=scoring_columns(schema)), timings, "read"
    )

    def score_batch(batch: pa.RecordBatch) -> tuple[pa.Table, int, float, float]:
        chunk_started = time.perf_counter()
        try:
            read = columns_from_table(pa.Table.from_batches([batch]), require_id=True)
        except TableError as error:
            raise UsageError(f"{path}: {error}") from None
        validated = time.perf_counter()
        scored = score_read_table(read, day)
        table = scored_table_to_arrow(scored, explain)
        return table, len(scored.errors), validated - chunk_started, time.perf_counter() - validated

    failed = 0
    writer: parquet.ParquetWriter | None = None
    try:
        with (
            progress_bar("scoring", source.metadata.num_rows) as advance,
            ThreadPoolExecutor(max_workers=SCORING_THREADS) as pool,
        ):
            for table, errors, validate_seconds, score_seconds in _in_order(
                pool, score_batch, batches, ahead=SCORING_THREADS
            ):
                timings["validate"] += validate_seconds
                timings["score"] += score_seconds
                write_started = time.perf_counter()
                if writer is None:
                    Path(out).parent.mkdir(parents=True, exist_ok=True)
                    writer = parquet.ParquetWriter(out, table.schema)
                writer.write_table(table)
                timings["write"] += time.perf_counter() - write_started
                failed += errors
                advance(table.num_rows)
    finally:
        if writer is not None:
            writer.close()
    timings["total"] = time.perf_counter() - started
    return failed


def _timed_iteration(items: Iterator[T], timings: dict[str, float], stage: str) -> Iterator[T]:
    """``items``, adding the time spent producing each to ``timings[stage]``."""
    while True:
        started = time.perf_counter()
        item = next(items, None)
        timings[stage] += time.perf_counter() - started
        if item is None:
            return
        yield item


def _in_order(pool: Executor, function: Callable[[T], R], items: Iterator[T], ahead: int) -> Iterator[R]:
    """``function`` of each item, in order, with at most ``ahead`` items in flight beyond the one awaited."""
    pending: deque[Future[R]] = deque()
    for item in items:
        pending.append(pool.submit(function, item))
        if len(pending) > ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()
