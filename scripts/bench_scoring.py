"""Speed of the CRS scorer: the array formulas alone, `openentry score` end to end on a Parquet
pool, and the per-profile reference implementation used by the tests. Prints figures; asserts nothing.

    .venv/bin/python scripts/bench_scoring.py [--size 1000000]
"""

from __future__ import annotations

import argparse
import datetime
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as parquet

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openentry import rules  # noqa: E402
from openentry.forecast.synthetic import generate_pool  # noqa: E402
from openentry.profiles.columnar import columns_from_table, profiles_from_table  # noqa: E402
from openentry.rules.candidates import derive_factors  # noqa: E402
from openentry.rules.crs import score  # noqa: E402
from tests.reference.crs_reference import reference_score  # noqa: E402

DAY = datetime.date(2026, 11, 21)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000)
    size = parser.parse_args().size
    started = time.perf_counter()
    pool = generate_pool(size, 1, DAY)
    print(f"synthetic pool of {size:,}: {time.perf_counter() - started:.2f} s")
    snapshot = rules.at(DAY)
    read = columns_from_table(pool)
    factors, _ = derive_factors(snapshot, read.columns)
    best = min(_timed(lambda: score(snapshot, factors)) for _ in range(5))
    print(f"scorer alone (factors -> 16 lines, sections, total): {best:.3f} s = {size / best:,.0f} profiles/s")
    best = min(_timed(lambda: score(snapshot, derive_factors(snapshot, columns_from_table(pool).columns)[0])) for _ in range(3))
    print(f"validate columns + derive factors + score: {best:.3f} s = {size / best:,.0f} profiles/s")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "pool.parquet"
        parquet.write_table(pool, source)
        command = [str(Path(sys.executable).parent / "openentry"), "score", str(source), "--out",
                   str(Path(folder) / "scores.parquet"), "--on", DAY.isoformat()]
        elapsed = min(_timed(lambda: subprocess.run(command, check=True, capture_output=True)) for _ in range(3))
        print(f"openentry score POOL.parquet --out OUT.parquet (whole process): {elapsed:.2f} s "
              f"= {size / elapsed:,.0f} profiles/s")
    sample = list(profiles_from_table(pool.slice(0, 20_000)))
    elapsed = _timed(lambda: [reference_score(profile, DAY) for profile in sample])
    print(f"per-profile reference implementation: {len(sample) / elapsed:,.0f} profiles/s")


def _timed(action: object) -> float:
    started = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
