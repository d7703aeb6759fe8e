"""The calibrated synthetic pool (issue 12 §5): occupation categories drawn at the shares the pool
model estimates, so that a replica of round #327 (healthcare, 2024-11-20, 3,000 invitations out of
a pool of 218,167, cut-off 463) lands within a few points of the published cut-off."""

from __future__ import annotations

import datetime

import numpy as np
import pyarrow as pa
import pytest

from openentry.forecast.synthetic import calibrated_category_shares, generate_pool
from openentry.history.bands import FINE_BANDS, fine_band_index
from openentry.services.eligibility import eligible_mask
from openentry.services.scoring import score_table

ROUND_DAY = datetime.date(2024, 11, 20)
PUBLISHED_POOL = 218_167
SIZE = 20_000


@pytest.fixture(scope="module")
def pool() -> pa.Table:
    return generate_pool(SIZE, 3, ROUND_DAY)


def test_a_replica_of_round_327_lands_near_its_cutoff(pool: pa.Table) -> None:
    crs = np.asarray(score_table(pool, ROUND_DAY).scores.total)
    healthcare = eligible_mask(pool, ROUND_DAY, category="healthcare")
    invitations = round(3000 * SIZE / PUBLISHED_POOL)
    cutoff = int(np.sort(crs[healthcare])[::-1][invitations - 1])
    assert abs(cutoff - 463) <= 8, cutoff


def test_each_band_holds_the_estimated_share_of_healthcare(pool: pa.Table) -> None:
    shares = calibrated_category_shares(ROUND_DAY)["healthcare"]
    bands = fine_band_index(np.asarray(score_table(pool, ROUND_DAY).scores.total))
    healthcare = eligible_mask(pool, ROUND_DAY, category="healthcare")
    for index, band in enumerate(FINE_BANDS):
        members = bands == index
        if members.sum() < 500:
            continue
        # Drawn exactly (rounded) where enough profiles can take a healthcare occupation.
        assert abs(healthcare[members].mean() - shares[index]) < 0.01, band.name


def test_shares_come_from_rounds_before_the_day() -> None:
    shares = calibrated_category_shares(ROUND_DAY)
    assert set(shares) >= {"healthcare", "stem", "trades", "transport", "agriculture"}
    assert "french" not in shares
    assert calibrated_category_shares(datetime.date(2022, 1, 1)) == {}
