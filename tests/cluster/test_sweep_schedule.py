"""Scheduled sweeps on a real Dask cluster (a scheduler and two worker processes on 127.0.0.1):
every scheduled scenario equals a plain loop that holds its rounds one after the other with the
live rounds' use case (``hold_round``) over an in-memory store written here, independent of the
sweep's; a candidate invited once is never invited again, and a profile submitted between two
rounds can be invited by the later one only; a schedule's mistakes are refused, one line each;
the command writes the schedule's columns and its chart."""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as parquet
import pytest
from distributed import Client

from openentry import rules
from openentry.cluster.sweep import run_scenario, run_sweep
from openentry.cluster.sweep_pool import read_pool
from openentry.cluster.sweep_spec import (
    MAX_SCHEDULED_ROUNDS,
    Scenario,
    SweepSpec,
    SweepSpecError,
    SweptRound,
    load_spec,
)
from openentry.db.models import RoundRow
from openentry.db.pool_repository import IssuedInvitation, Withdrawal, conformed
from openentry.domain import Round
from openentry.forecast.synthetic import generate_pool
from openentry.rules.overlay import parse_overlay
from openentry.services.rounds import hold_round

OVERLAYS = Path(__file__).parents[2] / "docs" / "examples" / "overlays"
FIRST_DAY = datetime.date(2027, 3, 1)
# The pool stands on a day after the schedule starts: profiles submitted in between are new
# entrants to its later rounds.
POOL_DAY = datetime.date(2027, 4, 15)
EVERY_DAYS = 21
# Four rounds 21 days apart: the first round's ITAs (valid 60 days) have lapsed by the fourth.
SPEC = f"""\
day: {FIRST_DAY.isoformat()}
overlays:
  law: null
  canadian_work: overlays/canadian_work.yaml
rounds:
  - {{kind: general}}
  - {{kind: program, program: cec}}
sizes: [40, 150]
schedule:
  - {{rounds: 1}}
  - {{rounds: 4, every_days: {EVERY_DAYS}}}
"""
# The profile moved to enter the pool between the first and the second round.
LATE_ENTRY = datetime.datetime(2027, 3, 10, 12, 0, tzinfo=datetime.UTC)


class LoopStore:
    """A pool store for the plain loop, written without the sweep's code: the table, and the
    rounds and invitations recorded, in lists."""

    def __init__(self, table: pa.Table) -> None:
        self.table = table
        self.rounds: list[RoundRow] = []
        self.issued: list[IssuedInvitation] = []

    def lock(self, wait: bool = True) -> int:
        return len(self.rounds)

    def latest_round(self) -> tuple[int, datetime.datetime] | None:
        return (self.rounds[-1].number, self.rounds[-1].held_at) if self.rounds else None

    def profiles_at(self, at: datetime.datetime, only: str | None = None) -> pa.Table:
        return self.table

    def invitations_until(self, at: datetime.datetime) -> list[IssuedInvitation]:
        return [item for item in self.issued if item.issued_at <= at]

    def outcomes_until(self, at: datetime.datetime) -> dict[int, str]:
        return {}

    def nominated_until(self, at: datetime.datetime) -> frozenset[str]:
        return frozenset()

    def withdrawn_until(self, at: datetime.datetime) -> list[Withdrawal]:
        return []

    def round_by_key(self, key: str) -> RoundRow | None:
        return None

    def add_round(self, row: RoundRow, invitations: Sequence[dict[str, object]]) -> None:
        self.rounds.append(row)
        for item in invitations:
            self.issued.append(
                IssuedInvitation(
                    len(self.issued) + 1,
                    str(item["candidate_id"]),
                    str(item["kind"]),
                    item["expires_on"],  # type: ignore[arg-type]
                    item["issued_at"],  # type: ignore[arg-type]
                )
            )


def loop_rounds(table: pa.Table, scenario: Scenario) -> list[Round]:
    """The scenario's rounds held one after the other over a fresh store, in this process."""
    assert scenario.schedule is not None
    tree = None if scenario.overlay_source is None else parse_overlay(scenario.overlay_source, "x").tree
    store = LoopStore(table)
    held = []
    with rules.using_tree(tree):
        for position in range(scenario.schedule.rounds):
            day = scenario.day + datetime.timedelta(days=(scenario.schedule.every_days or 0) * position)
            spec = scenario.round_spec(day)
            held.append(hold_round(store, spec, now=spec.at))
    return held


def loop_row(table: pa.Table, scenario: Scenario) -> dict[str, object]:
    held = loop_rounds(table, scenario)
    scores = [invitation.crs for result in held for invitation in result.invitations]
    return {
        "scenario": scenario.name,
        "rounds_held": len(held),
        "last_day": held[-1].spec.at.date(),
        "cutoffs": [result.cutoff for result in held],
        "cutoff": held[-1].cutoff,
        "invited": len(scores),
        "mean_crs": float(np.mean(scores)) if scores else None,
        "in_pool": held[-1].score_bands["total"],
        "qualified": held[-1].eligible,
    }


def _pool_with_a_late_entrant(table: pa.Table) -> tuple[pa.Table, str]:
    """The pool with the top scorer of a first general round moved to enter it after that round."""
    first = Scenario(0, "law", None, None, None, SweptRound("general"), 1, FIRST_DAY)
    best = hold_round(LoopStore(table), first.round_spec()).invitations[0].candidate_id
    index = table.schema.get_field_index("submitted_at")
    moments = pc.if_else(
        pc.equal(table.column("id"), best),
        pa.scalar(LATE_ENTRY, table.schema.field(index).type),
        table.column("submitted_at"),
    )
    return table.set_column(index, table.schema.field(index), moments), best


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("schedule")
    pool, _ = _pool_with_a_late_entrant(conformed(generate_pool(1200, 5, POOL_DAY)))
    parquet.write_table(pool, where / "pool.parquet")
    shutil.copytree(OVERLAYS, where / "overlays")
    (where / "sweep.yaml").write_text(SPEC, encoding="utf-8")
    return where


@pytest.fixture(scope="module")
def spec(folder: Path) -> SweepSpec:
    return load_spec(folder / "sweep.yaml")


def test_every_scheduled_row_equals_a_plain_loop_of_hold_round(
    dask_client: Client, folder: Path, spec: SweepSpec
) -> None:
    scenarios = spec.scenarios()
    assert [scenario.name for scenario in scenarios[:4]] == [
        "law/general/40/1x",
        "law/general/40/4x21d",
        "law/general/150/1x",
        "law/general/150/4x21d",
    ]
    done = run_sweep(dask_client, scenarios, str(folder / "pool.parquet"))
    assert done.failures == []
    table = read_pool(folder / "pool.parquet")
    for row, scenario in zip(done.rows, scenarios, strict=True):
        assert {key: row[key] for key in loop_row(table, scenario)} == loop_row(table, scenario)
        assert scenario.schedule is not None
        single = scenario.schedule.rounds == 1
        assert row["schedule"] == ("1 round" if single else "4 rounds every 21 days")
        if scenario.round.program == "cec":
            assert row["invited_cec"] == row["invited"]
    # Rounds of 40 from 1,200 profiles never run short: each round invites its size.
    assert [row["invited"] for row in done.rows[:2]] == [40, 160]
    # Every scenario of a scheduled sweep (a single round too) scores the pool once a round:
    # 2 overlays x 2 kinds x 2 sizes x (1 + 4 rounds); each worker reads it once.
    assert sum(report.scorings for report in done.workers.values()) == 2 * 2 * 2 * (1 + 4)
    assert all(report.reads == 1 for report in done.workers.values() if report.scenarios)


def test_a_single_round_schedule_is_the_scenario_without_a_schedule(folder: Path, spec: SweepSpec) -> None:
    table = read_pool(folder / "pool.parquet")
    for scenario in spec.scenarios():
        if scenario.schedule is None or scenario.schedule.rounds != 1:
            continue
        scheduled = run_scenario(table, scenario)
        plain = run_scenario(table, Scenario(**{**scenario.__dict__, "schedule": None}))
        extra = {"schedule", "rounds_held", "last_day", "cutoffs"}
        assert {key: value for key, value in scheduled.items() if key not in extra} == {
            **plain,
            "scenario": scenario.name,
        }
        assert scheduled["cutoffs"] == [plain["cutoff"]]


def test_no_one_is_invited_twice_and_a_late_entrant_only_by_a_later_round(folder: Path) -> None:
    table = read_pool(folder / "pool.parquet")
    scenario = next(
        item for item in load_spec(folder / "sweep.yaml").scenarios() if item.name == "law/general/150/4x21d"
    )
    held = loop_rounds(table, scenario)
    invited = [[invitation.candidate_id for invitation in result.invitations] for result in held]
    assert [len(ids) for ids in invited] == [150] * 4
    everyone = [name for ids in invited for name in ids]
    assert len(set(everyone)) == len(everyone)
    # The late entrant, the best-scored profile of the pool on the first day, is not in the
    # first round (it was not yet submitted) and is invited by the second.
    late = str(
        pc.filter(
            table.column("id"), pc.equal(table.column("submitted_at"), pa.scalar(LATE_ENTRY))
        ).to_pylist()[0]
    )
    assert late not in invited[0]
    assert late in invited[1]
    # Those of the first round held their ITAs at the second round, and let them lapse (60 days)
    # by the fourth, 63 days after the first: they are out of the pool then.
    assert held[1].spec.at.date() - held[0].spec.at.date() == datetime.timedelta(days=EVERY_DAYS)
    assert held[3].invitations[0].candidate_id not in invited[0]


# ---------------------------------------------------------------------------------------------
# The spec

GOOD = """\
day: 2027-03-01
rounds: [{kind: general}, {kind: category, category: french}]
sizes: [100]
schedule: {rounds: 6, every_days: 14}
"""
MISTAKES = [
    (
        "{rounds: 6, every_days: 14}",
        "{rounds: 0, every_days: 14}",
        f"schedule.rounds: 0 is not a number of rounds (1 to {MAX_SCHEDULED_ROUNDS})",
    ),
    (
        "{rounds: 6, every_days: 14}",
        "{rounds: 53, every_days: 14}",
        "schedule.rounds: 53 is not a number of rounds (1 to 52)",
    ),
    (
        "{rounds: 6, every_days: 14}",
        "{rounds: six, every_days: 14}",
        "schedule.rounds: 'six' is not a number of rounds (1 to 52)",
    ),
    (
        "{rounds: 6, every_days: 14}",
        "{rounds: 6, every_days: 0}",
        "schedule.every_days: 0 is not a number of days (1 or more)",
    ),
    (
        "{rounds: 6, every_days: 14}",
        "{rounds: 6}",
        "schedule.every_days: missing (the days between two rounds)",
    ),
    ("{rounds: 6, every_days: 14}", "{every_days: 14}", "schedule.rounds: missing"),
    (
        "{rounds: 6, every_days: 14}",
        "{rounds: 6, every_weeks: 2}",
        "schedule: unknown key 'every_weeks'; a schedule has rounds, every_days",
    ),
    (
        "{rounds: 6, every_days: 14}",
        "[{rounds: 2, every_days: 7}, {rounds: 2, every_days: 7}]",
        "schedule[1]: 2 rounds every 7 days is listed twice",
    ),
    (
        "{rounds: 6, every_days: 14}",
        "[{rounds: 2, every_days: 7}, 3]",
        "schedule[1]: must be a mapping like {rounds: 6, every_days: 14}",
    ),
    (
        "{rounds: 6, every_days: 14}",
        "[]",
        "schedule: must be a schedule like {rounds: 6, every_days: 14}, or a list of them",
    ),
    (
        "sizes: [100]",
        "sizes: [100]\nevery: 14",
        "unknown key 'every'; a sweep has day, overlays, rounds, sizes, schedule",
    ),
]


@pytest.mark.parametrize(("old", "new", "message"), MISTAKES)
def test_a_schedule_mistake_is_one_line_naming_the_file_and_key(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    (tmp_path / "s.yaml").write_text(GOOD.replace(old, new), encoding="utf-8")
    with pytest.raises(SweepSpecError) as raised:
        load_spec(tmp_path / "s.yaml")
    assert str(raised.value) == f"{tmp_path / 's.yaml'}: {message}"


def test_a_good_schedule_gives_one_more_axis(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(GOOD, encoding="utf-8")
    scenarios = load_spec(tmp_path / "s.yaml").scenarios()
    assert [scenario.name for scenario in scenarios] == [
        "law/general/100/6x14d",
        "law/category:french/100/6x14d",
    ]
    assert scenarios[0].round_days()[-1] == datetime.date(2027, 5, 10)


# ---------------------------------------------------------------------------------------------
# The command


def test_the_command_writes_the_schedule_columns_and_a_chart(
    dask_scheduler_address: str, folder: Path
) -> None:
    environment = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        ["openentry", "sweep", "sweep.yaml", "--pool", "pool.parquet", "--out", "s.parquet", "--plot",
         "s.png", "--scheduler", dask_scheduler_address],
        cwd=folder, env=environment, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    table = parquet.read_table(folder / "s.parquet")
    names = table.column_names
    assert names[names.index("day") : names.index("day") + 4] == [
        "day",
        "schedule",
        "rounds_held",
        "last_day",
    ]
    assert names[names.index("cutoff") : names.index("cutoff") + 3] == ["cutoff", "cutoffs", "mean_crs"]
    assert table.schema.field("cutoffs").type == pa.list_(pa.int16())
    assert table.column("rounds_held").to_pylist() == [1, 4] * 8
    assert table.column("last_day").to_pylist()[:2] == [FIRST_DAY, datetime.date(2027, 5, 3)]
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert list(lines[1]) == ["scenario", "cutoff", "cutoffs", "invited", "mean_crs"]
    assert [line["cutoffs"] for line in lines] == table.column("cutoffs").to_pylist()
    assert (folder / "s.png").read_bytes().startswith(b"\x89PNG")
    assert "a scheduled scenario scores it once a round" in done.stderr.splitlines()[0]
