"""A real Dask cluster for the cluster tests: a scheduler and two worker processes on 127.0.0.1,
started once for the session (about two seconds) and closed at its end."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from distributed import Client, LocalCluster


@pytest.fixture(scope="session")
def dask_cluster() -> Iterator[LocalCluster]:
    """A scheduler and two single-threaded worker processes, listening on 127.0.0.1 only."""
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as cluster:
        yield cluster


@pytest.fixture(scope="session")
def dask_scheduler_address(dask_cluster: LocalCluster) -> str:
    """The scheduler's address (``tcp://127.0.0.1:PORT``), as ``--scheduler`` takes it."""
    return str(dask_cluster.scheduler_address)


@pytest.fixture
def dask_client(dask_cluster: LocalCluster) -> Iterator[Client]:
    """A client of the session's cluster, closed after the test."""
    with Client(dask_cluster) as client:
        yield client
