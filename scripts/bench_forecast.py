"""Speed and accuracy of the forecast: prints figures, asserts nothing.

    .venv/bin/python scripts/bench_forecast.py [--runs 7] [--as-of 2026-08-20]

- ``openentry chances`` for one profile, end to end (a new process each time, history in a SQLite
  file made first), next to two commands timed in the same run, interleaved so that a busy
  machine slows all alike: ``openentry score`` of the same profile (the scorer's own start-up) and
  ``openentry history show N --json`` (opening the history database);
- the whole ``openentry forecast backtest`` (2023-01-01 to the last round) end to end, with the
  size forecast (and the Brier calibration of the chances) and with ``--given-size``;
- the backtest's mean absolute error by kind next to the last-cut-off baseline, and the Brier
  scores of the chances next to the past year's frequency.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROFILE = {
    "id": "bench",
    "age": 29,
    "marital_status": "never_married",
    "education": "masters",
    "first_language": {"test": "clb", "reading": 10, "writing": 10, "listening": 10, "speaking": 10},
    "canadian_work_years": 2,
    "foreign_work_years": 3,
}


def _openentry() -> list[str]:
    script = Path(sys.executable).with_name("openentry")
    return [str(script)] if script.exists() else [sys.executable, "-m", "openentry"]


def _seconds(command: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return time.perf_counter() - started, done.stdout


def _in_process(profile: Path, as_of: str) -> str:
    """The chances use case timed inside one process: the first call (rules loaded) and the next."""
    import datetime

    from openentry.forecast.chances import chances
    from openentry.history.feed import bundled_rounds
    from openentry.services.scoring import RawProfile

    rounds = bundled_rounds()
    raw = [RawProfile(json.loads(profile.read_text(encoding="utf-8")))]
    day = datetime.date.fromisoformat(as_of)
    figures = []
    for _ in range(3):
        started = time.perf_counter()
        chances(raw, rounds, day)
        figures.append(time.perf_counter() - started)
    return f"first {figures[0]:.2f} s, then {min(figures[1:]):.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7, help="runs of each one-profile command (median shown)")
    parser.add_argument("--as-of", default="2026-08-20", help="the chances' day")
    arguments = parser.parse_args()
    openentry = _openentry()
    with tempfile.TemporaryDirectory() as folder:
        database = f"sqlite:///{Path(folder) / 'history.sqlite'}"
        profile = Path(folder) / "profile.json"
        profile.write_text(json.dumps(PROFILE), encoding="utf-8")
        subprocess.run(
            [*openentry, "history", "show", "1", "--json", "--db", database], check=True, capture_output=True
        )
        commands = {
            "chances (one profile)": [
                *openentry,
                "chances",
                str(profile),
                "--as-of",
                arguments.as_of,
                "--db",
                database,
            ],
            "score (same profile)": [*openentry, "score", str(profile), "--on", arguments.as_of],
            "history show 400 --json": [*openentry, "history", "show", "400", "--json", "--db", database],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(arguments.runs):
            for name, command in commands.items():
                times[name].append(_seconds(command)[0])
        print(f"End to end, median of {arguments.runs} runs (best):")
        for name, values in times.items():
            print(f"  {name:28s} {statistics.median(values):6.2f} s  ({min(values):.2f} s)")
        figures = _in_process(profile, arguments.as_of)
        print(f"In this process, chances for the profile (fit, simulation, score, eligibility): {figures}")
        results = {}
        for label, extra in (("size forecast, with calibration", []), ("--given-size", ["--given-size"])):
            seconds, output = _seconds(
                [*openentry, "forecast", "backtest", "--json", *extra, "--db", database]
            )
            results[label] = json.loads(output)
            print(f"  forecast backtest ({label}): {seconds:6.2f} s")
    print()
    for label, result in results.items():
        mae, baseline = result["mae"], result["baseline_mae"]
        print(
            f"Backtest {result['from']} to {result['to']}, {label}: "
            "mean absolute error (model / last cut-off)"
        )
        for key, value in mae.items():
            print(f"  {key:18s} {result['counts'][key]:4d} rounds  {value:7.2f}  {baseline[key]:7.2f}")
        if result.get("interval_coverage") is not None:
            print(f"  80 % interval held the cut-off in {result['interval_coverage']:.1%} of rounds")
        calibration = result.get("calibration")
        if calibration:
            for horizon, value in calibration["brier"].items():
                print(
                    f"  Brier, invited within {horizon} days: simulation {value:.4f}, past year's frequency "
                    f"{calibration['baseline_brier'][horizon]:.4f} ({calibration['events'][horizon]} events, "
                    f"{calibration['origins']} monthly origins)"
                )


if __name__ == "__main__":
    main()
