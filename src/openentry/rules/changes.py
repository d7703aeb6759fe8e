"""Which levels of a factor can earn points: the candidate changes a what-if scores (issue 11).

A language level "earns points" where some table of the CRS in force reads a different value
from it (crs-and-programs.md §1.4-§1.9): the first-language grid of core points, the CLB 7 / 9
tiers of skill transferability, the CLB 5 / 7 tiers of the certificate of qualification, the
French-points thresholds (NCLC 7 in French, CLB 5 in English), the second-language grid and the
spouse's language grid. Every level is read from the snapshot's tables, never written here: a
new table or threshold moves the candidates with it. The levels are only candidates: a what-if
scores each and keeps the lowest one that gains at least a point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from openentry.rules.snapshot import CrsRules


def change_points(table: NDArray[np.int16]) -> tuple[int, ...]:
    """The levels at which a step table (1-D, or one row per spouse column) gives different points
    from the level below: its thresholds, read back from the table itself."""
    rows = np.atleast_2d(table)
    changes = np.flatnonzero((np.diff(rows, axis=1) != 0).any(axis=0)) + 1
    return tuple(int(level) for level in changes)


@dataclass(frozen=True)
class LanguageTargets:
    """The CLB/NCLC levels worth trying, by what is raised.

    ``first_language``: one ability of the first official language; ``all_four``: all four
    abilities of the first official language at once (the top transferability tier, and the top
    of the first-language grid); ``second_language``: all four abilities of the second official
    language; ``spouse_language``: all four abilities of the accompanying spouse's language.
    """

    first_language: tuple[int, ...]
    all_four: tuple[int, ...]
    second_language: tuple[int, ...]
    spouse_language: tuple[int, ...]


def language_targets(crs: CrsRules) -> LanguageTargets:
    """The candidate levels of :class:`LanguageTargets` under the CRS ``crs`` (one day's rules)."""
    transferability = crs.transferability
    additional = crs.additional
    french = (additional.french_nclc, additional.english_clb) if additional.french_in_force else ()
    first_grid = change_points(crs.core.first_language)
    first = sorted(
        {
            *first_grid,
            *transferability.language_thresholds,
            *transferability.certificate_language_thresholds,
            *french,
        }
    )
    second = sorted({*change_points(crs.core.second_language), *french})
    top_tier = transferability.language_thresholds[-1]
    all_four = sorted({top_tier, max(first_grid)})
    return LanguageTargets(
        first_language=tuple(level for level in first if level > 0),
        all_four=tuple(all_four),
        second_language=tuple(level for level in second if level > 0),
        spouse_language=change_points(crs.spouse.language),
    )
