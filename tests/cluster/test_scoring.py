"""``openentry score DIR --out DIR`` on a real Dask cluster (interfaces.md §11, issue 15): a
partitioned dataset scored on the cluster holds exactly what scoring each file alone writes; a
failed partition is named with its reason and the others are kept; usage errors and a bad rule
overlay are refused before any task runs; and a rule overlay gives every score path (JSON lines,
a Parquet file, a folder) the same hypothetical scores, marked as such.

The cluster is the session's (tests/cluster/conftest.py: a scheduler and two worker processes on
127.0.0.1), reached through ``--scheduler``; one test starts the command's own local cluster.
The commands run as processes (``python -m openentry.cli.main``), several at once where they
are independent.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as parquet
import pytest
from distributed import Client

from openentry.cluster.scoring import partitions_of, score_partitions
from openentry.forecast.synthetic import generate_pool
from openentry.profiles.columnar import SCHEMA, profiles_from_table

COMMAND = [sys.executable, "-m", "openentry.cli.main"]
ON = "2025-10-01"
REPOSITORY = Path(__file__).parents[2]
PROFILE = REPOSITORY / "docs" / "examples" / "profile.json"
CANADIAN_WORK = REPOSITORY / "docs" / "examples" / "overlays" / "canadian_work.yaml"
# The dataset's files (relative names, sorted as the command lists them) and their rows.
PARTITIONS = {"a.parquet": (0, 150), "b.parquet": (150, 300), "region/c.parquet": (300, 450)}
# Rows of b.parquet given an IELTS reading band IELTS does not award: rejected, the rest scored.
REJECTED_IN_B = (0, 7)


def _run(arguments: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*COMMAND, *arguments], cwd=cwd, capture_output=True, text=True, check=False)


def _run_all(commands: list[list[str]], cwd: Path) -> list[subprocess.CompletedProcess[str]]:
    """Independent commands, two at a time (the machines this runs on have two cores)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(lambda arguments: _run(arguments, cwd), commands))


def _with_bad_reading(table: pa.Table, rows: tuple[int, ...]) -> pa.Table:
    index = table.schema.get_field_index("first_language_reading")
    readings = table.column(index).to_pylist()
    for row in rows:
        readings[row] = 7.3
    return table.set_column(index, "first_language_reading", pa.array(readings, pa.float64()))


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding ``data/``, a pool of 450 synthetic profiles (the project's generator) cut
    into three files, one in a subfolder and one with two rejected rows, plus files a dataset's
    listing skips (hidden, and under ``_``); and ``alone/``: each file scored alone by
    ``openentry score FILE --out FILE``."""
    folder = tmp_path_factory.mktemp("dataset")
    pool = generate_pool(450, 11, datetime.date.fromisoformat(ON))
    for name, (start, stop) in PARTITIONS.items():
        part = pool.slice(start, stop - start)
        if name == "b.parquet":
            part = _with_bad_reading(part, REJECTED_IN_B)
        (folder / "data" / name).parent.mkdir(parents=True, exist_ok=True)
        parquet.write_table(part, folder / "data" / name)
    (folder / "data" / "_staging").mkdir()
    (folder / "data" / "_staging" / "half.parquet").write_bytes(b"not yet")
    (folder / "data" / ".hidden.parquet").write_bytes(b"not a partition")
    done = _run_all(
        [["score", f"data/{name}", "--out", f"alone/{name}", "--on", ON] for name in PARTITIONS], folder
    )
    assert [result.returncode for result in done] == [0, 1, 0], [result.stderr for result in done]
    return folder


def _files(folder: Path) -> list[str]:
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file())


def _assert_same_as_alone(workspace: Path, out: Path) -> None:
    assert _files(out) == sorted(PARTITIONS)
    for name in PARTITIONS:
        together, alone = parquet.read_table(out / name), parquet.read_table(workspace / "alone" / name)
        assert together.num_rows == PARTITIONS[name][1] - PARTITIONS[name][0]
        assert together.equals(alone, check_metadata=True), name


REJECTED_LINE = (
    "openentry score: 2 of 450 profiles rejected; their errors are in the error_field and "
    "error_message columns of b.parquet in {out}\n"
)


def test_a_dataset_scored_on_the_cluster_equals_each_file_scored_alone(
    workspace: Path, dask_scheduler_address: str
) -> None:
    done = _run(
        ["score", "data", "--out", "on-cluster", "--scheduler", dask_scheduler_address, "--on", ON], workspace
    )
    assert (done.returncode, done.stdout, done.stderr) == (1, "", REJECTED_LINE.format(out="on-cluster"))
    _assert_same_as_alone(workspace, workspace / "on-cluster")
    rejected = parquet.read_table(workspace / "on-cluster" / "b.parquet").column("error_field").to_pylist()
    assert [row for row, field in enumerate(rejected) if field is not None] == list(REJECTED_IN_B)


def test_a_local_cluster_of_two_workers(workspace: Path) -> None:
    done = _run(["score", "data", "--out", "local", "--workers", "2", "--on", ON], workspace)
    assert (done.returncode, done.stdout, done.stderr) == (1, "", REJECTED_LINE.format(out="local"))
    _assert_same_as_alone(workspace, workspace / "local")


def test_summaries_come_back_and_scores_stay_on_the_workers(workspace: Path, dask_client: Client) -> None:
    out = workspace / "summaries"
    partitions = partitions_of(workspace / "data", out)
    assert [partition.name for partition in partitions] == list(PARTITIONS)
    outcome = score_partitions(dask_client, partitions, datetime.date.fromisoformat(ON), False, None)
    assert outcome.failures == ()
    assert [(summary.name, summary.rows, summary.rejected) for summary in outcome.summaries] == [
        ("a.parquet", 150, 0),
        ("b.parquet", 150, 2),
        ("region/c.parquet", 150, 0),
    ]
    assert all(summary.peak_memory_bytes > 0 and summary.seconds > 0 for summary in outcome.summaries)
    _assert_same_as_alone(workspace, out)


def test_a_failed_partition_is_named_and_the_others_are_kept(
    workspace: Path, dask_scheduler_address: str
) -> None:
    data, out = workspace / "failing", workspace / "failing-scores"
    (data / "sub").mkdir(parents=True)
    for name in ("a.parquet", "blocked.parquet"):
        (data / name).write_bytes((workspace / "data" / "a.parquet").read_bytes())
    (data / "broken.parquet").write_bytes(b"not a Parquet file")
    parquet.write_table(pa.table({"id": ["x"], "colour": ["red"]}), data / "sub" / "columns.parquet")
    (out / "blocked.parquet").mkdir(parents=True)  # its scores cannot take the place of a folder
    (out / "broken.parquet").write_bytes(b"an earlier run's scores")  # removed: the file failed now
    done = _run(
        ["score", "failing", "--out", "failing-scores", "--scheduler", dask_scheduler_address, "--on", ON],
        workspace,
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        "openentry score: 3 of 4 partitions failed: "
        "blocked.parquet (cannot write its scores: Is a directory); "
        "broken.parquet (not a Parquet file (Parquet magic bytes not found in footer. Either the file "
        "is corrupted or this is not a parquet file.)); "
        f"sub/columns.parquet (unknown columns ['colour']; allowed columns are {SCHEMA.names})\n"
    )
    # The partition that could be scored is written, and nothing else: no partial file.
    assert sorted(path.relative_to(out).as_posix() for path in out.rglob("*")) == [
        "a.parquet",
        "blocked.parquet",
        "sub",
    ]
    assert (out / "blocked.parquet").is_dir() and not any((out / "blocked.parquet").iterdir())
    assert parquet.read_table(out / "a.parquet").equals(parquet.read_table(workspace / "alone" / "a.parquet"))


def test_usage_errors_are_one_line_and_exit_status_2(workspace: Path) -> None:
    (workspace / "empty").mkdir(exist_ok=True)
    (workspace / "a-file").write_text("x", encoding="utf-8")
    cases = {
        ("score", "data", "--on", ON): "openentry: --out FOLDER is required with a folder input "
        "(one Parquet file of scores per input file)",
        ("score", "data", "--out", "scores.parquet"): "openentry: --out scores.parquet: a folder input is "
        "scored into a folder (one Parquet file of scores per input file); give a folder name",
        ("score", "data", "--out", "a-file"): "openentry: --out a-file: it is a file; give a folder "
        "(one Parquet file of scores per input file)",
        ("score", "data", "--out", "data/scores"): "openentry: --out data/scores: it is inside the "
        "input folder data; give a folder outside it",
        ("score", "data", "--out", "data"): "openentry: --out data: it is inside the input folder data; "
        "give a folder outside it",
        ("score", "empty", "--out", "scores"): "openentry: cannot read empty: no .parquet file in the "
        "folder or its subfolders",
        ("score", "data/a.parquet", "--out", "a.parquet", "--workers", "2"): "openentry: --workers is for "
        "a folder of Parquet files (a partitioned dataset) to score on a cluster",
        ("score", str(PROFILE), "--scheduler", "tcp://127.0.0.1:8786"): "openentry: --scheduler is for a "
        "folder of Parquet files (a partitioned dataset) to score on a cluster",
        ("score", "data", "--out", "scores", "--workers", "0"): "openentry: --workers 0: give 1 or more",
        ("score", "data", "--out", "scores", "--workers", "1", "--scheduler", "tcp://127.0.0.1:8786"): (
            "openentry: give --workers N (a local cluster) or --scheduler ADDRESS, not both"
        ),
        ("score", "data", "--out", "scores", "--on", "2025-13-01"): "openentry: --on: '2025-13-01' is not "
        "a date (YYYY-MM-DD)",
    }
    for (arguments, message), done in zip(
        cases.items(), _run_all([list(arguments) for arguments in cases], workspace), strict=True
    ):
        assert (done.returncode, done.stdout, done.stderr) == (2, "", message + "\n"), arguments
    assert not (workspace / "scores").exists()


def _transitions(client: Client) -> int:
    """How many task state changes the scheduler has made since it started."""
    count: int = client.run_on_scheduler(  # type: ignore[no-untyped-call]
        lambda dask_scheduler: dask_scheduler.transition_counter
    )
    return count


def test_a_bad_overlay_is_refused_before_any_task_runs(
    workspace: Path, dask_client: Client, dask_scheduler_address: str
) -> None:
    (workspace / "misspelt.yaml").write_text(
        "crs/core/canadian_wrk:\n  reference: {2027-01-01: a typo}\n  values: {2027-01-01: 3}\n",
        encoding="utf-8",
    )
    before = _transitions(dask_client)
    done = _run(
        [
            "score",
            "data",
            "--out",
            "never",
            "--scheduler",
            dask_scheduler_address,
            "--rules-overlay",
            "misspelt.yaml",
        ],
        workspace,
    )
    assert (done.returncode, done.stdout, done.stderr) == (
        2,
        "",
        "openentry: --rules-overlay misspelt.yaml: crs/core/canadian_wrk: no parameter "
        "'crs/core/canadian_wrk' in the rules (did you mean crs/core/canadian_work?)\n",
    )
    assert not (workspace / "never").exists()
    assert _transitions(dask_client) == before


# --- A rule overlay on every score path --------------------------------------------------------

# docs/examples/profile.json on 2027-01-01, by the tables (openentry rules show NAME --on
# 2027-01-01 for each): born 1993-06-12, she is 33 (married, spouse accompanying: age 80);
# bachelor's 112; IELTS 7.5/7.0/8.0/7.0 = CLB 10/9/10/9, with a spouse 29+28+29+28 = 116 (first
# language); no second language 0; 3 years of Canadian work (work_history), with a spouse 56
# under the law. Spouse: bachelor's 7, CLB 7/7/7/7 language 3×4 = 12, no Canadian work 0 -> 19.
# Transferability: education with CLB 9+ 50, foreign work with CLB 9+ 50 -> 100. Additional 0.
# Under the law: core 80 + 112 + 116 + 0 + 56 = 364, total 364 + 19 + 100 + 0 = 483.
# canadian_work.yaml, from 2027-01-01: 3 years with a spouse 80 (the overlay's table), the
# transferability combinations count years, not points, and do not change: core 388, total 507.
LAW_ON_2027 = {"id": "maria-santos", "total": 483, "core": 364, "spouse": 19, "transferability": 100}
OVERLAID_ON_2027 = {"id": "maria-santos", "total": 507, "core": 388, "spouse": 19, "transferability": 100}


def _overlay_marks(given_as: str) -> dict[str, object]:
    digest = hashlib.sha256(CANADIAN_WORK.read_bytes()).hexdigest()[:16]
    return {"hypothetical": True, "rules_overlay": {"path": given_as, "sha256": digest}}


def test_an_overlay_on_json_changes_the_total_by_the_tables_and_marks_it(tmp_path: Path) -> None:
    overlay = str(CANADIAN_WORK)
    law, overlaid, explained = _run_all(
        [
            ["score", str(PROFILE), "--on", "2027-01-01"],
            ["score", str(PROFILE), "--on", "2027-01-01", "--rules-overlay", overlay],
            ["score", str(PROFILE), "--on", "2027-01-01", "--rules-overlay", overlay, "--explain"],
        ],
        tmp_path,
    )
    assert json.loads(law.stdout) == {**LAW_ON_2027, "additional": 0}
    assert (overlaid.returncode, overlaid.stderr) == (0, "")
    assert json.loads(overlaid.stdout) == {**OVERLAID_ON_2027, "additional": 0, **_overlay_marks(overlay)}
    line = json.loads(explained.stdout)
    assert line["lines"]["core.canadian_work"] == 80
    assert line["rules"]["hypothetical"] is True
    assert line["rules"]["overlay_sha256"] == _overlay_marks(overlay)["rules_overlay"]["sha256"]  # type: ignore[index]
    assert (line["hypothetical"], line["rules_overlay"]) == (True, _overlay_marks(overlay)["rules_overlay"])


@pytest.fixture
def small_pool(tmp_path: Path) -> Iterator[Path]:
    """40 synthetic profiles as pool.jsonl and, in the folder pool/, as part.parquet."""
    pool = generate_pool(40, 5, datetime.date(2027, 1, 1))
    (tmp_path / "pool").mkdir()
    parquet.write_table(pool, tmp_path / "pool" / "part.parquet")
    with (tmp_path / "pool.jsonl").open("w", encoding="utf-8") as stream:
        for profile in profiles_from_table(pool):
            stream.write(json.dumps(profile, ensure_ascii=False) + "\n")
    yield tmp_path


def test_an_overlay_gives_parquet_and_folders_the_json_scores_and_says_so_in_metadata(
    small_pool: Path, dask_scheduler_address: str
) -> None:
    overlay = ["--on", "2027-01-01", "--rules-overlay", str(CANADIAN_WORK)]
    as_json, as_lines, as_file, as_folder, under_law = _run_all(
        [
            ["score", "pool.jsonl", *overlay],
            ["score", "pool/part.parquet", "--out", "lines.jsonl", *overlay],
            ["score", "pool/part.parquet", "--out", "file.parquet", *overlay],
            ["score", "pool", "--out", "folder", "--scheduler", dask_scheduler_address, *overlay],
            ["score", "pool.jsonl", "--on", "2027-01-01"],
        ],
        small_pool,
    )
    assert [done.returncode for done in (as_json, as_lines, as_file, as_folder)] == [0, 0, 0, 0]
    json_lines = [json.loads(line) for line in as_json.stdout.splitlines()]
    marks = _overlay_marks(str(CANADIAN_WORK))
    assert all({key: line[key] for key in marks} == marks for line in json_lines)
    # The .jsonl output of a Parquet pool is the JSON input's lines, marks included.
    lines_text = (small_pool / "lines.jsonl").read_text(encoding="utf-8")
    assert [json.loads(line) for line in lines_text.splitlines()] == json_lines
    sections = ["id", "total", "core", "spouse", "transferability", "additional"]
    expected = [{name: line[name] for name in sections} for line in json_lines]
    law = [json.loads(line)["total"] for line in under_law.stdout.splitlines()]
    assert [line["total"] for line in expected] != law  # the overlay changes some totals
    for written in (small_pool / "file.parquet", small_pool / "folder" / "part.parquet"):
        table = parquet.read_table(written)
        assert table.select(sections).to_pylist() == expected, written
        metadata = {key.decode(): json.loads(value) for key, value in table.schema.metadata.items()}
        assert metadata["openentry.on"] == "2027-01-01"
        assert metadata["openentry.hypothetical"] is True
        assert metadata["openentry.rules_overlay"] == marks["rules_overlay"]
        assert metadata["openentry.rules"]["hypothetical"] is True
        assert metadata["openentry.rules"]["overlay_sha256"] == marks["rules_overlay"]["sha256"]  # type: ignore[index]
    assert parquet.read_table(small_pool / "file.parquet").equals(
        parquet.read_table(small_pool / "folder" / "part.parquet"), check_metadata=True
    )
