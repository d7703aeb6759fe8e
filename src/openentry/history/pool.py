"""The pool as IRCC published it: how many candidates scored above a given CRS on a date.

With most rounds since 2022 IRCC publishes the pool's CRS distribution "as on" a date, in bands
(601-1200, 501-600, ten-point bands from 401 to 500, then 351-400, 301-350, 0-300; shared/data/
SOURCES.md; history/bands.py). Counts inside a band are not published, so the answer is a range:
everyone in the bands wholly above the score for certain, plus up to everyone in the score's own
band; the estimate spreads that band evenly over its points. A score at the top of its band (500:
the bands from 501 up) leaves nobody of its band above it, so the count is exact.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from openentry.history.catalogue import RoundCatalogue
from openentry.history.rounds import PoolDistribution, PublishedRound


@dataclass(frozen=True)
class CandidatesAbove:
    """Candidates with a CRS strictly above ``crs`` in one published distribution."""

    crs: int
    round_number: str
    as_of: datetime.date | None
    at_least: int
    at_most: int
    estimate: int
    total: int
    band: tuple[int, int]

    @property
    def exact(self) -> bool:
        """The score sits on a band edge: the count above it is published exactly."""
        return self.at_least == self.at_most and self.crs == self.band[1]

    def as_dict(self) -> dict[str, object]:
        return {
            "crs": self.crs,
            "round": self.round_number,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "above_at_least": self.at_least,
            "above_at_most": self.at_most,
            "above_estimate": self.estimate,
            "exact": self.exact,
            "pool_total": self.total,
            "band": {"from": self.band[0], "to": self.band[1]},
        }


def candidates_above(distribution: PoolDistribution, crs: int, round_number: str) -> CandidatesAbove:
    """Count the bands above ``crs``; the band holding ``crs`` gives the range and the estimate,
    unless ``crs`` is its highest score (then nobody in it is above, and the count is exact)."""
    if not 0 <= crs <= 1200:
        raise ValueError(f"CRS {crs} is outside 0-1200")
    certain = sum(band.count for band in distribution.bands if band.low > crs)
    own = next(band for band in distribution.bands if band.low <= crs <= band.high)
    width = own.high - own.low + 1
    estimate = certain + round(own.count * (own.high - crs) / width)
    return CandidatesAbove(
        crs=crs,
        round_number=round_number,
        as_of=distribution.as_of,
        at_least=certain,
        at_most=certain + (own.count if crs < own.high else 0),
        estimate=estimate,
        total=distribution.total,
        band=(own.low, own.high),
    )


def pool_on(catalogue: RoundCatalogue, day: datetime.date) -> PublishedRound:
    """The latest round on or before ``day`` with a published distribution; ValueError if none."""
    published = catalogue.latest_pool_on(day)
    if published is None or published.pool is None:
        raise ValueError(f"no pool distribution was published on or before {day.isoformat()}")
    return published
