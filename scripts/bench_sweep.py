"""Benchmark: a sweep of 50 scenarios over a synthetic pool of a million profiles on a local Dask
cluster, against one scenario in this process.

    python scripts/bench_sweep.py [--size 1000000] [--workers 2] [--pool PATH]

The grid: the law and the Canadian-work overlay (docs/examples/overlays) × 5 round kinds
(general, CEC, FSW, French, healthcare) × 5 sizes = 50 scenarios, on 2027-03-01. Prints the
whole sweep's wall time (the cluster's start excluded, then included), the time per scenario,
what each worker spent reading the pool (once) and scoring it (once per overlay it met), and a
single-process baseline measured in the same run: reading the pool, then one scenario (scoring
the pool under the overlay and holding the round). The synthetic pool is generated once and
cached as Parquet in the temporary folder. Prints only; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as parquet

from openentry import rules
from openentry.cluster.client import cluster_client
from openentry.cluster.sweep import (
    overlay_tree,
    run_scenario,
    run_sweep,
    scenario_outcome,
    scored_pool,
)
from openentry.cluster.sweep_pool import read_pool
from openentry.cluster.sweep_spec import parse_spec
from openentry.forecast.synthetic import generate_pool

POOL_DAY = datetime.date(2027, 2, 15)
OVERLAYS = Path(__file__).parents[1] / "docs" / "examples"
SPEC = b"""\
day: 2027-03-01
overlays:
  law: null
  canadian_work: overlays/canadian_work.yaml
rounds:
  - {kind: general}
  - {kind: program, program: cec}
  - {kind: program, program: fsw}
  - {kind: category, category: french}
  - {kind: category, category: healthcare}
sizes: [500, 1500, 3000, 5000, 7500]
"""


def synthetic_pool(size: int, seed: int = 0) -> Path:
    """A synthetic pool on POOL_DAY, generated once and cached as Parquet in the temporary folder."""
    cached = Path(tempfile.gettempdir()) / f"openentry-bench-sweep-{size}-{seed}-{POOL_DAY}.parquet"
    if not cached.exists():
        started = time.perf_counter()
        parquet.write_table(generate_pool(size, seed, POOL_DAY), cached)
        print(f"generated {size:,} profiles in {time.perf_counter() - started:.1f} s ({cached})")
    return cached


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pool", type=Path, default=None, help="a Parquet pool (default: a synthetic one)")
    arguments = parser.parse_args()
    pool = arguments.pool or synthetic_pool(arguments.size)
    scenarios = parse_spec(SPEC, "bench_sweep.yaml", OVERLAYS).scenarios()
    print(f"{len(scenarios)} scenarios over {parquet.read_metadata(pool).num_rows:,} profiles ({pool})")

    started = time.perf_counter()
    with cluster_client(workers=arguments.workers) as client:
        ready = time.perf_counter()
        done = run_sweep(client, scenarios, str(pool.resolve()))
        finished = time.perf_counter()
    sweep_seconds = finished - ready
    print(f"cluster of {arguments.workers} worker(s) started in {ready - started:.1f} s")
    print(
        f"sweep: {sweep_seconds:.1f} s for {len(done.rows)} scenarios ({len(done.failures)} failed), "
        f"{sweep_seconds / len(scenarios):.2f} s per scenario; "
        f"{finished - started:.1f} s with the cluster's start"
    )
    for worker, report in done.workers.items():
        print(
            f"  {worker}: {report.scenarios} scenarios; pool read {report.reads} time(s) in "
            f"{report.read_seconds:.2f} s; scored {report.scorings} time(s) in {report.scoring_seconds:.1f} s"
        )

    started = time.perf_counter()
    table = read_pool(pool)
    read_seconds = time.perf_counter() - started
    one = next(scenario for scenario in scenarios if scenario.overlay_name == "canadian_work")
    started = time.perf_counter()
    row = run_scenario(table, one)
    scenario_seconds = time.perf_counter() - started
    tree = overlay_tree(one)
    state = scored_pool(table, one, tree)
    started = time.perf_counter()
    with rules.using_tree(tree):
        scenario_outcome(state, one)
    round_seconds = time.perf_counter() - started
    print(
        f"one process: the pool read in {read_seconds:.2f} s, then scenario {one.name} in "
        f"{scenario_seconds:.2f} s (cut-off {row['cutoff']}): scoring the pool under the overlay, then "
        f"the round alone in {round_seconds:.3f} s; {len(scenarios)} such scenarios one after the other: "
        f"{read_seconds + len(scenarios) * scenario_seconds:.0f} s"
    )


if __name__ == "__main__":
    main()
