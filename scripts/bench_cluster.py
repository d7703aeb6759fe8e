"""Scoring a partitioned dataset on a local Dask cluster of 1 and of 2 workers: wall seconds,
profiles per second, the scaling ratio, and each worker's peak memory against the size of a
partition and of the dataset. Prints figures; asserts nothing.

    .venv/bin/python scripts/bench_cluster.py [--partitions 40] [--rows 250000] [--runs 2]

The dataset (by default 40 files of 250,000 profiles: 10 million) is made once and cached in
the temporary folder. Generating 10 million synthetic profiles would take long, so it is cut
from the 1-million-profile synthetic pool scripts/bench_scoring.py also uses (generated and
cached the same way): partition i holds the pool's rows of slice i mod (pool / rows), with ids
made unique (``bench-PP-RRRRRRR``). Ten copies of four distinct slices score exactly as ten
distinct slices would: the scorer's work depends on the number of rows, not on whether another
file holds the same values.

Each run starts a fresh local cluster (``openentry.cluster.client.cluster_client``, as the
command does) and times it apart from the scoring itself (``score_partitions``: one task a file,
each reading its file and writing its scores), so that the ratio is the scoring's. Runs of 1 and
2 workers alternate, so that a busy machine slows them alike. A worker's peak memory is its
process's peak resident set (Linux's VmHWM) as its last task returns, next to its resident set
before any task ran.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as parquet

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_pool import synthetic_pool

from openentry.cluster.client import cluster_client
from openentry.cluster.scoring import DatasetScored, partitions_of, score_partitions

DAY = datetime.date(2026, 11, 21)
SOURCE_SIZE = 1_000_000
MEBIBYTE = 1024 * 1024


def dataset(partitions: int, rows: int) -> Path:
    """The partitioned dataset, made once (see the module's docstring)."""
    folder = Path(tempfile.gettempdir()) / f"openentry-bench-cluster-{partitions}x{rows}-{DAY}"
    if (folder / "complete").exists():
        return folder
    source = parquet.read_table(synthetic_pool(SOURCE_SIZE, 1, DAY))
    slices = max(1, source.num_rows // rows)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    for index in range(partitions):
        part = source.slice((index % slices) * rows, rows)
        ids = pa.array([f"bench-{index:02d}-{row:07d}" for row in range(part.num_rows)], pa.string())
        part = part.set_column(part.schema.get_field_index("id"), "id", ids)
        parquet.write_table(part, folder / f"part-{index:02d}.parquet")
    (folder / "complete").touch()
    print(f"wrote {partitions} partitions in {time.perf_counter() - started:.1f} s ({folder})")
    return folder


def _resident_bytes() -> int:
    """This process's resident set now (Linux; 0 elsewhere)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def one_run(folder: Path, out: Path, workers: int) -> tuple[float, float, DatasetScored, dict[int, int]]:
    """Start a cluster of ``workers``, score the dataset; start seconds, scoring seconds, the
    outcome, and each worker's resident set before any task (by process id)."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    started = time.perf_counter()
    with cluster_client(workers) as client:
        client.wait_for_workers(workers)
        ready = time.perf_counter()
        baseline = client.run(lambda: (os.getpid(), _resident_bytes()))  # type: ignore[no-untyped-call]
        before = dict(baseline.values())
        scoring_started = time.perf_counter()
        outcome = score_partitions(client, partitions_of(folder, out), DAY, False, None)
        scored = time.perf_counter() - scoring_started
    return ready - started, scored, outcome, before


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--partitions", type=int, default=40)
    parser.add_argument("--rows", type=int, default=250_000)
    parser.add_argument("--runs", type=int, default=2, help="runs of each cluster size, alternated")
    arguments = parser.parse_args()
    # Another cluster on this machine holds the scheduler's default HTTP port: not news here.
    warnings.filterwarnings("ignore", message=r"Port \d+ is already in use", category=UserWarning)
    folder = dataset(arguments.partitions, arguments.rows)
    files = sorted(folder.glob("*.parquet"))
    size = sum(parquet.ParquetFile(path).metadata.num_rows for path in files)
    on_disk = sum(path.stat().st_size for path in files)
    in_memory = parquet.read_table(files[0]).nbytes
    print(
        f"dataset: {size:,} profiles in {len(files)} files; a partition {arguments.rows:,} profiles, "
        f"{files[0].stat().st_size / MEBIBYTE:.0f} MiB on disk, {in_memory / MEBIBYTE:.0f} MiB as Arrow "
        f"columns; the dataset {on_disk / MEBIBYTE:.0f} MiB on disk, "
        f"{in_memory * len(files) / MEBIBYTE:,.0f} MiB as columns; scored on {DAY}"
    )
    seconds: dict[int, list[float]] = {1: [], 2: []}
    with tempfile.TemporaryDirectory() as scratch:
        for run in range(arguments.runs):
            for workers in (1, 2):
                start, scored, outcome, before = one_run(folder, Path(scratch) / "scores", workers)
                assert not outcome.failures, outcome.failures[:3]
                seconds[workers].append(scored)
                peaks: dict[int, int] = {}
                tasks: dict[int, int] = {}
                for summary in outcome.summaries:
                    peaks[summary.worker_process] = max(
                        peaks.get(summary.worker_process, 0), summary.peak_memory_bytes
                    )
                    tasks[summary.worker_process] = tasks.get(summary.worker_process, 0) + 1
                task_seconds = [summary.seconds for summary in outcome.summaries]
                print(
                    f"run {run + 1}, {workers} worker{'s' if workers > 1 else ''}: cluster started in "
                    f"{start:.1f} s; {outcome.rows:,} profiles scored in {scored:.1f} s "
                    f"({outcome.rows / scored / 1e6:.2f} M profiles/s); a task "
                    f"{statistics.median(task_seconds):.2f} s median, {max(task_seconds):.2f} s longest"
                )
                for process, peak in sorted(peaks.items()):
                    print(
                        f"    worker {process}: {tasks[process]} partitions, resident "
                        f"{before.get(process, 0) / MEBIBYTE:.0f} MiB before the first task, "
                        f"peak {peak / MEBIBYTE:.0f} MiB"
                    )
    best = {workers: min(values) for workers, values in seconds.items()}
    print(
        f"best of {arguments.runs}: 1 worker {best[1]:.1f} s ({size / best[1] / 1e6:.2f} M profiles/s), "
        f"2 workers {best[2]:.1f} s ({size / best[2] / 1e6:.2f} M profiles/s); scaling 1 -> 2 workers: "
        f"{best[1] / best[2]:.2f}x"
    )


if __name__ == "__main__":
    main()
