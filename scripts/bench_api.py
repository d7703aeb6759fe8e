"""Latency of the service under load: ``POST /v1/score`` with one profile and ``GET /health`` at
200 and 500 requests per second, p50 and p99 of each. Prints figures; asserts nothing.

    .venv/bin/python scripts/bench_api.py [--seconds 15] [--workers 1 2] [--rates 200 500] [--redis URL]

The load is ``wrk`` (the Debian package) at a steady rate: each connection waits between its
requests (wrk's ``delay()``), the wait calibrated on short runs until the rate reached is the
one asked for. The service is ``openentry serve`` (no access log) on an SQLite file, with its
rate limit on but set out of reach, so that counting requests is part of what is measured
(``--redis URL``: counted in Redis, as several processes would). The baseline, measured in the
same run: the scoring service alone (``score_profiles`` of the same profile, in this process),
which every score request pays, and ``GET /health``, which is the HTTP stack alone.

Aim (issue 13): p99 under 10 ms at 500 requests/s on the score route, on this 2-core machine.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "tests" / "data" / "crs-examples.jsonl"
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _profile() -> dict[str, object]:
    first = json.loads(EXAMPLES.read_text(encoding="utf-8").splitlines()[0])
    profile: dict[str, object] = first["profile"]
    return profile


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _openentry() -> list[str]:
    script = Path(sys.executable).with_name("openentry")
    return [str(script)] if script.exists() else [sys.executable, "-m", "openentry"]


def _start(port: int, workers: int, database: str, redis_url: str | None) -> subprocess.Popen[bytes]:
    environment = {**os.environ, "OPENENTRY_RATE_LIMIT": str(10**9)}
    if redis_url:
        environment["OPENENTRY_REDIS_URL"] = redis_url
    command = [*_openentry(), "serve", "--port", str(port), "--workers", str(workers), "--no-access-log"]
    server = subprocess.Popen(
        [*command, "--db", database], env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the service did not start")


def _milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text.strip()).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def _wrk(url: str, script: Path, connections: int, seconds: float) -> dict[str, float]:
    done = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--latency",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    output = done.stdout
    found: dict[str, float] = {
        "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        "p50": _milliseconds(re.search(r"\s50%\s+(\S+)", output).group(1)),  # type: ignore[union-attr]
        "p99": _milliseconds(re.search(r"\s99%\s+(\S+)", output).group(1)),  # type: ignore[union-attr]
    }
    failed = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    found["failed"] = float(failed.group(1)) if failed else 0.0
    errors = re.search(r"Socket errors: (.*)", output)
    found["socket_errors"] = (
        float(sum(int(n) for n in re.findall(r"\d+", errors.group(1)))) if errors else 0.0
    )
    return found


def _script(folder: Path, method: str, body: str | None, delay_ms: float) -> Path:
    path = folder / "load.lua"
    lines = [f'wrk.method = "{method}"']
    if body is not None:
        lines += [f"wrk.body = {json.dumps(body)}", 'wrk.headers["Content-Type"] = "application/json"']
    lines.append(f"function delay() return {max(0, round(delay_ms))} end")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _at_rate(
    url: str, folder: Path, method: str, body: str | None, rate: float, seconds: float
) -> dict[str, float]:
    """wrk at ``rate`` requests/s: connections each waiting ``delay`` ms between requests, the delay
    corrected on two short runs by the rate they reached."""
    # Enough connections that each needs at most 20 requests/s: a slow answer does not cap the rate.
    connections = max(2, round(rate / 20))
    delay = connections * 1000 / rate
    for _ in range(2):
        reached = _wrk(url, _script(folder, method, body, delay), connections, 3)["rate"]
        delay = max(0.0, delay + connections * 1000 * (1 / rate - 1 / max(reached, 1.0)))
    return _wrk(url, _script(folder, method, body, delay), connections, seconds)


def _baseline(calls: int) -> tuple[float, float]:
    """p50 and p99 in ms of the scoring service on the profile, in this process."""
    from openentry.services.scoring import RawProfile, score_profiles

    profile, day = _profile(), datetime.date.today()
    score_profiles([RawProfile(profile)], day)
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        score_profiles([RawProfile(profile)], day)
        times.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(times, n=100)
    return cuts[49], cuts[98]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=15, help="length of each measured run")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker processes to try")
    parser.add_argument("--rates", type=float, nargs="+", default=[200, 500], help="requests per second")
    parser.add_argument("--redis", help="count the rate limit in Redis at this URL")
    arguments = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench_api: wrk is not installed (apt-get install wrk)")

    p50, p99 = _baseline(300)
    print(f"baseline: score_profiles of one profile in-process: p50 {p50:.2f} ms, p99 {p99:.2f} ms")
    body = json.dumps(_profile())
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for workers in arguments.workers:
            port = _free_port()
            server = _start(port, workers, f"sqlite:///{folder / 'bench.sqlite'}", arguments.redis)
            try:
                for label, method, path, payload in (
                    ("GET /health", "GET", "/health", None),
                    ("POST /v1/score", "POST", "/v1/score", body),
                ):
                    for rate in arguments.rates:
                        found = _at_rate(
                            f"http://127.0.0.1:{port}{path}", folder, method, payload, rate, arguments.seconds
                        )
                        print(
                            f"workers {workers}  {label:<15} asked {rate:>4.0f}/s "
                            f"reached {found['rate']:6.1f}/s  "
                            f"p50 {found['p50']:6.2f} ms  p99 {found['p99']:6.2f} ms  "
                            f"non-2xx {found['failed']:.0f}  socket errors {found['socket_errors']:.0f}",
                            flush=True,
                        )
            finally:
                server.terminate()
                server.wait(timeout=30)


if __name__ == "__main__":
    main()
