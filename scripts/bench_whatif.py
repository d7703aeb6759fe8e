"""Speed of ``openentry whatif`` and ``openentry timeline`` in-process (issue 11). Prints figures
(the best of several runs and the median, since the machine's other work makes runs vary);
asserts nothing.

    .venv/bin/python scripts/bench_whatif.py [--size 10000] [--seed 1]

Targets on a 2-core machine: one profile's what-if and its 24-month timeline each under 20 ms;
10,000 profiles' what-if in a few seconds. Each figure comes with a baseline measured in the
same run: one pass of the engine (checks, eligibility and CRS, ``assess_rows``) over the same
rows, the floor any answer built on the engine pays; and ``openentry score``'s service over the
profiles alone.
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import time
import timeit
from collections.abc import Callable

from openentry import rules
from openentry.forecast.synthetic import generate_pool
from openentry.profiles.columnar import profiles_from_table, table_from_profiles
from openentry.profiles.schema import Profile, parse_profile
from openentry.services.scoring import RawProfile, score_profiles
from openentry.services.timeline import timeline
from openentry.services.whatif import assess_rows, variant_families, variant_table, whatif

DAY = datetime.date(2026, 11, 21)


def _timings(runs: int, action: Callable[[], object]) -> list[float]:
    return timeit.repeat(action, number=1, repeat=runs)


def _show(what: str, timings: list[float], unit: str = "ms") -> None:
    scale = 1000.0 if unit == "ms" else 1.0
    best, median = min(timings) * scale, statistics.median(timings) * scale
    print(f"{what}: best {best:.1f} {unit}, median {median:.1f} {unit}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    rules.at(DAY)
    started = time.perf_counter()
    pool = generate_pool(arguments.size, arguments.seed, DAY)
    raw = list(profiles_from_table(pool))
    profiles: list[Profile] = [parse_profile(profile) for profile in raw]
    print(f"{len(profiles):,} synthetic profiles on {DAY} in {time.perf_counter() - started:.1f} s")

    # One profile: the first synthetic one with a work history (every day of its timeline is looked at).
    one = next(profile for profile in profiles if profile.work_history)
    single = [one]
    runs = 30
    base = table_from_profiles(single)
    families = variant_families(rules.at(DAY), single, base)
    rows = variant_table(base, families)
    whatif(single, DAY)
    _show(
        f"one profile's whatif ({rows.num_rows} rows: the profile and its variants)",
        _timings(runs, lambda: whatif(single, DAY)),
    )
    _show(
        "  baseline: one pass of the engine over those rows (assess_rows)",
        _timings(runs, lambda: assess_rows(rows, DAY)),
    )
    _show(
        "  baseline: openentry score's service on the profile alone",
        _timings(runs, lambda: score_profiles([RawProfile(raw[profiles.index(one)])], DAY)),
    )
    timeline(single, DAY, 24)
    _show(
        "one profile's 24-month timeline (with a work history: every day)",
        _timings(runs, lambda: timeline(single, DAY, 24)),
    )
    plain = (
        next(profile for profile in profiles if not profile.work_history)
        if any(not profile.work_history for profile in profiles)
        else one.model_copy(update={"work_history": []})
    )
    timeline([plain], DAY, 24)
    _show(
        "one profile's 24-month timeline (no work history: its candidate days)",
        _timings(runs, lambda: timeline([plain], DAY, 24)),
    )

    batch_timings = _timings(3, lambda: whatif(profiles, DAY))
    _show(f"{len(profiles):,} profiles' whatif", batch_timings, unit="s")
    batch_base = table_from_profiles(profiles)
    batch_rows = variant_table(batch_base, variant_families(rules.at(DAY), profiles, batch_base))
    _show(
        f"  baseline: one pass of the engine over those {batch_rows.num_rows:,} rows",
        _timings(3, lambda: assess_rows(batch_rows, DAY)),
        unit="s",
    )
    _show(
        f"  baseline: openentry score's service on the {len(profiles):,} profiles alone",
        _timings(3, lambda: score_profiles([RawProfile(profile) for profile in raw], DAY)),
        unit="s",
    )


if __name__ == "__main__":
    main()
