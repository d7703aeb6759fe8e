"""Work history counts the same on every path (issue 9, defect 6), and small or sparse column
files score as their JSON rows do (defect 10: a chunk without a value of a coded column)."""

from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as parquet
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openentry.cli.scoring import score_parquet_file
from openentry.profiles.columnar import profiles_from_table
from openentry.services.scoring import RawProfile, result_lines, score_profiles, score_table
from tests.profiles.test_same_checks import flat_row, table_of

ON = datetime.date(2026, 1, 5)
COMMAND = [sys.executable, "-m", "openentry.cli.main"]

# Age 29 -> 110, bachelor's -> 120, CLB 9 x4 -> 124, without spouse; declared: no work at all.
# The work history: 21231 (TEER 1) in Canada, 2022-01-03 to 2025-01-03 at 40 h (30 counted):
# 1,097 days x 30 / 7 = 4,701 hours = 3 whole years of 1,560 -> Canadian work 3 years -> 64;
# core 110 + 120 + 124 + 64 = 418, as the same profile declaring 3 years scores.
WITH_HISTORY: dict[str, Any] = {
    "id": "worker",
    "age": 29,
    "marital_status": "never_married",
    "education": "bachelors",
    "first_language": {"test": "clb", "reading": 9, "writing": 9, "listening": 9, "speaking": 9},
    "canadian_work_years": 0,
    "work_history": [
        {
            "noc": "21231",
            "start": "2022-01-03",
            "end": "2025-01-03",
            "hours_per_week": 40.0,
            "in_canada": True,
        }
    ],
}
DECLARED_THREE = {**{k: v for k, v in WITH_HISTORY.items() if k != "work_history"}, "canadian_work_years": 3}
WARNING = {
    "field": "canadian_work_years",
    "message": "declared canadian_work_years 0 and foreign_work_years 0 disagree with the work history "
    "(3 and 0 whole years of skilled work in the last 10 years); the work history is used",
}


def _score(profile: dict[str, Any]) -> dict[str, Any]:
    return score_profiles([RawProfile(profile)], ON)[0]


def test_json_score_counts_the_work_history_and_warns() -> None:
    declared = _score(DECLARED_THREE)
    result = _score(WITH_HISTORY)
    assert result["warnings"] == [WARNING]
    assert {key: result[key] for key in declared} == {**declared, "id": "worker"}
    assert declared["core"] == 418


def test_columnar_score_counts_the_work_history_and_warns() -> None:
    lines = list(result_lines(score_table(table_of([flat_row(WITH_HISTORY), flat_row(DECLARED_THREE)]), ON)))
    assert lines[0]["warnings"] == [WARNING]
    assert {key: lines[0][key] for key in ("total", "core", "transferability")} == {
        key: lines[1][key] for key in ("total", "core", "transferability")
    }
    assert "warnings" not in lines[1]


def test_synthetic_two_profiles_score_without_a_crash(tmp_path: Path) -> None:
    """The crash of issue 9: a chunk whose second-language column holds no value."""
    rows = [flat_row(DECLARED_THREE), flat_row({**DECLARED_THREE, "id": "other", "age": 35})]
    table = table_of(rows).append_column("second_language_test", pa.nulls(2, pa.string()))
    parquet.write_table(table, tmp_path / "two.parquet")
    done = subprocess.run(
        [*COMMAND, "score", "--on", ON.isoformat(), "two.parquet", "--out", "o.parquet"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert parquet.read_table(tmp_path / "o.parquet").column("total").to_pylist() == [
        _score(DECLARED_THREE)["total"],
        _score({**DECLARED_THREE, "id": "other", "age": 35})["total"],
    ]


def test_a_parquet_pool_with_lists_reads_as_its_json_rows(tmp_path: Path) -> None:
    """``openentry score`` reads the texts inside lists (a job's NOC code, the provinces)
    dictionary-encoded and checks them on the dictionary: each row still scores, or fails with
    the words, as its JSON does."""
    job = WITH_HISTORY["work_history"][0]
    profiles = [
        WITH_HISTORY,
        {**WITH_HISTORY, "id": "letter-in-noc", "work_history": [job, {**job, "noc": "12a45"}]},
        {**WITH_HISTORY, "id": "short-noc", "work_history": [{**job, "noc": "3130"}]},
        {**WITH_HISTORY, "id": "long-week", "work_history": [{**job, "hours_per_week": 500.0}]},
        {**WITH_HISTORY, "id": "backwards", "work_history": [{**job, "end": "2021-01-01"}]},
        {**DECLARED_THREE, "id": "all-and-ontario", "provinces_of_interest": ["ALL", "ON"]},
        {**DECLARED_THREE, "id": "unknown-province", "provinces_of_interest": ["ON", "XX"]},
        {**DECLARED_THREE, "id": "ontario", "provinces_of_interest": ["ON"]},
    ]
    parquet.write_table(table_of([flat_row(profile) for profile in profiles]), tmp_path / "pool.parquet")
    failed = score_parquet_file(
        str(tmp_path / "pool.parquet"), str(tmp_path / "o.parquet"), ON, explain=False
    )
    scored = parquet.read_table(tmp_path / "o.parquet").to_pylist()
    expected = score_profiles([RawProfile(profile) for profile in profiles], ON, require_id=True)
    assert failed == sum("error" in line for line in expected) == 6
    for row, line in zip(scored, expected, strict=True):
        if "error" in line:
            assert (row["error_field"], row["error_message"]) == (
                line["error"]["field"],
                line["error"]["message"],
            )
        else:
            assert (row["id"], row["total"], row["error_field"]) == (line["id"], line["total"], None)


LANGUAGES = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {
            "test": st.just("nclc"),
            "reading": st.integers(0, 12),
            "writing": st.integers(0, 12),
            "listening": st.integers(0, 12),
            "speaking": st.integers(0, 12),
        }
    ),
)
PROFILES = st.fixed_dictionaries(
    {
        "age": st.integers(18, 60),
        "marital_status": st.sampled_from(["never_married", "married"]),
        "education": st.sampled_from(["secondary", "bachelors", "masters"]),
        "first_language": st.fixed_dictionaries(
            {
                "test": st.just("clb"),
                "reading": st.integers(4, 10),
                "writing": st.integers(4, 10),
                "listening": st.integers(4, 10),
                "speaking": st.integers(4, 10),
            }
        ),
    },
    optional={
        "second_language": LANGUAGES,
        "spouse_language": st.none(),
        "canadian_work_years": st.none() | st.integers(0, 5),
        "job_offer": st.none() | st.sampled_from(["none", "other_teer_0_1_2_3"]),
        "spouse_education": st.none(),
        "primary_noc": st.none() | st.just("21231"),
        "sibling_in_canada": st.none() | st.booleans(),
    },
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PROFILES, min_size=1, max_size=3), st.integers(1, 3))
def test_small_sparse_files_score_as_their_json_rows(profiles: list[dict[str, Any]], chunk: int) -> None:
    """1-3 rows, all-null columns, chunks without a value: each row scores as its JSON does."""
    rows = [flat_row({**profile, "id": f"p{index}"}) for index, profile in enumerate(profiles)]
    table = table_of(rows)
    batches = table.to_batches(max_chunksize=chunk)
    chunked = (
        pa.Table.from_batches(batches).combine_chunks()
        if len(batches) == 1
        else pa.Table.from_batches(batches)
    )
    columnar = list(result_lines(score_table(chunked, ON, require_id=True)))
    as_json = [
        {key: value for key, value in profile.items() if value is not None}
        for profile in profiles_from_table(table)
    ]
    expected = score_profiles([RawProfile(profile) for profile in as_json], ON, require_id=True)
    assert columnar == expected
