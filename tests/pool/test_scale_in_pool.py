"""A TEF Canada result's ``scale`` survives the pool: a result entered as IRCC's form takes it
(``"scale": "old"`` on a test from 2023-12-11) is stored, read back and ranked on the scale it
names, not on the scale of its test date (crs-and-programs.md §2.4, §2.5).

Each test runs on SQLite and, when OPENENTRY_TEST_POSTGRES_URL is set, on PostgreSQL.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
from sqlalchemy import Engine, select
from tests.pool.conftest import CRS_BY_AGE, CliRunner, json_lines, profile, write_jsonl

from openentry.db import session_scope
from openentry.db.models import PoolBatchRow
from openentry.domain import RoundSpec
from openentry.services.pool import load_pool_file
from openentry.services.rounds import run_round
from openentry.services.scoring import RawProfile, score_profiles

AT = datetime.datetime(2024, 6, 1, 14, tzinfo=datetime.UTC)
# Old-scale TEF scores (reading 0-300, listening 0-360, writing and speaking 0-450) of a test
# taken on 2024-01-15, after TEF Canada's new scale (0-699) began on 2023-12-11.
TEF_ON_THE_OLD_SCALE = {
    "test": "tef_canada",
    "reading": 248,
    "writing": 415,
    "listening": 316,
    "speaking": 415,
    "test_date": "2024-01-15",
    "scale": "old",
}
FRENCH_SPEAKER = profile("tef", "2024-02-01T00:00:00Z", first_language=TEF_ON_THE_OLD_SCALE)


def _crs_on_the_scale_of_the_test_date() -> Any:
    without_scale = {key: value for key, value in TEF_ON_THE_OLD_SCALE.items() if key != "scale"}
    read_as_new = {**FRENCH_SPEAKER, "first_language": without_scale}
    return score_profiles([RawProfile(read_as_new)], AT.date())[0]["total"]


def test_a_tef_result_on_the_old_scale_ranks_with_the_crs_score_gives(
    engine: Engine, cli: CliRunner, tmp_path: Path
) -> None:
    write_jsonl(tmp_path / "pool.jsonl", [FRENCH_SPEAKER])
    load_pool_file(engine, tmp_path / "pool.jsonl")
    scored = cli("score", "--on", AT.date().isoformat(), "pool.jsonl", database=False)
    assert scored.returncode == 0, scored.stderr
    crs = json_lines(scored.stdout)[0]["total"]
    assert crs != _crs_on_the_scale_of_the_test_date()  # the named scale decides the score
    result = run_round(engine, RoundSpec.create(at=AT, size=1), dry_run=True)
    assert [(invitation.candidate_id, invitation.crs) for invitation in result.invitations] == [("tef", crs)]


def test_a_batch_stored_before_the_scale_columns_still_reads(engine: Engine, tmp_path: Path) -> None:
    """A batch an older version stored has no ``*_scale`` columns: it reads as results without a
    scale, beside newer batches that have them."""
    load_pool_file(engine, write_jsonl(tmp_path / "a.jsonl", [profile("a", "2024-01-10T00:00:00Z", age=31)]))
    with session_scope(engine) as session:
        batch = session.execute(select(PoolBatchRow)).scalar_one()
        stored = pa.ipc.open_stream(pa.py_buffer(batch.columns)).read_all()
        assert "first_language_scale" in stored.column_names
        older = stored.drop_columns([name for name in stored.column_names if name.endswith("_scale")])
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, older.schema) as writer:
            writer.write_table(older)
        batch.columns = sink.getvalue().to_pybytes()
    load_pool_file(engine, write_jsonl(tmp_path / "b.jsonl", [FRENCH_SPEAKER]))
    expected = score_profiles([RawProfile(FRENCH_SPEAKER)], AT.date())[0]["total"]
    result = run_round(engine, RoundSpec.create(at=AT, size=2), dry_run=True)
    assert [(invitation.candidate_id, invitation.crs) for invitation in result.invitations] == [
        ("tef", expected),
        ("a", CRS_BY_AGE[31]),
    ]
