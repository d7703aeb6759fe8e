"""Flat lookups shared by the CRS formulas.

Every line is a read of a small table from the rules snapshot. To keep a million candidates
fast, a read is one 1-D ``np.take`` with narrow integer indices (int8 / int16): a table indexed
by [spouse column, value] is read through its flat view at ``column * width + value``, never
by 2-D fancy indexing, and values are clipped to the table ("the last position stands for
'or more'") on their own narrow dtype.
"""

from __future__ import annotations

from typing import cast

import numpy as np
from numpy.typing import NDArray

Points = NDArray[np.int16]
Index = NDArray[np.int8] | NDArray[np.int16]


def clipped(values: Index, table_length: int) -> Index:
    """Index into a step table: the last position stands for "or more", below 0 reads 0."""
    return cast(Index, np.clip(values, 0, table_length - 1))


def take(table: Points, index: Index) -> Points:
    """``table[index]`` for a 1-D table and an array of positions."""
    points: Points = np.take(table, index)
    return points


def by_column(table: Points, column: NDArray[np.int8], values: Index) -> Points:
    """``table[column, clipped(values)]`` for a (spouse column, value) table, as one flat take."""
    width = table.shape[1]
    return take(table.ravel(), column.astype(np.int16) * np.int16(width) + clipped(values, width))


def per_ability(table: Points, levels: NDArray[np.int8], column: NDArray[np.int8] | None = None) -> Points:
    """The points of each of the four abilities (``levels`` is (n, 4)), summed.

    ``table`` is indexed by level, or by [spouse column, level] when ``column`` is given.
    Each ability is one contiguous column when ``levels`` is column-major (as derived).
    """
    total: Points | None = None
    for ability in range(levels.shape[1]):
        level = levels[:, ability]
        if column is None:
            points = take(table, clipped(level, table.shape[0]))
        else:
            points = by_column(table, column, level)
        total = points if total is None else total + points
    assert total is not None
    return total


def if_flag(flags: NDArray[np.bool_], points: int | Points) -> Points:
    """``points`` where the flag is set, 0 elsewhere."""
    result: Points = np.multiply(flags, points, dtype=np.int16)
    return result
