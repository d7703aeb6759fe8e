"""How a Parquet pool is held in memory: the allocator of every Arrow buffer of the process, and
the text columns read dictionary-encoded.

Apart from :mod:`openentry.profiles.columnar` (its checks, Arrow's compute functions, the rules'
arrays), so that ``openentry score POOL.parquet`` starts its reading thread on these alone and
loads the rest while the first chunks are decoded (cli/scoring.py, ``ParquetReader.open``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import pyarrow as pa

from openentry.profiles.columns import CHOICE, CHOICES, COLUMN_BY_NAME, FLAT_COLUMNS, JOB_COLUMNS, JOBS, TEXT

# The allocator for every Arrow buffer of the process. pyarrow's default here, mimalloc, pays for
# fresh pages in each new process: reading a million-row pool took 1.58 s cold against 0.40 s
# warm, and 0.62-0.66 s cold with the system allocator or jemalloc; a whole 1M-profile round's
# selection 1.56-1.91 s against 1.32-1.49 s (scripts/bench_pool.py, 2026-12-02). A pool chosen
# with ARROW_DEFAULT_MEMORY_POOL is kept.
if "ARROW_DEFAULT_MEMORY_POOL" not in os.environ:
    pa.set_memory_pool(pa.system_memory_pool())

# String columns with few distinct values: cheapest read dictionary-encoded.
CODED_COLUMNS = tuple(
    column.name
    for column in FLAT_COLUMNS
    if column.kind == CHOICE or (column.kind == TEXT and column.name != "id")
)

# A job's text columns with few distinct values (its NOC code).
CODED_JOB_TEXT = frozenset(column.name for column in JOB_COLUMNS if column.kind == TEXT)


def scoring_columns(schema: pa.Schema) -> list[str]:
    """The columns of ``schema`` that :func:`openentry.profiles.columnar.columns_from_table`
    reads: every column, since every value is checked (the same checks as JSON)."""
    return list(schema.names)


def dictionary_columns(schema: pa.Schema, text_paths: Sequence[str] = ()) -> list[str]:
    """The coded string columns of ``schema``, cheapest read dictionary-encoded (their checks run
    on the dictionary, see ``columnar._per_value``), and among ``text_paths``, the paths of a
    Parquet file's text columns (``work_history.list.element.noc``), the coded texts inside lists:
    the provinces and a job's NOC code."""
    names = [
        name for name in CODED_COLUMNS if name in schema.names and schema.field(name).type == pa.string()
    ]
    for path in text_paths:
        parts = path.split(".")
        top, leaf = parts[0], parts[-1]
        kind = COLUMN_BY_NAME[top].kind if top in COLUMN_BY_NAME else None
        if (kind == CHOICES and len(parts) == 3) or (
            kind == JOBS and len(parts) == 4 and leaf in CODED_JOB_TEXT
        ):
            names.append(path)
    return names
