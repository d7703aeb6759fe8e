"""Two rounds at the same moment, and a round killed midway (crs-and-programs.md §4; issue 4)."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

from sqlalchemy import Engine, func, select
from tests.pool.conftest import profile, write_jsonl

from openentry.db import make_engine, session_scope
from openentry.db.models import InvitationRow, RoundRow, RoundSequenceRow
from openentry.domain import Round, RoundSpec
from openentry.services.pool import load_pool_file
from openentry.services.rounds import run_round

AT = datetime.datetime(2024, 6, 1, 14, 0, tzinfo=datetime.UTC)


def _pool(engine: Engine, tmp_path: Path, size: int) -> None:
    ages = (29, 31, 33, 35, 40)
    profiles = [
        profile(f"c{index:04d}", f"2024-01-{1 + index % 28:02d}T{index % 24:02d}:00:00Z", age=ages[index % 5])
        for index in range(size)
    ]
    load_pool_file(engine, write_jsonl(tmp_path / "pool.jsonl", profiles))


def test_two_simultaneous_rounds_never_invite_twice_nor_exceed_sizes(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    _pool(engine, tmp_path, 300)
    barrier = threading.Barrier(2)
    results: list[Round] = []
    errors: list[BaseException] = []

    def one_round(size: int) -> None:
        own_engine = make_engine(database_url)  # a connection of its own, as another process would have
        try:
            barrier.wait()
            results.append(run_round(own_engine, RoundSpec.create(at=AT, size=size)))
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            own_engine.dispose()

    threads = [threading.Thread(target=one_round, args=(size,)) for size in (100, 120)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted((result.number, result.invited) for result in results) in (
        [(1, 100), (2, 120)],
        [(1, 120), (2, 100)],
    )
    with session_scope(engine) as session:
        per_round = dict(
            session.execute(
                select(InvitationRow.round_id, func.count()).group_by(InvitationRow.round_id)
            ).all()
        )
        invited = session.execute(select(InvitationRow.candidate_id)).scalars().all()
    assert per_round == {result.number: result.invited for result in results}
    assert len(invited) == len(set(invited)) == 220
    # The second round continues down the same ranking the first one started.
    first, second = sorted(results, key=lambda result: result.number)
    assert first.cutoff is not None and second.invitations[0].crs <= first.cutoff


KILLED_ROUND = textwrap.dedent(
    """
    import datetime, sys, time
    import openentry.db.pool_repository as repository
    import openentry.services.rounds as rounds
    from openentry.db import open_database
    from openentry.domain import RoundSpec

    def stalled_insert(table):
        print("round row written, invitations next", flush=True)
        time.sleep(600)

    repository.insert = stalled_insert
    engine = open_database(sys.argv[1])
    at = datetime.datetime(2024, 6, 1, 14, 0, tzinfo=datetime.UTC)
    rounds.run_round(engine, RoundSpec.create(at=at, size=10))
    """
)


def test_a_round_killed_midway_leaves_no_trace(engine: Engine, database_url: str, tmp_path: Path) -> None:
    _pool(engine, tmp_path, 50)
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_ROUND, database_url],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert child.stdout is not None
    assert child.stdout.readline() == "round row written, invitations next\n"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    engine.dispose()
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(RoundRow)) == 0
        assert session.scalar(select(func.count()).select_from(InvitationRow)) == 0
        assert session.scalar(select(RoundSequenceRow.last_number)) == 0
    after = run_round(engine, RoundSpec.create(at=AT, size=10))
    assert (after.number, after.invited) == (1, 10)
