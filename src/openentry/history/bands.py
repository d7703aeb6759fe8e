"""IRCC's published score bands, described once (``data/score_bands.yaml``).

IRCC publishes the pool's CRS distribution with most rounds since 2022 in bands: 601-1200,
501-600, 451-500 (with 10-point sub-bands), 401-450 (with sub-bands), 351-400, 301-350, 0-300
(shared/data/SOURCES.md; the rounds feed's dd1 to dd17). Everything that reads, stores, draws or
counts those bands takes them from here:

- :data:`SCORE_BANDS`: every published band in IRCC's order (the feed's dd1 to dd17, the
  ``pool_*`` columns of ``ee_rounds.csv``), a subtotal band before its sub-bands;
- :data:`FINE_BANDS`: the 15 that do not overlap (the sub-bands in place of their subtotals);
- :data:`SUBTOTAL_BANDS`: 451-500 and 401-450; :data:`TOP_BANDS`: the seven that cover 0-1200;
- :func:`band_counts`: candidates per published band for an array of scores.

A band's ``name`` is ``"{from}_{to}"``, the ``pool_`` column without its prefix, as recorded rounds
store their score bands.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from openentry.rules.tree import load_yaml

BANDS_FILE = "score_bands.yaml"
LOWEST_SCORE = 0
HIGHEST_SCORE = 1200


class Band(NamedTuple):
    """Candidates with a CRS from ``low`` to ``high`` inclusive; ``name`` is ``"{low}_{high}"``."""

    name: str
    low: int
    high: int

    @property
    def column(self) -> str:
        """The column of ``ee_rounds.csv`` holding this band's count."""
        return f"pool_{self.name}"


class BandDescription(NamedTuple):
    top: tuple[Band, ...]
    sub_bands: dict[Band, tuple[Band, ...]]


def _band(entry: object, where: str) -> Band:
    if not isinstance(entry, dict) or not isinstance(entry.get("from"), int) or not isinstance(
        entry.get("to"), int
    ):
        raise ValueError(f"{BANDS_FILE}: {where} needs integer 'from' and 'to'")
    low, high = entry["from"], entry["to"]
    if low > high:
        raise ValueError(f"{BANDS_FILE}: {where} runs from {low} down to {high}")
    return Band(f"{low}_{high}", low, high)


def _check_cover(bands: tuple[Band, ...], low: int, high: int, where: str) -> None:
    """``bands`` (highest first) cover ``low``-``high`` exactly, with no gap and no overlap."""
    expected_high = high
    for band in bands:
        if band.high != expected_high:
            raise ValueError(f"{BANDS_FILE}: {where}: {band.low}-{band.high} does not follow on "
                             f"from {expected_high + 1} (no gap, no overlap, highest first)")
        expected_high = band.low - 1
    if expected_high != low - 1:
        raise ValueError(f"{BANDS_FILE}: {where}: the bands stop at {expected_high + 1}, not {low}")


def parse_bands(document: object) -> BandDescription:
    """The bands of a ``score_bands.yaml`` document, checked: the top bands cover 0-1200 and each
    band's sub-bands cover it."""
    if not isinstance(document, dict) or not isinstance(document.get("bands"), list):
        raise ValueError(f"{BANDS_FILE}: a mapping with a list 'bands' is needed")
    for key in ("description", "unit", "source"):
        if not isinstance(document.get(key), str) or not document[key].strip():
            raise ValueError(f"{BANDS_FILE}: '{key}' must be a non-empty text")
    top: list[Band] = []
    sub_bands: dict[Band, tuple[Band, ...]] = {}
    for index, entry in enumerate(document["bands"]):
        band = _band(entry, f"bands[{index}]")
        top.append(band)
        nested = entry.get("sub_bands")
        if nested is not None:
            if not isinstance(nested, list) or not nested:
                raise ValueError(f"{BANDS_FILE}: bands[{index}].sub_bands must be a non-empty list")
            parts = tuple(_band(part, f"bands[{index}].sub_bands[{position}]")
                          for position, part in enumerate(nested))
            _check_cover(parts, band.low, band.high, f"sub-bands of {band.low}-{band.high}")
            sub_bands[band] = parts
    _check_cover(tuple(top), LOWEST_SCORE, HIGHEST_SCORE, "bands")
    return BandDescription(tuple(top), sub_bands)


@functools.cache
def _description() -> BandDescription:
    text = resources.files("openentry.data").joinpath(BANDS_FILE).read_text(encoding="utf-8")
    return parse_bands(load_yaml(text))


_DESCRIPTION = _description()
TOP_BANDS: tuple[Band, ...] = _DESCRIPTION.top
SUBTOTAL_BANDS: tuple[Band, ...] = tuple(band for band in TOP_BANDS if band in _DESCRIPTION.sub_bands)
SCORE_BANDS: tuple[Band, ...] = tuple(
    part for band in TOP_BANDS for part in (band, *_DESCRIPTION.sub_bands.get(band, ()))
)
FINE_BANDS: tuple[Band, ...] = tuple(
    part for band in TOP_BANDS for part in _DESCRIPTION.sub_bands.get(band, (band,))
)


def fine_band_index(crs: NDArray[np.integer]) -> NDArray[np.int64]:
    """The index in :data:`FINE_BANDS` of each score (0-1200)."""
    lows = np.array([band.low for band in FINE_BANDS])
    # FINE_BANDS run from the highest down: the first whose lower bound the score reaches.
    index: NDArray[np.int64] = np.argmax(np.asarray(crs)[:, None] >= lows[None, :], axis=1)
    return index


def band_counts(crs: NDArray[np.integer]) -> dict[str, int]:
    """Candidates per published band (subtotals and their sub-bands alike), in IRCC's order, and
    ``total``: the shape of the ``score_bands`` recorded with a round."""
    scores = np.asarray(crs)
    counts = {band.name: int(np.count_nonzero((scores >= band.low) & (scores <= band.high)))
              for band in SCORE_BANDS}
    counts["total"] = int(scores.shape[0])
    return counts
