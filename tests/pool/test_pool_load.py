"""Loading the pool: updates keep submitted_at, all-or-nothing, Parquet fast path, score bands."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pyarrow.parquet as parquet
import pytest
from sqlalchemy import Engine, select
from tests.pool.conftest import CliRunner, profile, write_jsonl

from openentry.db import session_scope
from openentry.db.models import CandidateRow
from openentry.domain import RoundSpec
from openentry.profiles.columnar import table_from_profiles
from openentry.profiles.schema import parse_profile
from openentry.services.invitations import candidate_history
from openentry.services.pool import PoolLoadError, load_pool_file, load_pool_table, pool_summary
from openentry.services.rounds import run_round

AT = datetime.datetime(2024, 6, 1, 14, tzinfo=datetime.UTC)


def test_update_keeps_the_original_submitted_at_and_is_in_the_history(engine: Engine, tmp_path: Path) -> None:
    first = load_pool_file(
        engine, write_jsonl(tmp_path / "a.jsonl", [profile("a", "2024-01-10T08:00:00Z", age=40)])
    )
    assert (first.added, first.updated) == (1, 0)
    update = [profile("a", "2024-05-01T00:00:00Z", age=29), profile("b", "2024-01-11T00:00:00Z", age=31)]
    loaded_on = datetime.datetime(2024, 5, 2, tzinfo=datetime.UTC)
    second = load_pool_file(engine, write_jsonl(tmp_path / "b.jsonl", update), now=loaded_on)
    assert (second.added, second.updated) == (1, 1)
    with session_scope(engine) as session:
        rows = session.execute(select(CandidateRow.id, CandidateRow.submitted_at, CandidateRow.profile)).all()
    stored = {row_id: (submitted, stored_profile) for row_id, submitted, stored_profile in rows}
    assert stored["a"][0] == datetime.datetime(2024, 1, 10, 8, tzinfo=datetime.UTC)
    assert stored["a"][1] is not None and stored["a"][1]["age"] == 29
    assert stored["a"][1]["submitted_at"] == "2024-01-10T08:00:00Z"
    # The round ranks the updated profile (age 29: 472) with its original submission time.
    result = run_round(engine, RoundSpec.create(at=AT, size=1))
    assert [(i.candidate_id, i.crs, i.submitted_at) for i in result.invitations] == [
        ("a", 472, datetime.datetime(2024, 1, 10, 8, tzinfo=datetime.UTC))
    ]
    assert [entry["event"] for entry in candidate_history(engine, "a")] == ["submitted", "updated", "invited"]


def test_a_bad_profile_loads_nothing(engine: Engine, tmp_path: Path) -> None:
    bad = profile("b", "2024-01-11T00:00:00Z")
    bad["first_language"] = {"test": "ielts", "reading": 12, "writing": 7, "listening": 7, "speaking": 7}
    path = write_jsonl(tmp_path / "p.jsonl", [profile("a", "2024-01-10T00:00:00Z"), bad])
    with pytest.raises(PoolLoadError) as raised:
        load_pool_file(engine, path)
    assert [(where, field) for where, field, _ in raised.value.problems] == [
        ("line 2", "first_language.reading")
    ]
    assert pool_summary(engine, AT)["stored"] == 0
    naive = tmp_path / "naive.json"
    naive.write_text(json.dumps([profile("a", "2024-01-10T00:00:00")]), encoding="utf-8")
    with pytest.raises(PoolLoadError, match=r"item 1: submitted_at: "):
        load_pool_file(engine, naive)


def test_parquet_pool_and_score_bands(engine: Engine, cli: CliRunner, tmp_path: Path) -> None:
    profiles = [
        profile("p1", "2024-01-01T00:00:00Z", age=29),
        profile("p2", "2024-01-02T00:00:00Z", age=31),
        profile("p3", "2024-01-03T00:00:00Z", age=40),
        profile("old", "2023-01-03T00:00:00Z", age=40),
    ]
    table = table_from_profiles([parse_profile(item, require_id=True) for item in profiles])
    parquet.write_table(table, tmp_path / "pool.parquet")
    loaded = cli("pool", "load", str(tmp_path / "pool.parquet"))
    assert loaded.returncode == 0, loaded.stderr
    assert json.loads(loaded.stdout)["added"] == 4
    summary = json.loads(cli("pool", "summary", "--at", "2024-06-01T14:00:00Z").stdout)
    assert (summary["stored"], summary["in_pool"]) == (4, 3)
    assert summary["not_in_pool"]["pool expiry"] == 1
    bands = summary["bands"]
    assert (bands["451_500"], bands["471_480"], bands["461_470"], bands["401_450"], bands["411_420"]) == (
        2,
        1,
        1,
        1,
        1,
    )
    assert bands["total"] == 3
    duplicated = table_from_profiles([parse_profile(profiles[0], require_id=True)] * 2)
    with pytest.raises(PoolLoadError, match="ids must be unique within a file"):
        load_pool_table(engine, duplicated, "dup")
