"""Synthetic pools (interfaces.md §5): profiles that could be in the pool, following the latest
published distribution, the same for the same size and seed; clear refusals before 2022."""

from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from openentry.forecast.synthetic import (
    NoPublishedDistributionError,
    generate_pool,
    latest_distribution,
)
from openentry.history.bands import FINE_BANDS, fine_band_index
from openentry.services.eligibility import eligible_mask
from openentry.services.scoring import score_table

ON = datetime.date(2026, 1, 5)
SIZE = 3000


@pytest.fixture(scope="module")
def pool() -> pa.Table:
    return generate_pool(SIZE, 11, ON)


def test_every_synthetic_profile_meets_a_program_on_the_day(pool: pa.Table) -> None:
    """crs-and-programs.md §4.1: a profile that fails FSW, CEC and FST is not in the pool."""
    in_pool = eligible_mask(pool, ON)
    assert in_pool.shape == (SIZE,)
    assert int(in_pool.sum()) == 3000
    by_program = {program: int(eligible_mask(pool, ON, program=program).sum())
                  for program in ("fsw", "cec", "fst")}
    # Every program is represented; together they cover the pool.
    assert all(count > 0 for count in by_program.values()), by_program


def test_scores_follow_the_published_distribution_band_by_band(pool: pa.Table) -> None:
    """Each fine band holds floor(share x size), the remainder going to the largest bands."""
    distribution = latest_distribution(ON)
    assert (distribution.draw_number, distribution.date) == ("389", datetime.date(2026, 1, 5))
    published = np.array([distribution.counts[band.name] for band in FINE_BANDS], dtype=np.float64)
    expected = np.floor(published / published.sum() * SIZE).astype(np.int64)
    expected[np.argsort(-published, kind="stable")[: SIZE - int(expected.sum())]] += 1
    scored = score_table(pool, ON)
    assert scored.errors == {}
    counts = np.bincount(fine_band_index(scored.scores.total), minlength=len(FINE_BANDS))
    assert counts.tolist() == expected.tolist()


def test_same_size_and_seed_give_the_same_pool(pool: pa.Table) -> None:
    assert generate_pool(SIZE, 11, ON).equals(pool)


def test_no_distribution_before_the_first_published_one() -> None:
    with pytest.raises(NoPublishedDistributionError) as raised:
        latest_distribution(datetime.date(2022, 1, 18))
    assert (raised.value.first_round, raised.value.first_date) == ("214", datetime.date(2022, 1, 19))
    assert latest_distribution(datetime.date(2022, 1, 19)).draw_number == "214"


def test_synth_before_any_published_distribution_is_one_line_exit_2(tmp_path: Path) -> None:
    ran = subprocess.run(
        [sys.executable, "-m", "openentry.cli.main", "synth", "--size", "10", "--on", "2016-01-01",
         "--out", str(tmp_path / "pool.jsonl")],
        capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False,
    )
    assert (ran.returncode, ran.stdout, ran.stderr) == (
        2,
        "",
        "openentry: --on: no published pool distribution on or before 2016-01-01; the first was "
        "published with round #214 on 2022-01-19; give --on 2022-01-19 or later\n",
    )
    assert not (tmp_path / "pool.jsonl").exists()
