"""Benchmark: load a synthetic pool and run a round over it, on SQLite and PostgreSQL.

    python scripts/bench_pool.py [--size 1000000] [--invitations 3000] [--postgres URL]

Prints the load time, then the round's selection time (reading the pool, scoring it on the
round date, filtering and ranking) and writing time (round, invitations, commit). The synthetic
pool is generated once and cached as Parquet in the temporary folder.
"""

from __future__ import annotations

import argparse
import datetime
import tempfile
import time
import uuid
from pathlib import Path

import pyarrow.parquet as parquet
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from openentry.db import open_database
from openentry.domain import RoundSpec
from openentry.forecast.synthetic import generate_pool
from openentry.services.pool import load_pool_table
from openentry.services.rounds import run_round

ON = datetime.date(2026, 2, 20)
AT = datetime.datetime(2026, 2, 20, 14, 0, tzinfo=datetime.UTC)


def synthetic_pool(size: int, seed: int, on: datetime.date = ON) -> Path:
    """A synthetic pool on ``on``, generated once and cached as Parquet in the temporary folder."""
    cached = Path(tempfile.gettempdir()) / f"openentry-bench-{size}-{seed}-{on}.parquet"
    if not cached.exists():
        started = time.perf_counter()
        parquet.write_table(generate_pool(size, seed, on), cached)
        print(f"generated {size:,} profiles in {time.perf_counter() - started:.1f} s ({cached})")
    return cached


def bench(name: str, url: str, pool: Path, invitations: int) -> None:
    engine = open_database(url)
    table = parquet.read_table(pool)
    started = time.perf_counter()
    load_pool_table(engine, table, str(pool))
    load_seconds = time.perf_counter() - started
    timings: dict[str, float] = {}
    result = run_round(engine, RoundSpec.create(at=AT, size=invitations), timings=timings)
    print(
        f"{name:10s} load {table.num_rows:,} profiles: {load_seconds:6.1f} s | round of {result.invited:,}"
        f" (cut-off {result.cutoff}): selection {timings['select']:.2f} s, writing {timings['write']:.2f} s"
    )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--invitations", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--postgres", help="PostgreSQL server URL (a scratch database is created and dropped)"
    )
    arguments = parser.parse_args()
    pool = synthetic_pool(arguments.size, arguments.seed)
    with tempfile.TemporaryDirectory() as folder:
        bench("SQLite", f"sqlite:///{Path(folder) / 'bench.sqlite'}", pool, arguments.invitations)
    if arguments.postgres:
        server = make_url(arguments.postgres)
        name = f"openentry_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            bench(
                "PostgreSQL",
                server.set(database=name).render_as_string(hide_password=False),
                pool,
                arguments.invitations,
            )
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
