"""IRCC's published score bands, described once (data/score_bands.yaml, history/bands.py)."""

from __future__ import annotations

import csv
import io
from importlib import resources

import numpy as np
import pytest
import yaml

from openentry.history.bands import (
    FINE_BANDS,
    SCORE_BANDS,
    SUBTOTAL_BANDS,
    TOP_BANDS,
    band_counts,
    fine_band_index,
    parse_bands,
)
from openentry.history.feed import bundled_feed, bundled_rounds


def test_the_bands_are_the_pool_columns_of_the_published_rounds_in_order() -> None:
    text = resources.files("openentry.data").joinpath("ee_rounds.csv").read_text(encoding="utf-8")
    header = next(csv.reader(io.StringIO(text)))
    columns = [name for name in header
               if name.startswith("pool_") and name not in ("pool_as_of", "pool_total")]
    assert [band.column for band in SCORE_BANDS] == columns
    assert [band.name for band in TOP_BANDS] == ["601_1200", "501_600", "451_500", "401_450", "351_400",
                                                 "301_350", "0_300"]
    assert [band.name for band in SUBTOTAL_BANDS] == ["451_500", "401_450"]
    assert len(FINE_BANDS) == 15
    assert [(band.low, band.high) for band in FINE_BANDS[2:7]] == [(491, 500), (481, 490), (471, 480),
                                                                   (461, 470), (451, 460)]


def test_fine_bands_put_every_score_in_exactly_one_band() -> None:
    scores = np.arange(0, 1201)
    index = fine_band_index(scores)
    bands = [FINE_BANDS[i] for i in index]
    assert all(band.low <= score <= band.high for score, band in zip(scores, bands, strict=True))
    assert np.bincount(index).tolist() == [band.high - band.low + 1 for band in FINE_BANDS]


def test_band_counts_count_subtotals_and_sub_bands_in_irccs_order() -> None:
    counts = band_counts(np.array([0, 300, 301, 450, 451, 500, 501, 600, 601, 1200], dtype=np.int16))
    assert counts == {"601_1200": 2, "501_600": 2, "451_500": 2, "491_500": 1, "481_490": 0, "471_480": 0,
                      "461_470": 0, "451_460": 1, "401_450": 1, "441_450": 1, "431_440": 0, "421_430": 0,
                      "411_420": 0, "401_410": 0, "351_400": 0, "301_350": 1, "0_300": 2, "total": 10}


def test_the_published_subtotals_are_the_sums_of_their_sub_bands() -> None:
    """Read through the one description, the feed and the CSV agree (except #247, SOURCES.md)."""
    published = [item for item in bundled_rounds() if item.pool is not None]
    assert len(published) == 220
    wrong = [item.number for item in published if item.pool is not None and any(
        subtotal.count != sum(band.count for band in item.pool.bands
                              if subtotal.low <= band.low and band.high <= subtotal.high)
        for subtotal in item.pool.subtotals)]
    assert wrong == ["247"]
    by_number = {item.number: item.pool for item in bundled_feed()}
    assert by_number["327"] == next(item.pool for item in published if item.number == "327")


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        ([{"from": 601, "to": 1200}, {"from": 0, "to": 599}],
         "score_bands.yaml: bands: 0-599 does not follow on from 601 (no gap, no overlap, highest first)"),
        ([{"from": 0, "to": 1200, "sub_bands": [{"from": 600, "to": 1200}, {"from": 1, "to": 599}]}],
         "score_bands.yaml: sub-bands of 0-1200: the bands stop at 1, not 0"),
        ([{"from": 1200, "to": 0}], "score_bands.yaml: bands[0] runs from 1200 down to 0"),
    ],
)
def test_a_band_description_with_a_gap_or_overlap_is_refused(bands: list[object], message: str) -> None:
    document = {"description": "d", "unit": "u", "source": "s", "bands": bands}
    with pytest.raises(ValueError) as raised:
        parse_bands(document)
    assert str(raised.value) == message


def test_the_shipped_description_names_its_source() -> None:
    text = resources.files("openentry.data").joinpath("score_bands.yaml").read_text(encoding="utf-8")
    document = yaml.safe_load(text)
    assert "ee_rounds_123_en.json" in document["source"]
    assert parse_bands(document).top == TOP_BANDS
