"""The share of the pool a kind of round reaches, calibrated on that kind's published rounds.

A round of kind K with ``size`` invitations and cut-off ``c`` says that ``size`` candidates who
qualified for K stood at ``c`` or above (half of those at ``c``: the tie-break). The pool model
(forecast/pool.py) gives the kind's unit stock just before the round: everyone who would qualify
if everyone qualified. The share that qualifies is taken to fall exponentially with the score,
``share(x) = exp(level - slope * (x - 500))``, ``slope >= 0``:

- the ``slope`` is the one that makes the shares of the kind's last ``SLOPE_ROUNDS`` rounds most
  alike (least variance of their logarithms) when the kind has at least ``SLOPE_MIN_ROUNDS``;
  rounds of different sizes cut at different scores, which is what tells the slope. Without
  enough rounds the share is flat (slope 0);
- the ``level`` is the mean log share of its last ``LEVEL_ROUNDS`` rounds at that slope: IRCC's
  choices move the reach of a kind (a new list version, a change of work rules), and the latest
  rounds know it first.

Why a falling share: the backtest of 2023-2026 tried slopes of either sign; a share rising with
the score, fitted on a few rounds, sent forecasts far off (French, trades), while shares falling
with the score hold for every kind (CEC candidates, the biggest kind, thin out above 520 as
candidates with foreign experience only pile up there). This was chosen on the same rounds the
backtest reports; it is a modelling choice, not a finding.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from openentry.forecast.kinds import RoundKey
from openentry.forecast.pool import SCORES, PoolView, RoundRecord, Vector, stock_above

SLOPES: NDArray[np.float64] = np.arange(0.0, 0.2001, 0.005)  # per CRS point
SLOPE_ROUNDS = 8
SLOPE_MIN_ROUNDS = 4
LEVEL_ROUNDS = 2
# A kind with fewer calibrated rounds than this is forecast by its last cut-off: a round or two fix
# a level but say nothing of how the kind's own candidates spread over the scores (physicians'
# rounds cut at 169 then 223, senior managers' at 429 then 392).
MIN_CALIBRATION_ROUNDS = 3
SLOPE_REFERENCE = 500.0
LARGEST_SHARE = 1e6
_SHAPES: NDArray[np.float64] = np.exp(-np.outer(SLOPES, SCORES - SLOPE_REFERENCE))


@dataclass(frozen=True)
class ShareFit:
    """A kind's share of the unit stock at each score, and how much it varied round to round."""

    key: RoundKey
    slope: float
    level: float  # log share at SLOPE_REFERENCE
    deviations: NDArray[np.float64]  # log shares of the fitted rounds minus their mean
    rounds: int

    @property
    def shape(self) -> Vector:
        shape: Vector = np.exp(-self.slope * (SCORES - SLOPE_REFERENCE))
        return shape

    def shares(self, log_share: NDArray[np.float64]) -> NDArray[np.float64]:
        """The share at each score for each level in ``log_share`` (one row each).

        A share is a calibration of the reconstructed stock, not a fraction of real candidates: it
        exceeds 1 where the model's stock falls short (CEC rounds of 6,000 cut near 510, where the
        bands do not show how dense the pool is). Capping it at 1 made the CEC forecasts worse
        (3.7 to 4.4 points), so it is only kept from overflowing (``LARGEST_SHARE``), which far
        below the reference score a steep slope would otherwise do."""
        shares: NDArray[np.float64] = np.minimum(
            np.exp(log_share)[:, None] * self.shape[None, :], LARGEST_SHARE
        )
        return shares

    def qualified(self, unit: Vector) -> Vector:
        """Candidates who qualify for the kind at each score, from its unit stock."""
        qualified: Vector = self.shares(np.array([self.level]))[0] * unit
        return qualified


def calibrated_rounds(view: PoolView, key: RoundKey) -> list[RoundRecord]:
    """The kind's rounds before the view's day that the model replayed (with their stock)."""
    return [
        record
        for record in view.rounds_of(key)
        if record.number in view.stocks and record.size is not None and record.cutoff is not None
    ]


def _log_shares(view: PoolView, rounds: list[RoundRecord], shape: Vector) -> NDArray[np.float64]:
    values = []
    for record in rounds:
        assert record.size is not None and record.cutoff is not None
        reached = stock_above(shape * view.stocks[record.number], record.cutoff)
        values.append(np.log(record.size / reached) if reached > 0 else np.nan)
    return np.array(values, dtype=np.float64)


def fit_share(view: PoolView, key: RoundKey) -> ShareFit | None:
    """The kind's share from its rounds before the view's day; None with too few of them."""
    rounds = [
        record
        for record in calibrated_rounds(view, key)
        if np.isfinite(view.shares.get(record.number, np.nan)) and view.shares[record.number] > 0
    ]
    if len(rounds) < MIN_CALIBRATION_ROUNDS:
        return None
    fitted = rounds[-SLOPE_ROUNDS:]
    slope_index = 0
    if len(fitted) >= SLOPE_MIN_ROUNDS:
        spreads = np.array([np.var(_log_shares(view, fitted, shape)) for shape in _SHAPES])
        slope_index = int(np.argmin(np.where(np.isfinite(spreads), spreads, np.inf)))
    shape = _SHAPES[slope_index]
    log_shares = _log_shares(view, fitted, shape)
    log_shares = log_shares[np.isfinite(log_shares)]
    if log_shares.size == 0:
        return None
    level = float(np.mean(log_shares[-LEVEL_ROUNDS:]))
    return ShareFit(
        key=key,
        slope=float(SLOPES[slope_index]),
        level=level,
        deviations=log_shares - log_shares.mean(),
        rounds=len(fitted),
    )
