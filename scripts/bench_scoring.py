"""Speed of the CRS scorer: ``openentry score POOL.parquet --out OUT`` as a whole process (next to
an older checkout's, measured in the same run), its stages, the array formulas alone, and the
per-profile reference implementation used by the tests. Prints figures; asserts nothing.

    .venv/bin/python scripts/bench_scoring.py [--size 1000000] [--pool POOL.parquet]
        [--runs 7] [--baseline OLD_CHECKOUT] [--skip-parts]

Without ``--pool`` a synthetic pool is generated once and cached as Parquet in the temporary
folder. The whole process is timed from its start to its exit (``subprocess.run``), the runs of
each variant interleaved so that a busy machine slows them alike; its CPU time (user + system,
all threads) is printed beside it, steadier than the wall time when other work shares the
machine. With ``--baseline`` the same command runs from the source tree at OLD_CHECKOUT
(``PYTHONPATH=OLD_CHECKOUT/src python -m openentry.cli.main score ...``; a ``git worktree add``
of an older commit). Targets on a 2-core machine, 1,000,000 profiles: the whole ``openentry
score POOL.parquet --out OUT.parquet`` under 1 s; the scorer alone at 10 million profiles/s or more.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as parquet

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_pool import synthetic_pool
from tests.reference.crs_reference import reference_score

from openentry import rules
from openentry.cli.scoring import ParquetReader, score_parquet_file
from openentry.profiles.columnar import columns_from_table, profiles_from_table
from openentry.rules.candidates import derive_factors
from openentry.rules.crs import score

DAY = datetime.date(2026, 11, 21)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pool", type=Path, help="a Parquet pool to use instead of a synthetic one")
    parser.add_argument("--runs", type=int, default=7, help="runs of each whole-process variant")
    parser.add_argument("--baseline", type=Path, help="an older checkout whose score to time alongside")
    parser.add_argument("--skip-parts", action="store_true", help="only the whole processes")
    arguments = parser.parse_args()
    source = arguments.pool or synthetic_pool(arguments.size, arguments.seed, DAY)
    size = parquet.ParquetFile(source).metadata.num_rows
    print(f"pool: {size:,} profiles ({source}), scored on {DAY}")

    with tempfile.TemporaryDirectory() as folder:
        _whole_processes(source, size, Path(folder), arguments.runs, arguments.baseline)
        if not arguments.skip_parts:
            _stages(source, Path(folder) / "scores.parquet")
    if not arguments.skip_parts:
        _parts(source)


def _whole_processes(source: Path, size: int, folder: Path, runs: int, baseline: Path | None) -> None:
    """Each variant of the command ``runs`` times, interleaved; wall and CPU seconds of each."""
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    script = str(Path(sys.executable).parent / "openentry")
    arguments = [str(source), "--on", DAY.isoformat()]
    variants: dict[str, tuple[list[str], dict[str, str]]] = {
        "openentry score POOL.parquet --out OUT.parquet": (
            [script, "score", *arguments, "--out", str(folder / "scores.parquet")],
            environment,
        ),
        "openentry score POOL.parquet --out OUT.jsonl": (
            [script, "score", *arguments, "--out", str(folder / "scores.jsonl")],
            environment,
        ),
        "python -c 'import numpy, pyarrow.parquet, yaml, pydantic' (the floor)": (
            [sys.executable, "-c", "import numpy, pyarrow.parquet, yaml, pydantic"],
            environment,
        ),
    }
    if baseline is not None:
        old = {**environment, "PYTHONPATH": str(baseline.resolve() / "src")}
        variants[f"baseline {baseline}: score POOL.parquet --out OUT.parquet"] = (
            [
                sys.executable,
                "-m",
                "openentry.cli.main",
                "score",
                *arguments,
                "--out",
                str(folder / "old.parquet"),
            ],
            old,
        )
    for command, variables in variants.values():  # warm the file cache and the .pyc files
        subprocess.run(command, check=True, capture_output=True, env=variables)
    walls: dict[str, list[float]] = {name: [] for name in variants}
    cpus: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(runs):
        for name, (command, variables) in variants.items():
            before = os.times()
            started = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, env=variables)
            walls[name].append(time.perf_counter() - started)
            after = os.times()
            cpus[name].append(
                after.children_user - before.children_user + after.children_system - before.children_system
            )
    print(
        f"whole processes, {runs} runs each, interleaved (best / median; CPU = user + system, all threads):"
    )
    width = max(len(name) for name in variants)
    for name in variants:
        wall, cpu = walls[name], cpus[name]
        print(
            f"  {name:<{width}}  wall {min(wall):.2f} / {statistics.median(wall):.2f} s"
            f"  CPU {min(cpu):.2f} / {statistics.median(cpu):.2f} s"
            + (f"  = {size / min(wall):,.0f} profiles/s" if "score" in name else "")
        )


def _stages(source: Path, out: Path) -> None:
    """Where the time of one in-process run goes (the start-up, then each stage)."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    interpreter = time.perf_counter() - started
    startup = subprocess.run(
        [sys.executable, "-c", _STARTUP.format(day=DAY)], check=True, capture_output=True, text=True
    ).stdout.split()
    print(
        f"  start-up: interpreter {interpreter:.2f} s + imports {float(startup[0]):.2f} s "
        f"+ parameter tree loaded and checked, rules of the day {float(startup[1]):.2f} s"
    )
    runs = []
    for _ in range(3):
        timings: dict[str, float] = {}
        with contextlib.redirect_stderr(io.StringIO()):
            score_parquet_file(ParquetReader.open(str(source)), str(out), DAY, explain=False, timings=timings)
        runs.append(timings)
    stages = min(runs, key=lambda timings: timings["total"])
    print(
        f"  scoring the file in this process (warm): {stages['total']:.2f} s; per-stage sums (stages "
        f"overlap on threads): read {stages['read']:.2f} s, validate {stages['validate']:.2f} s, "
        f"derive, score and format {stages['score']:.2f} s, write {stages['write']:.2f} s"
    )


def _parts(source: Path) -> None:
    pool = parquet.read_table(source)
    size = pool.num_rows
    snapshot = rules.at(DAY)
    factors, _ = derive_factors(snapshot, columns_from_table(pool).columns)
    best = _best(5, lambda: score(snapshot, factors))
    print(
        f"scorer alone (factors -> 16 lines, sections, total): {best:.3f} s = {size / best:,.0f} profiles/s"
    )
    timings = _timings(
        5, lambda: score(snapshot, derive_factors(snapshot, columns_from_table(pool).columns)[0])
    )
    print(
        f"validate columns + derive factors + score (one thread): {min(timings):.3f} s "
        f"(median {statistics.median(timings):.3f} s) = {size / min(timings):,.0f} profiles/s"
    )
    sample = list(profiles_from_table(pool.slice(0, 20_000)))
    elapsed = _best(1, lambda: [reference_score(profile, DAY) for profile in sample])
    print(f"per-profile reference implementation: {len(sample) / elapsed:,.0f} profiles/s")


_STARTUP = """
import time
started = time.perf_counter()
import datetime
import openentry.cli.main
import openentry.cli.scoring
import pyarrow.parquet
import openentry.profiles.columnar
import openentry.services.scoring
from openentry import rules
imported = time.perf_counter()
rules.at(datetime.date.fromisoformat("{day}"))
print(imported - started, time.perf_counter() - imported)
"""


def _timings(runs: int, action: Callable[[], object]) -> list[float]:
    """``runs`` timings of ``action``, in seconds."""
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return timings


def _best(runs: int, action: Callable[[], object]) -> float:
    """The shortest of ``runs`` timings of ``action``, in seconds."""
    return min(_timings(runs, action))


if __name__ == "__main__":
    main()
