"""Speed of the CRS scorer: the array formulas alone, `openentry score` end to end on a Parquet
pool, and the per-profile reference implementation used by the tests. Prints figures (best of
several runs, and the median where the machine's other work makes runs vary); asserts nothing.

    .venv/bin/python scripts/bench_scoring.py [--size 1000000] [--pool POOL.parquet]

Without ``--pool`` a synthetic pool is generated once and cached as Parquet in the temporary
folder. Targets on a 2-core machine, 1,000,000 profiles: the scorer alone at 10 million
profiles/s or more; ``openentry score POOL.parquet --out OUT.parquet`` under 2 s.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import io
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
from openentry.cli.scoring import score_parquet_file
from openentry.profiles.columnar import columns_from_table, profiles_from_table
from openentry.rules.candidates import derive_factors
from openentry.rules.crs import score

DAY = datetime.date(2026, 11, 21)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pool", type=Path, help="a Parquet pool to use instead of a synthetic one")
    arguments = parser.parse_args()
    source = arguments.pool or synthetic_pool(arguments.size, arguments.seed, DAY)
    pool = parquet.read_table(source)
    size = pool.num_rows
    print(f"pool: {size:,} profiles ({source}), scored on {DAY}")
    snapshot = rules.at(DAY)
    factors, _ = derive_factors(snapshot, columns_from_table(pool).columns)

    best = _best(5, lambda: score(snapshot, factors))
    print(f"scorer alone (factors -> 16 lines, sections, total): {best:.3f} s "
          f"= {size / best:,.0f} profiles/s")
    timings = _timings(
        5, lambda: score(snapshot, derive_factors(snapshot, columns_from_table(pool).columns)[0])
    )
    print(f"validate columns + derive factors + score (one thread): {min(timings):.3f} s "
          f"(median {statistics.median(timings):.3f} s) = {size / min(timings):,.0f} profiles/s")

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "scores.parquet"
        command = [str(Path(sys.executable).parent / "openentry"), "score", str(source), "--out", str(out),
                   "--on", DAY.isoformat()]
        timings = _timings(5, lambda: subprocess.run(command, check=True, capture_output=True))
        print(f"openentry score POOL.parquet --out OUT.parquet (whole process): {min(timings):.2f} s "
              f"(median {statistics.median(timings):.2f} s) = {size / min(timings):,.0f} profiles/s")
        runs = []
        for _ in range(3):
            timings: dict[str, float] = {}
            with contextlib.redirect_stderr(io.StringIO()):  # no progress bar
                score_parquet_file(str(source), str(out), DAY, explain=False, timings=timings)
            runs.append(timings)
        stages = min(runs, key=lambda timings: timings["total"])
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        interpreter = time.perf_counter() - started
        startup = subprocess.run(
            [sys.executable, "-c", _STARTUP.format(day=DAY)], check=True, capture_output=True, text=True
        ).stdout.split()
        print(f"  start-up: interpreter {interpreter:.2f} s + imports {float(startup[0]):.2f} s "
              f"+ parameter tree loaded and checked {float(startup[1]):.2f} s")
        print(f"  scoring the file: {stages['total']:.2f} s = read {stages['read']:.2f} s + validate "
              f"{stages['validate']:.2f} s + derive, score and to Arrow {stages['score']:.2f} s + write "
              f"{stages['write']:.2f} s (per-stage sums; chunks are scored on threads, so stages overlap)")

    sample = list(profiles_from_table(pool.slice(0, 20_000)))
    elapsed = _best(1, lambda: [reference_score(profile, DAY) for profile in sample])
    print(f"per-profile reference implementation: {len(sample) / elapsed:,.0f} profiles/s")


_STARTUP = """
import time
started = time.perf_counter()
import datetime
import openentry.cli.main
from openentry import rules
imported = time.perf_counter()
rules.at(datetime.date.fromisoformat("{day}"))
print(imported - started, time.perf_counter() - imported)
"""


def _timings(runs: int, action: Callable[[], object]) -> list[float]:
    """``runs`` timings of ``action``, in seconds (other work on the machine makes them vary:
    the best and the median say more than one)."""
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
