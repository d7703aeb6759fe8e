"""Profiles per second for eligibility (eligible_mask, all programs and categories) over a columnar pool.

Usage: .venv/bin/python scripts/bench_eligibility.py [ROWS]  (default 1,000,000)
"""

from __future__ import annotations

import datetime
import sys
import time

import pyarrow as pa

from openentry.profiles.columnar import table_from_profiles
from openentry.profiles.schema import parse_profile
from openentry.services.eligibility import eligible_mask


def pool(rows: int) -> pa.Table:
    samples = []
    for index, (noc, years) in enumerate([("31301", 2), ("21231", 4), ("72200", 3), ("64100", 1)]):
        samples.append(parse_profile({
            "id": f"s{index}", "age": 25 + index * 5, "marital_status": "never_married", "education": "bachelors",
            "first_language": {"test": "clb", "reading": 7 + index % 3, "writing": 7, "listening": 8, "speaking": 9,
                               "test_date": "2024-06-01"},
            "settlement_funds_cad": 30000.0, "primary_noc": noc,
            "work_history": [{"noc": noc, "start": f"{2024 - years}-01-01", "end": None, "hours_per_week": 40.0,
                              "in_canada": index % 2 == 0},
                             {"noc": "21231", "start": "2015-01-01", "end": "2017-06-30", "hours_per_week": 20.0,
                              "in_canada": False}],
        }))
    base = table_from_profiles(samples)
    return pa.concat_tables([base] * (rows // base.num_rows)).combine_chunks()


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    table = pool(rows)
    started = time.perf_counter()
    mask = eligible_mask(table, datetime.date(2024, 11, 20), category="healthcare")
    elapsed = time.perf_counter() - started
    print(f"{table.num_rows:,} profiles in {elapsed:.2f} s: {table.num_rows / elapsed:,.0f} profiles/second "
          f"({int(mask.sum()):,} eligible for healthcare)")


if __name__ == "__main__":
    main()
