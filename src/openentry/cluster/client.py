"""A Dask client: to a scheduler at an address, or to a local cluster started for one command.

The local cluster runs worker processes (one thread each: the tasks are numpy and Arrow loops
that already use the cores they are given, and one thread a worker keeps a worker's memory
bounded by the task it runs) listening on 127.0.0.1 only, with no dashboard.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from distributed import Client

# Dask's nanny starts worker processes with MALLOC_TRIM_THRESHOLD_=65536, which also turns off
# glibc's adaptive mmap threshold: every large array a scoring allocates is then a fresh mmap
# and its pages faulted in again, and scoring a million profiles on a worker took 3-4 times as
# long as in a plain process (4.1 s against 1.2 s, scripts/bench_sweep.py). A local cluster
# starts its workers with glibc's defaults; a remote cluster's workers keep the environment
# they were started with.
LOCAL_WORKER_CONFIG: dict[str, object] = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}

# How long to wait for a scheduler given by address before saying it cannot be reached.
CONNECT_TIMEOUT_SECONDS = 10


class ClusterError(Exception):
    """The cluster cannot be started or reached, or Dask is not installed: one line for the user."""


def default_workers() -> int:
    """One worker process a core (at least one)."""
    return max(1, os.cpu_count() or 1)


def _require_distributed() -> None:
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise ClusterError(
            "this command needs Dask's distributed scheduler, not installed: pip install 'openentry[cluster]'"
        ) from None


@contextlib.contextmanager
def cluster_client(workers: int | None = None, scheduler: str | None = None) -> Iterator[Client]:
    """A client to the scheduler at ``scheduler`` (``tcp://HOST:PORT``), or to a local cluster of
    ``workers`` worker processes (one a core when None) closed when the block ends."""
    if workers is not None and scheduler is not None:
        raise ClusterError("give --workers N (a local cluster) or --scheduler ADDRESS, not both")
    if workers is not None and workers < 1:
        raise ClusterError(f"--workers {workers}: give 1 or more")
    _require_distributed()
    import dask
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT_SECONDS)  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError, ValueError) as error:
            raise ClusterError(
                f"--scheduler {scheduler}: cannot reach a Dask scheduler there ({error})"
            ) from None
        with client:
            yield client
        return
    with (
        dask.config.set(LOCAL_WORKER_CONFIG),
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=default_workers() if workers is None else workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            # The scheduler serves HTTP (health, metrics) even without a dashboard, on 8787 unless
            # told otherwise, with a warning when another cluster holds that port: any free port.
            dashboard_address="127.0.0.1:0",
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        yield client
