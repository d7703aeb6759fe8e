"""The service over real HTTP: uvicorn started by the test on 127.0.0.1 (a free port) over a fresh
database of each backend (SQLite; PostgreSQL when OPENENTRY_TEST_POSTGRES_URL is set), with one
account of each role."""

from __future__ import annotations

import datetime
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine

from openentry.api.accounts import add_user
from openentry.api.app import create_app
from openentry.api.audit import Actor
from openentry.api.settings import ServiceSettings
from openentry.db import open_database
from tests.pool.conftest import profile

# Who made the accounts the tests use (their audit entries carry this name).
SETUP = Actor(name="test-setup", role="command-line")
ROLES = ("candidate", "analyst", "officer", "admin")
# One account per role; the candidate's profile id is "alice"; "bob" is another candidate.
ACCOUNTS = {"alice": "candidate", "bob": "candidate", "ana": "analyst", "otto": "officer", "root": "admin"}
ROLE_ACCOUNT = {"candidate": "alice", "analyst": "ana", "officer": "otto", "admin": "root"}


def free_socket() -> socket.socket:
    """A listening socket on 127.0.0.1 at a port the system picked (no race for the port)."""
    listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listening.bind(("127.0.0.1", 0))
    listening.listen(128)
    return listening


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def now_text(offset_seconds: float = 0.0) -> str:
    moment = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=offset_seconds)
    return moment.isoformat().replace("+00:00", "Z")


@dataclass
class Service:
    """A running service: its address, database and the tokens of its accounts."""

    url: str
    engine: Engine
    tokens: dict[str, str] = field(default_factory=dict)
    clients: dict[str, httpx.Client] = field(default_factory=dict)

    def client(self, account: str | None = None) -> httpx.Client:
        """A client sending ``account``'s token (none: public); one per account, kept open."""
        key = account or ""
        if key not in self.clients:
            headers = {"Authorization": f"Bearer {self.tokens[account]}"} if account else {}
            self.clients[key] = httpx.Client(base_url=self.url, headers=headers, timeout=120)
        return self.clients[key]

    def call(self, account: str | None, method: str, path: str, **options: Any) -> httpx.Response:
        """One request as ``account`` (None: public)."""
        return self.client(account).request(method, path, **options)

    def add_account(self, name: str, role: str) -> str:
        made = add_user(self.engine, name, role, SETUP)
        self.tokens[name] = made.token
        return made.token


@contextmanager
def running_service(database_url: str, accounts: bool = True, **settings: Any) -> Iterator[Service]:
    """uvicorn serving the app on a free port of 127.0.0.1 in a thread of the test process."""
    engine = open_database(database_url)
    options: dict[str, Any] = {"database_url": database_url, "rate_limit": 0, "redis_url": None, **settings}
    app = create_app(ServiceSettings(**options))
    listening = free_socket()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the service did not start")
        time.sleep(0.01)
    port = listening.getsockname()[1]
    service = Service(url=f"http://127.0.0.1:{port}", engine=engine)
    if accounts:
        for name, role in ACCOUNTS.items():
            service.add_account(name, role)
    try:
        yield service
    finally:
        for client in service.clients.values():
            client.close()
        server.should_exit = True
        thread.join(timeout=30)
        listening.close()
        engine.dispose()


@pytest.fixture
def service(database_url: str) -> Iterator[Service]:
    with running_service(database_url) as running:
        yield running


def candidate_profile(age: int = 29, **extra: object) -> dict[str, object]:
    """The pool tests' profile of a known CRS (tests/pool/conftest.py: CRS_BY_AGE) without id or
    submitted_at: a candidate's account gives the one, the service the other."""
    data = profile("unused", "2024-01-01T00:00:00Z", age=age, **extra)
    del data["id"], data["submitted_at"]
    return data
