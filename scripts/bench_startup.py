"""Start-up of the command line: whole processes, side by side in one run. Prints the median
wall time of each (runs interleaved, so a busy machine slows them all alike); asserts nothing.

    .venv/bin/python scripts/bench_startup.py [--runs 15] [--baseline OLD_CHECKOUT]

- ``openentry score PROFILE.json`` on one profile;
- ``openentry --version`` and ``openentry --help``;
- ``python -c "import numpy, pyarrow, yaml, pydantic"``: the libraries ``score`` cannot do
  without, the floor to compare with (the aim: ``score`` at most twice this);
- with ``--baseline``, ``score`` of the same profile by the source tree at OLD_CHECKOUT
  (``PYTHONPATH=OLD_CHECKOUT/src python -m openentry.cli.main score ...``), for before/after.

Find what a command imports with ``python -X importtime -m openentry score PROFILE.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The first worked example of the tests: one profile.
EXAMPLES = Path(__file__).resolve().parents[1] / "tests" / "data" / "crs-examples.jsonl"


def _openentry() -> list[str]:
    """The installed ``openentry`` script beside this Python, else ``python -m openentry``."""
    script = Path(sys.executable).with_name("openentry")
    return [str(script)] if script.exists() else [sys.executable, "-m", "openentry"]


def _seconds(command: list[str], environment: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=environment)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=15, help="runs of each command (the median is shown)")
    parser.add_argument("--baseline", type=Path, help="an older checkout whose score to time alongside")
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        profile = Path(folder) / "profile.json"
        first = json.loads(EXAMPLES.read_text(encoding="utf-8").splitlines()[0])
        profile.write_text(json.dumps(first["profile"]), encoding="utf-8")
        environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
        commands: dict[str, tuple[list[str], dict[str, str]]] = {
            "openentry score PROFILE.json": ([*_openentry(), "score", str(profile)], environment),
            "openentry --version": ([*_openentry(), "--version"], environment),
            "openentry --help": ([*_openentry(), "--help"], environment),
            "python -c 'import numpy, pyarrow, yaml, pydantic'": (
                [sys.executable, "-c", "import numpy, pyarrow, yaml, pydantic"],
                environment,
            ),
        }
        if arguments.baseline is not None:
            old = {**environment, "PYTHONPATH": str(arguments.baseline.resolve() / "src")}
            commands[f"baseline score PROFILE.json ({arguments.baseline})"] = (
                [sys.executable, "-m", "openentry.cli.main", "score", str(profile)],
                old,
            )
        for command, command_environment in commands.values():  # warm the file cache and .pyc files
            _seconds(command, command_environment)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(arguments.runs):
            for name, (command, command_environment) in commands.items():
                times[name].append(_seconds(command, command_environment))

    floor = statistics.median(times["python -c 'import numpy, pyarrow, yaml, pydantic'"])
    width = max(len(name) for name in times)
    print(f"median of {arguments.runs} runs each, interleaved ({os.cpu_count()} cores)")
    for name, seconds in times.items():
        median = statistics.median(seconds)
        print(f"{name:<{width}}  {median:6.3f} s  {median / floor:4.1f}x the imports")


if __name__ == "__main__":
    main()
