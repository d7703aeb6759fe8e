"""Work spread over a Dask cluster: a partitioned dataset scored file by file, and sweeps of
scenarios. The tasks are the project's own pure functions, run by Dask's distributed scheduler
(futures); a local cluster of worker processes on 127.0.0.1 by default."""
