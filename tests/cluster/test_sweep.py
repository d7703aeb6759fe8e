"""openentry sweep on a real Dask cluster (a scheduler and two worker processes on 127.0.0.1):
every row equals a plain single-process loop that scores the pool under each overlay and holds
each round with the selection rules; the pool is read once per worker; a failed scenario is
named and the others kept; a bad overlay is refused before any task runs; the command end to
end, on a scheduler and on a local cluster it starts."""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as parquet
import pytest
from distributed import Client, Scheduler

from openentry import rules
from openentry.cluster.sweep import run_sweep
from openentry.cluster.sweep_pool import read_pool
from openentry.cluster.sweep_spec import Scenario, SweepSpec, load_spec
from openentry.forecast.synthetic import generate_pool
from openentry.rules import language, selection
from openentry.rules.overlay import parse_overlay
from openentry.rules.periods import utc_moment64
from openentry.services.eligibility import assess_table
from openentry.services.scoring import score_table

OVERLAYS = Path(__file__).parents[2] / "docs" / "examples" / "overlays"
POOL_DAY = datetime.date(2027, 2, 15)
SPEC = """\
day: 2027-03-01
overlays:
  law: null
  canadian_work: overlays/canadian_work.yaml
  job_offer: overlays/job_offer.yaml
rounds:
  - {kind: general}
  - {kind: program, program: cec}
  - {kind: program, program: pnp}
  - {kind: category, category: french}
sizes: [50, 200, 800]
"""
# Every column of the output, in order, for a sweep on 2027-03-01 (the categories in force then).
COLUMNS = [
    ("scenario", pa.string()),
    ("scenario_index", pa.int32()),
    ("overlay", pa.string()),
    ("overlay_sha256", pa.string()),
    ("hypothetical", pa.bool_()),
    ("kind", pa.string()),
    ("program", pa.string()),
    ("category", pa.string()),
    ("size", pa.int32()),
    ("day", pa.date32()),
    ("in_pool", pa.int64()),
    ("qualified", pa.int64()),
    ("invited", pa.int64()),
    ("cutoff", pa.int16()),
    ("mean_crs", pa.float64()),
    ("invited_fsw", pa.int64()),
    ("invited_cec", pa.int64()),
    ("invited_fst", pa.int64()),
    ("invited_pnp", pa.int64()),
    *(
        (f"invited_category_{key}", pa.int64())
        for key in (
            "french",
            "education",
            "healthcare",
            "physicians",
            "researchers",
            "senior_managers",
            "skilled_military",
            "stem",
            "trades",
            "transport",
        )
    ),
    ("rules_effective", pa.date32()),
    ("rules_sha256", pa.string()),
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic pool, the spec above and the example overlays, in one folder."""
    where = tmp_path_factory.mktemp("sweep")
    parquet.write_table(generate_pool(2000, 11, POOL_DAY), where / "pool.parquet")
    shutil.copytree(OVERLAYS, where / "overlays")
    (where / "sweep.yaml").write_text(SPEC, encoding="utf-8")
    return where


@pytest.fixture(scope="module")
def spec(folder: Path) -> SweepSpec:
    return load_spec(folder / "sweep.yaml")


def plain_round(table: pa.Table, scenario: Scenario) -> dict[str, object]:
    """The scenario in this process, without the sweep's code: the pool scored under the
    overlay (services/scoring), assessed (services/eligibility), and the round held with the
    selection rules (rules/selection.py)."""
    day = scenario.day
    tree = None if scenario.overlay_source is None else parse_overlay(scenario.overlay_source, "x").tree
    with rules.using_tree(tree):
        snapshot = rules.at(day)
        keys = snapshot.eligibility.category_keys
        scored = score_table(table, day)
        _, _, assessment, errors = assess_table(table, day, categories=keys, streams=False)
    submitted = table.column("submitted_at").cast(pa.timestamp("us")).to_numpy().astype("datetime64[us]")
    test_dates = np.asarray(
        table.column("first_language_test_date").to_numpy(zero_copy_only=False), dtype="datetime64[D]"
    )
    unscorable = np.zeros(table.num_rows, dtype=bool)
    unscorable[list(set(errors) | set(scored.errors))] = True
    pool = selection.membership(
        submitted_at=submitted,
        moment=utc_moment64(scenario.moment),
        pool_duration_months=snapshot.rounds.pool_duration_months,
        language_expired=language.expired_on(test_dates, day, snapshot.language.result_validity_years),
        meets_a_program=assessment.in_pool,
        unscorable=unscorable,
    )
    crs = np.where(pool.in_pool, scored.scores.total, 0).astype(np.int16)
    programs = {
        "fsw": assessment.fsw.eligible,
        "cec": assessment.cec.eligible,
        "fst": assessment.fst.eligible,
    }
    nominated = np.asarray(
        table.column("provincial_nomination").fill_null(False).to_numpy(zero_copy_only=False), dtype=bool
    )
    categories = {key: assessment.categories[key].eligible for key in keys if key in assessment.categories}
    if assessment.french is not None:
        categories["french"] = assessment.french
    conditions = []
    if scenario.round.program == "pnp":
        conditions.append(nominated)
    elif scenario.round.program is not None:
        conditions.append(programs[scenario.round.program])
    elif scenario.round.category is not None:
        conditions.append(categories[scenario.round.category])
    allowed = selection.qualifies(pool.in_pool, np.zeros(table.num_rows, dtype=bool), conditions)
    ids = np.asarray(table.column("id").to_numpy(zero_copy_only=False), dtype=object)
    invited = selection.rank(crs, submitted, ids, allowed, scenario.size)
    scores = crs[invited]
    return {
        "scenario": scenario.name,
        "scenario_index": scenario.index,
        "overlay": scenario.overlay_name,
        "overlay_sha256": scenario.overlay_sha256,
        "hypothetical": tree is not None,
        "kind": scenario.round.kind,
        "program": scenario.round.program,
        "category": scenario.round.category,
        "size": scenario.size,
        "day": day,
        "in_pool": int(pool.in_pool.sum()),
        "qualified": int(allowed.sum()),
        "invited": len(invited),
        "cutoff": int(scores[-1]) if len(invited) else None,
        "mean_crs": float(scores.mean()) if len(invited) else None,
        **{f"invited_{name}": int(flags[invited].sum()) for name, flags in programs.items()},
        "invited_pnp": int(nominated[invited].sum()),
        "categories": {key: int(categories[key][invited].sum()) for key in keys},
        "rules_effective": datetime.date.fromisoformat(str(snapshot.version["effective"])),
        "rules_sha256": snapshot.version["parameters_sha256"],
    }


def _sweep_plugins(client: Client) -> dict[str, list[str]]:
    def names(dask_worker: object) -> list[str]:
        plugins = getattr(dask_worker, "plugins", {})
        return [name for name in plugins if name.startswith("openentry-sweep")]

    return dict(client.run(names))


def test_every_row_equals_a_plain_loop_and_the_pool_is_read_once_per_worker(
    dask_client: Client, folder: Path, spec: SweepSpec
) -> None:
    scenarios = spec.scenarios()
    done = run_sweep(dask_client, scenarios, str(folder / "pool.parquet"))

    table = read_pool(folder / "pool.parquet")
    assert done.failures == []
    assert done.rows == [plain_round(table, scenario) for scenario in scenarios]
    # The overlays move the cut-offs as they should: more points for Canadian work raise every
    # general and CEC round's cut-off (nearly every candidate has some); job offer points
    # raise none (no one loses points).
    cutoffs = {row["scenario"]: row["cutoff"] for row in done.rows}
    for label in ("general", "program:cec"):
        for size in (50, 200, 800):
            law = cutoffs[f"law/{label}/{size}"]
            assert isinstance(law, int)
            assert cutoffs[f"canadian_work/{label}/{size}"] > law  # type: ignore[operator]
            assert cutoffs[f"job_offer/{label}/{size}"] >= law  # type: ignore[operator]

    # One read of the pool per worker, however many scenarios it ran; one scoring per overlay.
    assert set(done.workers) == set(dask_client.scheduler_info()["workers"])
    assert sum(report.scenarios for report in done.workers.values()) == len(scenarios) == 36
    for report in done.workers.values():
        assert report.reads == (1 if report.scenarios else 0)
        assert report.scorings <= len(spec.overlays)
    # The sweep's plugin is gone from every worker, and the pool with it.
    assert all(names == [] for names in _sweep_plugins(dask_client).values())


def test_a_failed_scenario_is_named_and_the_others_are_kept(
    dask_client: Client, folder: Path, spec: SweepSpec
) -> None:
    first, second = spec.scenarios()[:2]
    broken = replace(second, round=replace(second.round, kind="category", category="not-a-category"))
    done = run_sweep(dask_client, [first, broken], str(folder / "pool.parquet"))
    assert [row["scenario"] for row in done.rows] == [first.name]
    assert [(failure.scenario.name, failure.message) for failure in done.failures] == [
        (
            "law/category:not-a-category/200",
            "RoundSpecError: --category: unknown category 'not-a-category' on 2027-03-01; allowed: french, "
            "education, healthcare, physicians, researchers, senior_managers, skilled_military, stem, "
            "trades, transport",
        )
    ]


# ---------------------------------------------------------------------------------------------
# The command


def _openentry(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(
        ["openentry", *arguments], cwd=cwd, env=environment, capture_output=True, text=True, check=False
    )


def _transitions(client: Client) -> int:
    """How many task transitions the scheduler has made since it started."""

    def count(dask_scheduler: Scheduler) -> int:
        return int(dask_scheduler.transition_counter)

    return int(client.run_on_scheduler(count))


def test_an_overlay_with_a_bad_key_is_refused_before_any_task_runs(
    dask_client: Client, dask_scheduler_address: str, folder: Path
) -> None:
    (folder / "overlays" / "bad.yaml").write_text(
        "crs/core/canadian_work_experience:\n"
        "  reference: {2027-01-01: Illustration only}\n"
        "  values: {2027-01-01: {with_spouse: {0: 0}, without_spouse: {0: 0}}}\n",
        encoding="utf-8",
    )
    (folder / "bad.yaml").write_text(
        SPEC.replace("job_offer: overlays/job_offer.yaml", "bad: overlays/bad.yaml"), encoding="utf-8"
    )
    before = _transitions(dask_client)
    done = _openentry(
        "sweep", "bad.yaml", "--pool", "pool.parquet", "--out", "bad.parquet", "--plot", "bad.png",
        "--scheduler", dask_scheduler_address, cwd=folder,
    )  # fmt: skip
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "openentry: bad.yaml: overlays.bad: overlays/bad.yaml: crs/core/canadian_work_experience: "
        "no parameter 'crs/core/canadian_work_experience' in the rules; openentry rules list names them all\n"
    )
    assert not (folder / "bad.parquet").exists() and not (folder / "bad.png").exists()
    assert _transitions(dask_client) == before
    assert all(names == [] for names in _sweep_plugins(dask_client).values())


def test_the_command_on_a_scheduler_writes_one_row_per_scenario_and_a_chart(
    dask_scheduler_address: str, folder: Path
) -> None:
    done = _openentry(
        "sweep", "sweep.yaml", "--pool", "pool.parquet", "--out", "out/sweep.parquet", "--plot",
        "out/sweep.png", "--scheduler", dask_scheduler_address, cwd=folder,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    table = parquet.read_table(folder / "out" / "sweep.parquet")
    assert [(field.name, field.type) for field in table.schema] == COLUMNS
    assert table.num_rows == 36
    assert table.column("scenario").to_pylist()[:4] == [
        "law/general/50",
        "law/general/200",
        "law/general/800",
        "law/program:cec/50",
    ]
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["scenario"] for line in lines] == table.column("scenario").to_pylist()
    assert [line["cutoff"] for line in lines] == table.column("cutoff").to_pylist()
    assert list(lines[0]) == ["scenario", "cutoff", "invited", "mean_crs"]
    assert (folder / "out" / "sweep.png").read_bytes().startswith(b"\x89PNG")
    first, last = done.stderr.splitlines()
    assert first.startswith("openentry sweep: 36 scenarios on 2 worker(s); the pool read ")
    assert last == "openentry sweep: wrote 36 scenario(s) to out/sweep.parquet and the chart to out/sweep.png"


@pytest.fixture
def small_spec(folder: Path) -> Iterator[Path]:
    path = folder / "small.yaml"
    path.write_text(
        "day: 2027-03-01\noverlays: {law: null, canadian_work: overlays/canadian_work.yaml}\n"
        "rounds: [{kind: general}]\nsizes: [100, 400]\n",
        encoding="utf-8",
    )
    yield path
    path.unlink()


def test_the_command_on_a_local_cluster_it_starts(folder: Path, small_spec: Path) -> None:
    done = _openentry(
        "sweep", small_spec.name, "--pool", "pool.parquet", "--out", "local.parquet", "--workers", "2",
        cwd=folder,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    table = parquet.read_table(folder / "local.parquet")
    assert table.column("scenario").to_pylist() == [
        "law/general/100",
        "law/general/400",
        "canadian_work/general/100",
        "canadian_work/general/400",
    ]
    assert table.column("hypothetical").to_pylist() == [False, False, True, True]
    assert done.stderr.splitlines()[-1] == "openentry sweep: wrote 4 scenario(s) to local.parquet"
