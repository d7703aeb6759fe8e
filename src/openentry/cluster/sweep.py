"""Sweeps: a grid of rounds (rule overlays × round kinds × sizes, optionally × schedules) run over
one pool on a Dask cluster, one task a scenario, one output row a scenario (interfaces.md §11;
docs/sweeps.md).

How the work is spread, the way Dask's distributed scheduler is meant to be used:

- **Each scenario is a task** (``client.map`` over :func:`run_on_worker`, futures gathered as
  they complete), whose result is a row of a few numbers.
- **The pool is read once per worker, not once per scenario.** Data that lives in a file is
  loaded by the workers themselves (Dask's best practices: load data on the workers rather
  than in the client and ship it), and state a worker keeps for many tasks belongs to a
  worker plugin: :class:`SweepWorkerPool`, registered for the sweep alone
  (``client.register_plugin``), reads the file the first time one of its worker's tasks needs
  it and keeps the table for that worker's later tasks; unregistering it at the end of the
  sweep frees it on every worker. A worker that joins during the sweep is given the plugin by
  the scheduler. The pool's path must therefore name the same file on every worker (the
  local cluster shares this machine's files; a remote one needs a shared file system).
- **A pool is scored once per overlay.** The scenarios of one overlay share the pool's scores,
  programs and categories on the day, which are nearly all of a scenario's cost: the plugin
  keeps the last few :class:`~openentry.services.pool.PoolState` by (overlay, day), and the
  scenarios of each overlay are asked of one worker (overlays in turn over the workers; a
  preference, ``allow_other_workers``, so that a lost worker's scenarios run elsewhere). Each
  round is then a selection over arrays, in milliseconds.

Rounds are the rounds ``openentry round run`` holds: :func:`openentry.services.pool.state_of`
(who is in the pool), :func:`openentry.services.rounds.qualifies` and
:func:`openentry.rules.selection.rank` (who qualifies, in what order) over the pool as a table
(:mod:`openentry.cluster.sweep_pool`). A rule overlay is applied inside each task
(``rules.using_tree``: a context variable, which does not travel to another process).

A **scheduled** scenario (the spec's ``schedule``) is its round held on each day of the schedule
by :func:`openentry.services.rounds.hold_round`, the use case of a live round, over a
:class:`~openentry.cluster.sweep_pool.LedgerPoolStore` that records each round's invitations in
memory: who is in the pool at each round, who holds an ITA and who let one lapse are decided
exactly as for live rounds, in one place. Each round scores the pool at its moment (profiles
enter, age and leave with the days), so a scheduled scenario costs one scoring a round and
shares none with the others: its task is given to whichever worker is free.
"""

from __future__ import annotations

import datetime
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from distributed import as_completed, get_worker
from distributed.diagnostics.plugin import WorkerPlugin

from openentry import rules as rules_package
from openentry.cluster.sweep_pool import LedgerPoolStore, pool_state, read_pool
from openentry.cluster.sweep_spec import Scenario
from openentry.domain import Round
from openentry.domain.rounds import Program
from openentry.rules import selection
from openentry.rules.overlay import overlay_of
from openentry.rules.tree import ParameterTree
from openentry.services.eligibility import round_facts
from openentry.services.pool import PoolState
from openentry.services.rounds import hold_round, qualifies

if TYPE_CHECKING:
    from distributed import Client, Worker

# Scored pools a worker keeps (one per overlay and day): the scenarios come overlay by overlay,
# so two cover the switch from one overlay to the next without holding every overlay's scores.
STATES_KEPT = 2
# The programs counted among those invited; ``pnp``: candidates holding a provincial nomination.
PROGRAMS = tuple(program.value for program in Program)
CATEGORY_PREFIX = "invited_category_"

Row = dict[str, object]


# ---------------------------------------------------------------------------------------------
# One scenario


def _scenario_fields(scenario: Scenario, version: Mapping[str, object]) -> Row:
    """The first columns of a scenario's row: which scenario, under which rules, which round."""
    return {
        "scenario": scenario.name,
        "scenario_index": scenario.index,
        "overlay": scenario.overlay_name,
        "overlay_sha256": scenario.overlay_sha256,
        "hypothetical": bool(version.get("hypothetical", False)),
        "kind": scenario.round.kind,
        "program": scenario.round.program,
        "category": scenario.round.category,
        "size": scenario.size,
        "day": scenario.day,
    }

def scenario_outcome(state: PoolState, scenario: Scenario) -> Row:
    """The round of ``scenario`` held over ``state`` (the pool scored under the scenario's rules
    on its day), as one output row: the cut-off (the CRS of the last candidate invited), how
    many were invited and their mean CRS, how many of them meet each program and each category
    in force (a candidate meeting several counts under each), and the rules version."""
    spec = scenario.round_spec()
    allowed = qualifies(state, spec)
    invited = selection.rank(state.crs, state.submitted_at, state.ids, allowed, spec.size)
    scores = state.crs[invited]
    nominated = state.table.column("provincial_nomination").fill_null(False).to_numpy(zero_copy_only=False)
    by_program = {
        program: int(np.count_nonzero(state.assessment.programs[program][invited]))
        for program in PROGRAMS
        if program != Program.PNP
    }
    by_program[Program.PNP.value] = int(np.count_nonzero(np.asarray(nominated, dtype=bool)[invited]))
    keys = state.rules.eligibility.category_keys
    version = state.rules.version
    return {
        **_scenario_fields(scenario, version),
        "in_pool": int(np.count_nonzero(state.in_pool)),
        "qualified": int(np.count_nonzero(allowed)),
        "invited": len(invited),
        "cutoff": int(scores[-1]) if len(invited) else None,
        "mean_crs": float(scores.mean()) if len(invited) else None,
        **{f"invited_{program}": count for program, count in by_program.items()},
        "categories": {key: int(np.count_nonzero(state.assessment.categories[key][invited])) for key in keys},
        "rules_effective": datetime.date.fromisoformat(str(version["effective"])),
        "rules_sha256": str(version["parameters_sha256"]),
    }


def held_rounds(table: pa.Table, scenario: Scenario) -> list[Round]:
    """The scheduled scenario's rounds, held one after the other over ``table`` by the live
    rounds' use case, each recording its invitations in the store's ledger for the next (under
    the rules in use: call inside ``rules.using_tree``)."""
    store = LedgerPoolStore(table)
    held = []
    for day in scenario.round_days():
        spec = scenario.round_spec(day)
        held.append(hold_round(store, spec, now=spec.at))
    return held


def schedule_outcome(table: pa.Table, scenario: Scenario, held: Sequence[Round]) -> Row:
    """A scheduled scenario's row from its rounds (under the rules in use): ``cutoff`` the last
    round's, ``cutoffs`` each round's; ``invited``, ``mean_crs`` and the program and category
    counts over everyone invited, each on the day of the round that invited them (a category
    counted over the rounds it is in force on); ``in_pool``, ``qualified`` and the rules version
    those of the last round."""
    ids = table.column("id")
    nominated = np.asarray(
        table.column("provincial_nomination").fill_null(False).to_numpy(zero_copy_only=False), dtype=bool
    )
    by_program = dict.fromkeys(PROGRAMS, 0)
    categories: dict[str, int] = {}
    scores: list[int] = []
    for result in held:
        day = result.spec.at.date()
        chosen = [invitation.candidate_id for invitation in result.invitations]
        scores += [invitation.crs for invitation in result.invitations]
        rows = pc.index_in(pa.array(chosen, pa.string()), value_set=ids).to_numpy(zero_copy_only=False)
        keys = rules_package.at(day).eligibility.category_keys
        # Only those invited are assessed again: the round's own scoring of the pool is not kept.
        facts = round_facts(table.take(pa.array(rows, pa.int64())), day, keys)
        for program in PROGRAMS:
            if program != Program.PNP:
                by_program[program] += int(np.count_nonzero(facts.programs[program]))
        by_program[Program.PNP.value] += int(np.count_nonzero(nominated[rows]))
        for key in keys:
            categories[key] = categories.get(key, 0) + int(np.count_nonzero(facts.categories[key]))
    last = held[-1]
    assert scenario.schedule is not None
    version = rules_package.at(last.spec.at.date()).version
    return {
        **_scenario_fields(scenario, version),
        "schedule": scenario.schedule.label,
        "rounds_held": len(held),
        "last_day": last.spec.at.date(),
        "in_pool": int(last.score_bands["total"]),
        "qualified": int(last.eligible),
        "invited": len(scores),
        "cutoff": last.cutoff,
        "cutoffs": [result.cutoff for result in held],
        "mean_crs": float(np.mean(scores)) if scores else None,
        **{f"invited_{program}": count for program, count in by_program.items()},
        "categories": categories,
        "rules_effective": datetime.date.fromisoformat(str(version["effective"])),
        "rules_sha256": str(version["parameters_sha256"]),
    }


def run_schedule(table: pa.Table, scenario: Scenario, tree: ParameterTree | None) -> Row:
    """A scheduled scenario under ``tree`` (None: the law), in this process."""
    with rules_package.using_tree(tree):
        return schedule_outcome(table, scenario, held_rounds(table, scenario))


def overlay_tree(scenario: Scenario) -> ParameterTree | None:
    """The rules the scenario runs under: its overlay applied to the law (None: the law)."""
    if scenario.overlay_source is None:
        return None
    # Parsed once per process (overlay_of is cached by the bytes), whatever the scenarios.
    return overlay_of(scenario.overlay_source, scenario.overlay_path or scenario.overlay_name).tree


def scored_pool(table: pa.Table, scenario: Scenario, tree: ParameterTree | None) -> PoolState:
    """The pool on the scenario's day under ``tree``, with every category in force that day."""
    with rules_package.using_tree(tree):
        keys = rules_package.at(scenario.day).eligibility.category_keys
        return pool_state(table, scenario.moment, keys)


def run_scenario(table: pa.Table, scenario: Scenario) -> Row:
    """One scenario, in this process: the pool scored under its rules, then its round (or its
    schedule's rounds)."""
    tree = overlay_tree(scenario)
    if scenario.schedule is not None:
        return run_schedule(table, scenario, tree)
    state = scored_pool(table, scenario, tree)
    with rules_package.using_tree(tree):
        return scenario_outcome(state, scenario)


# ---------------------------------------------------------------------------------------------
# On the workers


@dataclass(frozen=True)
class WorkerReport:
    """What one worker did for a sweep: pool reads (1 when it ran any scenario) and their
    seconds, pools scored (one per overlay it met, unless dropped and scored again) and their
    seconds, scenarios run."""

    reads: int
    read_seconds: float
    scorings: int
    scoring_seconds: float
    scenarios: int


class SweepWorkerPool(WorkerPlugin):
    """A sweep's pool on one worker: the table read once, the scored pools of the last
    :data:`STATES_KEPT` (overlay, day), the overlays parsed once. Registered for one sweep under
    a name of its own (two sweeps on one cluster keep their pools apart), removed at its end."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.reads = 0
        self.read_seconds = 0.0
        self.scorings = 0
        self.scoring_seconds = 0.0
        self.scenarios = 0
        self._table: pa.Table | None = None
        self._states: OrderedDict[tuple[bytes | None, str], PoolState] = OrderedDict()
        self._lock: threading.Lock | None = None

    def setup(self, worker: Worker) -> None:
        # Made on the worker: a lock does not travel; tasks on a worker of several threads share it.
        self._lock = threading.Lock()

    def teardown(self, worker: Worker) -> None:
        self._table = None
        self._states.clear()

    def table(self) -> pa.Table:
        """The pool, read on this worker's first scenario."""
        if self._table is None:
            started = time.perf_counter()
            self._table = read_pool(self.path)
            self.read_seconds += time.perf_counter() - started
            self.reads += 1
        return self._table

    def state(self, scenario: Scenario) -> tuple[PoolState, ParameterTree | None]:
        """The pool scored under the scenario's rules on its day, and those rules."""
        assert self._lock is not None, "the plugin runs on a worker (setup not called)"
        with self._lock:
            tree = overlay_tree(scenario)
            key = (scenario.overlay_source, scenario.day.isoformat())
            state = self._states.get(key)
            if state is None:
                table = self.table()
                started = time.perf_counter()
                state = scored_pool(table, scenario, tree)
                self.scoring_seconds += time.perf_counter() - started
                self.scorings += 1
                self._states[key] = state
                while len(self._states) > STATES_KEPT:
                    self._states.popitem(last=False)
            self._states.move_to_end(key)
            self.scenarios += 1
            return state, tree

    def run_scheduled(self, scenario: Scenario) -> Row:
        """A scheduled scenario over this worker's pool: one scoring of the pool a round."""
        assert self._lock is not None, "the plugin runs on a worker (setup not called)"
        with self._lock:
            tree = overlay_tree(scenario)
            table = self.table()
        started = time.perf_counter()
        row = run_schedule(table, scenario, tree)
        with self._lock:
            self.scoring_seconds += time.perf_counter() - started
            self.scorings += int(str(row["rounds_held"]))
            self.scenarios += 1
        return row

    def report(self) -> WorkerReport:
        return WorkerReport(
            self.reads, self.read_seconds, self.scorings, self.scoring_seconds, self.scenarios
        )


def run_on_worker(scenario: Scenario, plugin: str) -> Row:
    """The task of one scenario: its round over the pool the worker's plugin holds."""
    holder = get_worker().plugins[plugin]
    assert isinstance(holder, SweepWorkerPool)
    if scenario.schedule is not None:
        return holder.run_scheduled(scenario)
    state, tree = holder.state(scenario)
    with rules_package.using_tree(tree):
        return scenario_outcome(state, scenario)


def _report_of(plugin: str, dask_worker: Worker) -> WorkerReport | None:
    holder = dask_worker.plugins.get(plugin)
    return holder.report() if isinstance(holder, SweepWorkerPool) else None


# ---------------------------------------------------------------------------------------------
# The sweep


@dataclass(frozen=True)
class Failure:
    """A scenario whose task failed, and why (one line)."""

    scenario: Scenario
    message: str


@dataclass(frozen=True)
class SweepRun:
    """The rows of the scenarios that ran (in the grid's order), those that failed, and what
    each worker did."""

    rows: list[Row]
    failures: list[Failure]
    workers: dict[str, WorkerReport]


def _message(error: BaseException | None) -> str:
    if error is None:
        return "cancelled"
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}".rstrip(": ")


def _by_overlay(scenarios: Sequence[Scenario]) -> list[list[Scenario]]:
    """The scenarios in groups of one overlay each, in the order overlays first appear."""
    groups: dict[bytes | None, list[Scenario]] = {}
    for scenario in scenarios:
        groups.setdefault(scenario.overlay_source, []).append(scenario)
    return list(groups.values())


def run_sweep(
    client: Client,
    scenarios: Sequence[Scenario],
    pool_path: str,
    advance: Callable[[int], None] = lambda _count: None,
) -> SweepRun:
    """Run every scenario as a task on ``client``'s cluster over the Parquet pool at
    ``pool_path`` (an absolute path every worker can read); ``advance(1)`` as each ends. A
    failed scenario is reported with its reason; the others are kept."""
    plugin = f"openentry-sweep-{uuid.uuid4().hex[:12]}"
    client.register_plugin(SweepWorkerPool(pool_path), name=plugin)
    try:
        workers = sorted(client.scheduler_info()["workers"])
        futures = []
        single = [scenario for scenario in scenarios if scenario.schedule is None]
        for position, group in enumerate(_by_overlay(single)):
            # Scoring the pool under an overlay is nearly all of a scenario's cost (a round over
            # scored arrays takes milliseconds): the overlay's scenarios are asked of one worker,
            # overlays in turn, which then scores the pool once for all of them. A preference
            # only: another worker takes them if that one is lost.
            preferred = [workers[position % len(workers)]] if workers else None
            futures += client.map(
                run_on_worker,
                group,
                plugin=plugin,
                key=[f"{plugin}-scenario-{scenario.index}" for scenario in group],
                pure=False,
                workers=preferred,
                allow_other_workers=True,
                # Overlay by overlay on a worker, as the spec lists them: a worker holding more
                # overlays than STATES_KEPT would otherwise score some again.
                priority=-position,
            )
        scheduled = [scenario for scenario in scenarios if scenario.schedule is not None]
        if scheduled:
            # A scheduled scenario scores the pool at each of its rounds and shares no scoring
            # with the others: any free worker takes it.
            futures += client.map(
                run_on_worker,
                scheduled,
                plugin=plugin,
                key=[f"{plugin}-scenario-{scenario.index}" for scenario in scheduled],
                pure=False,
            )
        by_key = {f"{plugin}-scenario-{scenario.index}": scenario for scenario in scenarios}
        scenario_of = {future.key: by_key[str(future.key)] for future in futures}
        rows: dict[int, Row] = {}
        failures: list[Failure] = []
        try:
            for future in as_completed(futures):  # type: ignore[no-untyped-call]
                scenario = scenario_of[future.key]
                if future.status == "finished":
                    rows[scenario.index] = future.result()
                else:
                    failures.append(Failure(scenario, _message(future.exception())))
                future.release()
                advance(1)
        except BaseException:
            client.cancel(futures)  # type: ignore[no-untyped-call]
            raise
        reports = client.run(_report_of, plugin)
    finally:
        client.unregister_worker_plugin(plugin)  # type: ignore[no-untyped-call]
    return SweepRun(
        rows=[rows[index] for index in sorted(rows)],
        failures=sorted(failures, key=lambda failure: failure.scenario.index),
        workers={worker: report for worker, report in sorted(reports.items()) if report is not None},
    )


# ---------------------------------------------------------------------------------------------
# The output


FIXED_FIELDS: tuple[pa.Field, ...] = (
    pa.field("scenario", pa.string(), nullable=False),
    pa.field("scenario_index", pa.int32(), nullable=False),
    pa.field("overlay", pa.string(), nullable=False),
    pa.field("overlay_sha256", pa.string()),
    pa.field("hypothetical", pa.bool_(), nullable=False),
    pa.field("kind", pa.string(), nullable=False),
    pa.field("program", pa.string()),
    pa.field("category", pa.string()),
    pa.field("size", pa.int32(), nullable=False),
    pa.field("day", pa.date32(), nullable=False),
    pa.field("in_pool", pa.int64(), nullable=False),
    pa.field("qualified", pa.int64(), nullable=False),
    pa.field("invited", pa.int64(), nullable=False),
    pa.field("cutoff", pa.int16()),
    pa.field("mean_crs", pa.float64()),
    *(pa.field(f"invited_{program}", pa.int64(), nullable=False) for program in PROGRAMS),
)
# The columns of a scheduled sweep (a spec with ``schedule``), placed after ``day``, and its
# list of each round's cut-off, after ``cutoff``.
SCHEDULE_FIELDS: tuple[pa.Field, ...] = (
    pa.field("schedule", pa.string()),
    pa.field("rounds_held", pa.int32(), nullable=False),
    pa.field("last_day", pa.date32(), nullable=False),
)
CUTOFFS_FIELD = pa.field("cutoffs", pa.list_(pa.int16()))
RULES_FIELDS: tuple[pa.Field, ...] = (
    pa.field("rules_effective", pa.date32(), nullable=False),
    pa.field("rules_sha256", pa.string(), nullable=False),
)


def category_keys_of(rows: Sequence[Row]) -> list[str]:
    """Every category met in the rows, in the order the rules list them (first seen first)."""
    keys: dict[str, None] = {}
    for row in rows:
        categories = row["categories"]
        assert isinstance(categories, dict)
        keys.update(dict.fromkeys(categories))
    return list(keys)


def output_schema(category_keys: Sequence[str], scheduled: bool = False) -> pa.Schema:
    """The output's columns: the fixed ones, one ``invited_category_KEY`` a category (null
    where the category is not in force under a scenario's rules), then the rules version. A
    ``scheduled`` sweep's also have :data:`SCHEDULE_FIELDS` after ``day`` and ``cutoffs``
    after ``cutoff``; a sweep without a schedule writes the same columns as before schedules."""
    fixed = list(FIXED_FIELDS)
    if scheduled:
        names = [field.name for field in fixed]
        fixed.insert(names.index("cutoff") + 1, CUTOFFS_FIELD)
        fixed[names.index("day") + 1 : names.index("day") + 1] = SCHEDULE_FIELDS
    categories = [pa.field(f"{CATEGORY_PREFIX}{key}", pa.int64()) for key in category_keys]
    return pa.schema([*fixed, *categories, *RULES_FIELDS])


def rows_table(rows: Sequence[Row]) -> pa.Table:
    """The rows as the output's table (:func:`output_schema`; scheduled when the rows are)."""
    keys = category_keys_of(rows)
    scheduled = any("schedule" in row for row in rows)
    flat: list[Row] = []
    for row in rows:
        categories = row["categories"]
        assert isinstance(categories, dict)
        item = {name: value for name, value in row.items() if name != "categories"}
        item.update({f"{CATEGORY_PREFIX}{key}": categories.get(key) for key in keys})
        flat.append(item)
    return pa.Table.from_pylist(flat, schema=output_schema(keys, scheduled))
