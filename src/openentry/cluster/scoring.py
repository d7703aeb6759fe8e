"""A partitioned dataset scored on a Dask cluster: one task a Parquet file, each task reading its
file and writing its scores to a file of the same relative name (interfaces.md §11).

The task is the single-file path of ``openentry score FILE.parquet --out FILE.parquet``
(:func:`openentry.cli.scoring.score_parquet_file`) on one thread, so the output folder holds
exactly what scoring each file alone writes. What travels back to the client is a small summary
(rows, rejected rows, seconds): scores never leave the worker that computed them, so a worker's
memory is bounded by one partition and the client's by the list of files, whatever the size of
the dataset.

A rule overlay travels as its file's bytes and name, and is parsed and applied inside each task
(cached per worker process): the context variable that selects the rules in the client's
process does not reach a worker, and a worker of a remote scheduler may not see the file.

A task writes to a hidden temporary name beside its target and renames it when the file is
complete, so a failed partition leaves no file (and an earlier run's file for it is removed:
the folder never mixes two runs' results for one partition).
"""

from __future__ import annotations

import contextlib
import datetime
import os
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import CancelledError
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from distributed import Client, Future


# The suffix of the files of a partitioned dataset.
PARTITION_SUFFIX = ".parquet"
# Names skipped when a dataset's files are listed, as Arrow's datasets skip them (pyarrow.dataset's
# ignore_prefixes): hidden files, and "_" files such as _metadata or a staging folder. The
# temporary files of the tasks are hidden, so a folder of scores is itself a dataset to read.
IGNORED_PREFIXES = (".", "_")
# Scoring threads inside one task: a worker process runs one task at a time on one thread, so
# N workers use N cores and the speed-up from 1 to 2 workers is the cluster's own.
TASK_SCORING_THREADS = 1


@dataclass(frozen=True)
class Partition:
    """One file of the dataset: its name relative to the dataset's folder (``2024/a.parquet``,
    how it is reported) and the absolute paths it is read from and its scores written to."""

    name: str
    source: str
    target: str


@dataclass(frozen=True)
class PartitionScored:
    """What a task returns for a partition it scored and wrote: its rows, the rows rejected (an
    error in the error columns), the task's wall seconds, and the worker process's peak resident
    memory so far (bytes; 0 where the platform does not say) and id, for measurements."""

    name: str
    rows: int
    rejected: int
    seconds: float
    peak_memory_bytes: int
    worker_process: int


@dataclass(frozen=True)
class PartitionFailed:
    """A partition that could not be scored (unreadable, not a pool's columns, a task that
    raised or whose worker died), and why; nothing is written for it."""

    name: str
    reason: str


@dataclass(frozen=True)
class DatasetScored:
    """Every partition's outcome, in the dataset's order."""

    summaries: tuple[PartitionScored, ...]
    failures: tuple[PartitionFailed, ...]

    @property
    def rows(self) -> int:
        return sum(summary.rows for summary in self.summaries)

    @property
    def rejected(self) -> int:
        return sum(summary.rejected for summary in self.summaries)


def _is_ignored(relative: Path) -> bool:
    return any(part.startswith(IGNORED_PREFIXES) for part in relative.parts)


def partitions_of(folder: Path, out: Path) -> list[Partition]:
    """The ``.parquet`` files under ``folder`` (subfolders included, hidden and ``_`` names
    skipped), sorted by relative name, each with its target under ``out``."""
    found: list[Partition] = []
    for path in folder.rglob(f"*{PARTITION_SUFFIX}"):
        relative = path.relative_to(folder)
        if _is_ignored(relative) or not path.is_file():
            continue
        found.append(Partition(relative.as_posix(), str(path), str(out / relative)))
    return sorted(found, key=lambda partition: partition.name)


def _peak_memory_bytes() -> int:
    """This process's peak resident set size, in bytes (0 where the platform does not say).

    Linux's high-water mark of the process's own memory (VmHWM) first: ``ru_maxrss`` survives
    ``exec``, so a worker process started by fork and exec would report its parent's peak."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024  # kB
    except (OSError, ValueError):
        pass
    try:
        import resource
    except ImportError:  # Windows
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak) if sys.platform == "darwin" else int(peak) * 1024  # bytes on macOS, KiB elsewhere


def _reason(error: BaseException, partition: Partition) -> str:
    """The error's message without the path the report already names the partition by."""
    message = str(error)
    for prefix in (f"cannot read {partition.source}: ", f"{partition.source}: "):
        message = message.removeprefix(prefix)
    return message


def score_partition(
    partition: Partition,
    day: datetime.date,
    explain: bool,
    overlay_source: tuple[bytes, str] | None = None,
) -> PartitionScored | PartitionFailed:
    """The task: score one file into its target, as ``openentry score FILE --out TARGET``
    would, on one thread; what the client needs to know, never the scores.

    A file that cannot be read or is not a pool, or an output that cannot be written, is a
    :class:`PartitionFailed` with the reason; any other exception is the task's own (a bug),
    raised to the client, which reports it alike. Either way no file is left at the target."""
    from openentry.cli.errors import UsageError
    from openentry.cli.scoring import ParquetReader, score_parquet_file
    from openentry.rules.overlay import overlay_of

    started = time.perf_counter()
    target = Path(partition.target)
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.partial{PARTITION_SUFFIX}")
    overlay = None if overlay_source is None else overlay_of(*overlay_source)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        reader = ParquetReader.open(partition.source)
        rejected = score_parquet_file(
            reader, str(temporary), day, explain, overlay=overlay, threads=TASK_SCORING_THREADS
        )
        os.replace(temporary, target)
    except (UsageError, OSError) as error:
        _remove(temporary, target)
        if isinstance(error, OSError):  # the reader turns its own into usage errors: a write's
            return PartitionFailed(partition.name, f"cannot write its scores: {error.strerror or error}")
        return PartitionFailed(partition.name, _reason(error, partition))
    except BaseException:
        _remove(temporary, target)
        raise
    return PartitionScored(
        name=partition.name,
        rows=reader.rows,
        rejected=rejected,
        seconds=time.perf_counter() - started,
        peak_memory_bytes=_peak_memory_bytes(),
        worker_process=os.getpid(),
    )


def _remove(temporary: Path, target: Path) -> None:
    """No file for a failed partition: neither the one being written nor an earlier run's."""
    with contextlib.suppress(OSError):
        temporary.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        if target.is_file():
            target.unlink()


def score_partitions(
    client: Client,
    partitions: list[Partition],
    day: datetime.date,
    explain: bool,
    overlay_source: tuple[bytes, str] | None,
    advance: Callable[[int], None] = lambda _count: None,
) -> DatasetScored:
    """Score every partition on the client's cluster, one task a file (futures over
    :func:`score_partition`, gathered as they complete); ``advance(1)`` as each ends.

    A task that raised (or whose worker died) is a failure of its partition, reported with the
    exception's type and message; the other partitions are kept."""
    from distributed import as_completed

    names: dict[Future[PartitionScored | PartitionFailed], str] = {}
    for partition in partitions:
        future = client.submit(
            score_partition,
            partition,
            day,
            explain,
            overlay_source,
            key=f"openentry-score-{uuid.uuid4().hex}",  # a rerun is scored again, not remembered
            retries=0,
        )
        names[future] = partition.name
    outcomes: dict[str, PartitionScored | PartitionFailed] = {}
    completed: Iterator[Future[PartitionScored | PartitionFailed]] = as_completed(list(names))  # type: ignore[no-untyped-call]
    for future in completed:
        name = names.pop(future)  # the last reference but the loop's: the cluster may forget it
        try:
            outcomes[name] = future.result()
        except (Exception, CancelledError) as error:  # the task's exception, or its loss
            outcomes[name] = PartitionFailed(name, f"{type(error).__name__}: {error}")
        advance(1)
    ordered = [outcomes[partition.name] for partition in partitions]
    return DatasetScored(
        summaries=tuple(outcome for outcome in ordered if isinstance(outcome, PartitionScored)),
        failures=tuple(outcome for outcome in ordered if isinstance(outcome, PartitionFailed)),
    )
