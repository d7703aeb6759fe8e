"""Two officers recording rounds at the same moment, each through a ``openentry serve`` process of
its own on one database (issue 13 §5): the rounds are serialised, no candidate is invited twice,
no round goes over its size, and the processes behave as one service."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import func, select

from openentry.api.accounts import add_user
from openentry.db import open_database, session_scope
from openentry.db.models import InvitationRow
from tests.api.conftest import SETUP, free_port
from tests.pool.test_concurrency import _pool as pool_of

AT = "2024-06-01T14:00:00Z"


@contextmanager
def serve(database_url: str, tmp_path: Path) -> Iterator[str]:
    """``openentry serve`` in a process of its own; its address."""
    port = free_port()
    environment = {key: value for key, value in os.environ.items() if not key.startswith("OPENENTRY_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "openentry.cli.main", "serve", "--port", str(port), "--db", database_url],
        cwd=tmp_path,
        env={**environment, "OPENENTRY_RATE_LIMIT": "0"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
            assert time.monotonic() < deadline, "openentry serve did not start"
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_two_officers_at_the_same_moment_through_two_processes(database_url: str, tmp_path: Path) -> None:
    engine = open_database(database_url)
    pool_of(engine, tmp_path, 300)  # the pool of tests/pool/test_concurrency.py
    tokens = {name: add_user(engine, name, "officer", SETUP).token for name in ("otto", "olga")}
    with serve(database_url, tmp_path) as first, serve(database_url, tmp_path) as second:
        barrier = threading.Barrier(2)
        answers: dict[str, httpx.Response] = {}

        def record(name: str, url: str, size: int) -> None:
            with httpx.Client(
                base_url=url, headers={"Authorization": f"Bearer {tokens[name]}"}, timeout=120
            ) as client:
                client.get("/health")  # connected before the barrier: both requests leave together
                barrier.wait()
                answers[name] = client.post("/v1/rounds", json={"at": AT, "size": size})

        threads = [
            threading.Thread(target=record, args=("otto", first, 100)),
            threading.Thread(target=record, args=("olga", second, 120)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=180)
        assert {name: answer.status_code for name, answer in answers.items()} == {"otto": 200, "olga": 200}
        rounds = {
            name: (answer.json()["round"], answer.json()["invited"]) for name, answer in answers.items()
        }
        assert sorted(rounds.values()) in ([(1, 100), (2, 120)], [(1, 120), (2, 100)])
        with session_scope(engine) as session:
            per_round = dict(
                session.execute(
                    select(InvitationRow.round_id, func.count()).group_by(InvitationRow.round_id)
                ).all()
            )
            invited = session.execute(select(InvitationRow.candidate_id)).scalars().all()
        assert per_round == dict(rounds.values())
        assert len(invited) == len(set(invited)) == 220

        # One service: the audit trail read through either process, a revocation seen by both.
        admin = add_user(engine, "root", "admin", SETUP).token
        trail = httpx.get(
            f"{second}/v1/audit",
            params={"action": "round.recorded"},
            headers={"Authorization": f"Bearer {admin}"},
        ).json()
        assert sorted((entry["actor"], entry["object"]) for entry in trail) == sorted(
            (name, f"round:{number}") for name, (number, _) in rounds.items()
        )
        revoked = httpx.post(f"{first}/v1/users/olga/revoke", headers={"Authorization": f"Bearer {admin}"})
        assert revoked.status_code == 200
        refused = httpx.get(
            f"{second}/v1/pool/summary", headers={"Authorization": f"Bearer {tokens['olga']}"}
        )
        assert refused.status_code == 401
