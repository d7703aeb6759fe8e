"""``openentry score``: CRS scores as JSON Lines, a Parquet pool to a Parquet or JSON Lines file,
or a folder of Parquet files (a partitioned dataset) to a folder on a Dask cluster
(interfaces.md §2, §5, §11); under a rule overlay with ``--rules-overlay``."""

from __future__ import annotations

import contextvars
import dataclasses
import datetime
import json
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, BinaryIO, TypeVar

import typer

from openentry.cli.dates import day_help, parse_date
from openentry.cli.errors import process_end
from openentry.cli.inputs import (
    EXIT_INVALID_PROFILE,
    UsageError,
    check_writable,
    input_file,
    parse_day,
    read_profiles,
    unreadable,
    write_json_lines,
)
from openentry.cli.overlay import (
    RulesOverlayOption,
    hypothetical_fields,
    load_rules_overlay,
    marked,
    rules_overlay,
)

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.parquet as parquet

    from openentry.cluster.scoring import Partition
    from openentry.rules.overlay import RulesOverlay

# Rows per chunk of a columnar pool: large enough for fast array formulas, small enough that the
# memory of one chunk is reused by the next (1M profiles: 125,000 a chunk took 2.05-2.11 s of CPU
# against 2.46 s for 250,000, most of the difference fresh pages; scripts/bench_scoring.py).
PARQUET_CHUNK_ROWS = 125_000
# Chunks scored at once (the machines this targets have two cores).
SCORING_THREADS = 2
# The formats ``--out`` writes for a Parquet pool, by extension.
OUTPUT_FORMATS = (".parquet", ".jsonl")
# Keys of the key-value metadata of a Parquet file of scores: the scoring day and the rules
# version (as --explain's "on" and "rules"), and, under a rule overlay, the marks JSON lines
# carry ("hypothetical" and "rules_overlay"), each value JSON text. A column repeating one
# value on every row would say the same at a cost per row.
METADATA_ON = "openentry.on"
METADATA_RULES = "openentry.rules"
METADATA_HYPOTHETICAL = "openentry.hypothetical"
METADATA_RULES_OVERLAY = "openentry.rules_overlay"

T = TypeVar("T")
R = TypeVar("R")


def score(
    path: Annotated[
        str | None,
        typer.Argument(
            metavar="PATH",
            help="Profiles: .json, .jsonl, .parquet, a folder of .parquet files (a partitioned "
            "dataset), or - for standard input (the default)",
        ),
    ] = None,
    on: Annotated[str | None, typer.Option("--on", metavar="DATE", help=day_help("Scoring day"))] = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Add IRCC's 16 itemised lines and the rules version")
    ] = False,
    out: Annotated[
        str | None,
        typer.Option(
            "--out",
            metavar="PATH",
            help="With a .parquet input: the file to write, .parquet (columns; the day, the rules "
            "version and any rule overlay in the file's metadata) or .jsonl (the lines a JSON input "
            "prints). With a folder: the folder to write, one Parquet file of scores per input file "
            "under the same name",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            metavar="N",
            help="With a folder: score it on a local Dask cluster of N worker processes "
            "(default: one a core)",
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            metavar="ADDRESS",
            help="With a folder: score it on the Dask cluster whose scheduler is at ADDRESS "
            "(tcp://HOST:PORT; its workers must see the input and output folders)",
        ),
    ] = None,
    overlay_path: RulesOverlayOption = None,
) -> None:
    """Score profiles with the CRS in force on a date; one JSON line per profile, in input order."""
    if path is not None and path != "-" and Path(path).is_dir():
        _score_folder(path, out, on, explain, workers, scheduler, overlay_path)
        return
    if workers is not None or scheduler is not None:
        option = "--workers" if workers is not None else "--scheduler"
        raise UsageError(
            f"{option} is for a folder of Parquet files (a partitioned dataset) to score on a cluster"
        )
    if path is not None and path.endswith(".parquet"):
        if out is None:
            raise UsageError("--out OUT.parquet or --out OUT.jsonl is required with a .parquet input")
        if not out.endswith(OUTPUT_FORMATS) and not Path(out).is_dir():
            raise UsageError(f"--out {out}: give a file ending in .parquet or .jsonl")
        if on is not None:
            parse_date(on, "--on")  # a malformed day is refused before the file is opened
        overlay = load_rules_overlay(overlay_path)  # a bad overlay is refused before the pool is read
        reader = ParquetReader.open(path)
        check_writable(out, example="scores.jsonl" if out.endswith(".jsonl") else "scores.parquet")
        day = parse_day(on)  # loads the rules while the first chunks are read
        failed = score_parquet_file(reader, out, day, explain, overlay=overlay)
        process_end.quick = True  # the output is closed; nothing else to release
        if failed:
            typer.echo(
                f"openentry score: {failed:,} of {reader.rows:,} profiles rejected; their errors are in "
                f"{_where_errors_are(out)} of {out}",
                err=True,
            )
            raise typer.Exit(EXIT_INVALID_PROFILE)
        return
    if out is not None:
        raise UsageError("--out is for .parquet inputs and folders; JSON results go to standard output")
    from openentry.services.scoring import score_profiles

    with rules_overlay(overlay_path) as overlay:
        day = parse_day(on)
        given = read_profiles(path)
        results = score_profiles(given.profiles, day, explain=explain, require_id=given.is_batch)
    write_json_lines(marked(results, overlay))
    if any("error" in result for result in results):
        raise typer.Exit(EXIT_INVALID_PROFILE)


def _where_errors_are(out: str) -> str:
    """Where the rejected profiles' errors are in an output file, by its format."""
    if out.endswith(".jsonl"):
        return 'the "error" object of their lines'
    return "the error_field and error_message columns"


def _score_folder(
    path: str,
    out: str | None,
    on: str | None,
    explain: bool,
    workers: int | None,
    scheduler: str | None,
    overlay_path: str | None,
) -> None:
    """A folder of Parquet files scored on a Dask cluster, one task a file, into the folder
    ``out`` (:mod:`openentry.cluster.scoring`). Everything that can be refused is refused
    before the cluster starts: the options, the folders, the day and the overlay."""
    from openentry.cluster.scoring import partitions_of

    folder = Path(path).resolve()
    wants_dataset = (
        (out is not None and not out.endswith(OUTPUT_FORMATS)) or workers is not None or scheduler is not None
    )
    if not wants_dataset and not partitions_of(folder, folder):
        # Neither the options nor the folder say it is a dataset: a folder given for a file.
        raise unreadable(path, "it is a folder; give a file")
    if out is None:
        raise UsageError(
            "--out FOLDER is required with a folder input (one Parquet file of scores per input file)"
        )
    if out.endswith(OUTPUT_FORMATS):
        raise UsageError(
            f"--out {out}: a folder input is scored into a folder (one Parquet file of scores per "
            "input file); give a folder name"
        )
    target = Path(out).resolve()
    if target.exists() and not target.is_dir():
        raise UsageError(
            f"--out {out}: it is a file; give a folder (one Parquet file of scores per input file)"
        )
    if target == folder or folder in target.parents:
        raise UsageError(f"--out {out}: it is inside the input folder {path}; give a folder outside it")
    if on is not None:
        parse_date(on, "--on")
    partitions = partitions_of(folder, target)
    if not partitions:
        raise unreadable(path, "no .parquet file in the folder or its subfolders")
    overlay = load_rules_overlay(overlay_path)  # a bad overlay is refused before any task runs
    # The bytes each task applies (no file needed where it runs), as they were checked.
    overlay_source = None if overlay is None else (overlay.content, overlay.path)
    day = parse_day(on)
    _run_on_cluster(out, target, partitions, day, explain, overlay_source, workers, scheduler)


def _run_on_cluster(
    out: str,
    target: Path,
    partitions: list[Partition],
    day: datetime.date,
    explain: bool,
    overlay_source: tuple[bytes, str] | None,
    workers: int | None,
    scheduler: str | None,
) -> None:
    from openentry.cli.progress import progress_bar
    from openentry.cluster.client import ClusterError, cluster_client
    from openentry.cluster.scoring import score_partitions

    try:
        with cluster_client(workers, scheduler) as client:
            try:
                target.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise UsageError(f"--out {out}: cannot write there ({error.strerror or error})") from None
            # One item a file: a bar from the first file (it is drawn only on a terminal).
            with progress_bar("scoring partitions", len(partitions), threshold=1) as advance:
                outcome = score_partitions(client, partitions, day, explain, overlay_source, advance)
    except ClusterError as error:
        raise UsageError(str(error)) from None
    status = 0
    if outcome.rejected:
        names = ", ".join(summary.name for summary in outcome.summaries if summary.rejected)
        typer.echo(
            f"openentry score: {outcome.rejected:,} of {outcome.rows:,} profiles rejected; their errors "
            f"are in {_where_errors_are('.parquet')} of {names} in {out}",
            err=True,
        )
        status = EXIT_INVALID_PROFILE
    if outcome.failures:
        failed = "; ".join(f"{failure.name} ({failure.reason})" for failure in outcome.failures)
        typer.echo(
            f"openentry score: {len(outcome.failures)} of {len(partitions)} partitions failed: {failed}",
            err=True,
        )
        status = EXIT_INVALID_PROFILE
    if status:
        raise typer.Exit(status)


@dataclass
class ParquetReader:
    """A Parquet pool being read chunk by chunk on a thread of its own from the moment it is
    opened, so that decoding (Arrow's, outside the GIL) overlaps the rest of the start-up (the
    rules loaded meanwhile) and the scoring of earlier chunks. At most ``ahead`` chunks wait.

    Every column is read (every value is checked, as JSON's are), the coded texts (inside lists
    too) as dictionaries (:func:`openentry.profiles.columnar.dictionary_columns`)."""

    path: str
    schema: pa.Schema  # as stored
    rows: int
    read_dictionary: list[str]
    chunks: queue.Queue[object]
    read_seconds: float = 0.0  # time the thread spent reading
    stopped: threading.Event = dataclasses.field(default_factory=threading.Event)

    @classmethod
    def open(cls, path: str, chunk_rows: int = PARQUET_CHUNK_ROWS, ahead: int = 2) -> ParquetReader:
        """Open ``path`` and start reading; a UsageError when it is not a readable Parquet file."""
        file = input_file(path)
        import pyarrow as pa
        import pyarrow.parquet as parquet

        # Imported before anything is read: it also chooses the allocator of Arrow's buffers.
        from openentry.profiles.memory import dictionary_columns, scoring_columns

        try:
            described = parquet.ParquetFile(file, memory_map=True)
            text_paths = [
                column.path
                for column in (described.schema.column(index) for index in range(len(described.schema)))
                if column.physical_type == "BYTE_ARRAY"
            ]
            schema = described.schema_arrow
            read_dictionary = dictionary_columns(schema, text_paths)
            source = parquet.ParquetFile(
                file, metadata=described.metadata, memory_map=True, read_dictionary=read_dictionary
            )
        except (pa.ArrowInvalid, OSError) as error:
            raise UsageError(f"cannot read {path}: not a Parquet file ({error})") from None
        reader = cls(path, schema, source.metadata.num_rows, read_dictionary, queue.Queue(maxsize=ahead))
        batches = source.iter_batches(batch_size=chunk_rows, columns=scoring_columns(schema))
        threading.Thread(target=reader._read, args=(batches,), daemon=True).start()
        return reader

    def _read(self, batches: Iterator[pa.RecordBatch]) -> None:
        import pyarrow as pa

        started = time.perf_counter()
        try:
            read = 0
            for batch in batches:
                self.read_seconds += time.perf_counter() - started
                self.chunks.put(batch)
                read += 1
                if self.stopped.is_set():
                    break
                started = time.perf_counter()
            if not read and not self.stopped.is_set():
                # A pool without rows: one empty chunk, scored to an output without rows.
                schema = _batches_schema(self.schema, self.read_dictionary)
                empty = [pa.array([], type=field.type) for field in schema]
                self.chunks.put(pa.RecordBatch.from_arrays(empty, schema=schema))
        except Exception as error:  # handed to the reading side, which raises it
            self.chunks.put(error)
        self.chunks.put(None)

    def __iter__(self) -> Iterator[pa.RecordBatch]:
        while (item := self.chunks.get()) is not None:
            if isinstance(item, Exception):
                raise UsageError(f"cannot read {self.path}: {item}")
            yield item

    def close(self) -> None:
        """Stop reading when the chunks are no longer wanted (scoring failed): the thread, else
        blocked on a full queue for good, ends, and the chunks it holds are freed. In a process
        that outlives the command (a Dask worker) each failed file would leak them otherwise."""
        self.stopped.set()
        while True:
            try:
                self.chunks.get_nowait()
            except queue.Empty:
                return


def _batches_schema(schema: pa.Schema, read_dictionary: list[str]) -> pa.Schema:
    """``schema`` with the flat text columns of ``read_dictionary`` as dictionaries (the type of
    an empty chunk; the columns inside lists keep theirs)."""
    import pyarrow as pa

    return pa.schema(
        [
            field.with_type(pa.dictionary(pa.int32(), field.type)) if field.name in read_dictionary else field
            for field in schema
        ]
    )


def score_parquet_file(
    source: ParquetReader | str,
    out: str,
    day: datetime.date,
    explain: bool,
    timings: dict[str, float] | None = None,
    *,
    overlay: RulesOverlay | None = None,
    threads: int = SCORING_THREADS,
) -> int:
    """Score a Parquet pool (a path, or a reader already opened) chunk by chunk into ``out``
    (Parquet columns, or JSON Lines when it ends in ``.jsonl``: the objects ``openentry score``
    prints for JSON); returns how many rows failed.

    Every column is read (every value is checked, as JSON's are), coded strings (inside lists
    too) as dictionaries. Chunks are scored on ``threads`` threads (numpy and Arrow release the
    GIL in their loops; a Dask worker gives one, its process being one core's share) and written
    in input order while the next ones are scored. Under ``overlay`` the rules are the law as
    the overlay changes it, and the output says so as JSON input's lines do: each line's
    ``"hypothetical"`` and ``"rules_overlay"``, or the Parquet file's metadata (see
    ``METADATA_RULES``; the day and rules version are there with or without an overlay).
    ``timings``, when given, receives the seconds of each stage summed over chunks ("read" on
    the reading thread, "validate", "score", "write"; the stages overlap) and the wall-clock
    "total" from here."""
    from openentry.rules import using_tree

    with using_tree(None if overlay is None else overlay.tree):  # the scoring threads copy it
        return _score_parquet_file(source, out, day, explain, timings, overlay, threads)


def _score_parquet_file(
    source: ParquetReader | str,
    out: str,
    day: datetime.date,
    explain: bool,
    timings: dict[str, float] | None,
    overlay: RulesOverlay | None,
    threads: int,
) -> int:
    import pyarrow as pa

    from openentry import rules
    from openentry.cli.progress import progress_bar
    from openentry.profiles.columnar import (
        TableError,
        columns_from_table,
    )
    from openentry.services.scoring import result_lines_text, score_read_table, scored_table_to_arrow

    started = time.perf_counter()
    reader = source if isinstance(source, ParquetReader) else ParquetReader.open(source)
    timings = {} if timings is None else timings
    for stage in ("read", "validate", "score", "write"):
        timings[stage] = 0.0
    as_json_lines = out.endswith(".jsonl")
    marks = hypothetical_fields(overlay)
    metadata = {METADATA_ON: json.dumps(day.isoformat()), METADATA_RULES: json.dumps(rules.at(day).version)}
    if marks:
        metadata[METADATA_HYPOTHETICAL] = json.dumps(marks["hypothetical"])
        metadata[METADATA_RULES_OVERLAY] = json.dumps(marks["rules_overlay"], ensure_ascii=False)

    def score_batch(batch: pa.RecordBatch) -> tuple[pa.Table | pa.StringArray, int, int, float, float]:
        chunk_started = time.perf_counter()
        try:
            read = columns_from_table(pa.Table.from_batches([batch]), require_id=True)
        except TableError as error:
            raise UsageError(f"{reader.path}: {error}") from None
        validated = time.perf_counter()
        scored = score_read_table(read, day)
        result = (
            _with_fields(result_lines_text(scored, explain), marks)
            if as_json_lines
            else scored_table_to_arrow(scored, explain)
        )
        return (
            result,
            scored.size,
            len(scored.errors),
            validated - chunk_started,
            time.perf_counter() - validated,
        )

    failed = 0
    writer: _ParquetWriter | _JsonLinesWriter | None = _JsonLinesWriter(out) if as_json_lines else None
    try:
        with (
            progress_bar("scoring", reader.rows) as advance,
            ThreadPoolExecutor(max_workers=threads) as pool,
        ):
            for result, rows, errors, validate_seconds, score_seconds in _in_order(
                pool, score_batch, iter(reader), ahead=threads
            ):
                timings["validate"] += validate_seconds
                timings["score"] += score_seconds
                write_started = time.perf_counter()
                if writer is None:
                    writer = _ParquetWriter(out, result.schema, metadata)
                writer.write(result)
                timings["write"] += time.perf_counter() - write_started
                failed += errors
                advance(rows)
    finally:
        reader.close()
        if writer is not None:
            writer.close()
    timings["read"] = reader.read_seconds
    timings["total"] = time.perf_counter() - started
    return failed


def _with_fields(lines: pa.StringArray, fields: Mapping[str, object]) -> pa.StringArray:
    """Lines of JSON objects (``{...}\n`` each) with ``fields`` added at the end of every
    object, as ``{**line, **fields}`` is written (:func:`openentry.services.scoring.json_line`)."""
    if not fields or len(lines) == 0:
        return lines
    import pyarrow.compute as pc

    # json.dumps of the fields alone is '{"a": 1, "b": 2}': its inside joins the line's.
    ending = ", " + json.dumps(dict(fields), ensure_ascii=False, default=str)[1:] + "\n"
    opened = pc.binary_slice(lines.cast("binary"), 0, -2).cast(lines.type)  # without "}\n"
    result: pa.StringArray = pc.binary_join_element_wise(opened, ending, "")
    return result


class _ParquetWriter:
    """Scores to Parquet: the error columns dictionary-encoded (few distinct messages), the id
    not (each is unique: a dictionary would only be tried and dropped; 1M scores written with
    0.11 s of CPU against 0.16 s). Written uncompressed, the ids took less CPU to write alone but
    more in the whole command (a file four times larger to put on disk)."""

    def __init__(self, out: str, schema: pa.Schema, metadata: Mapping[str, str]) -> None:
        import pyarrow.parquet as parquet

        self.writer: parquet.ParquetWriter = parquet.ParquetWriter(
            out, schema.with_metadata(dict(metadata)), use_dictionary=["error_field", "error_message"]
        )

    def write(self, table: pa.Table) -> None:
        self.writer.write_table(table)

    def close(self) -> None:
        self.writer.close()


class _JsonLinesWriter:
    """Lines of JSON text (an Arrow string array each) to a file, as the bytes Arrow holds."""

    def __init__(self, out: str) -> None:
        self.stream: BinaryIO = open(out, "wb")  # noqa: SIM115 (closed by close())

    def write(self, lines: pa.StringArray) -> None:
        import numpy as np

        if len(lines) == 0:
            return
        offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32, count=lines.offset + len(lines) + 1)
        first, last = int(offsets[lines.offset]), int(offsets[-1])
        self.stream.write(memoryview(lines.buffers()[2])[first:last])

    def close(self) -> None:
        self.stream.close()


def _in_order(pool: Executor, function: Callable[[T], R], items: Iterator[T], ahead: int) -> Iterator[R]:
    """``function`` of each item, in order, with at most ``ahead`` items in flight beyond the one awaited."""
    pending: deque[Future[R]] = deque()
    for item in items:
        # Each call in a copy of this context: the rules in use (a rule overlay) reach the threads.
        pending.append(pool.submit(contextvars.copy_context().run, function, item))
        if len(pending) > ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()
