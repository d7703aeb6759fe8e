"""The Comprehensive Ranking System: four sections, sixteen lines, one code path for any size.

``score(rules, candidates)`` scores n candidates with array formulas; one profile is an array
of length one. The sixteen lines are IRCC's own itemisation (crs-and-programs.md §1.0, the
2019 Invitation to Apply letter); sections apply their caps (Ministerial Instructions s. 8(2)):
A ≤ 460 / 500, B ≤ 40, C ≤ 100, D ≤ 600; total ≤ 1200.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from openentry.rules.candidates import CandidateFactors
from openentry.rules.crs import additional, core, spouse, transferability
from openentry.rules.crs.lookup import take
from openentry.rules.snapshot import RulesSnapshot

Points = NDArray[np.int16]

LINE_NAMES: tuple[str, ...] = (
    "core.age",
    "core.education",
    "core.first_language",
    "core.second_language",
    "core.canadian_work",
    "spouse.education",
    "spouse.language",
    "spouse.canadian_work",
    "transferability.education",
    "transferability.foreign_work",
    "transferability.certificate",
    "additional.french",
    "additional.sibling",
    "additional.canadian_education",
    "additional.arranged_employment",
    "additional.provincial_nomination",
)

SECTION_NAMES: tuple[str, ...] = ("core", "spouse", "transferability", "additional")


@dataclass(frozen=True)
class CrsScores:
    """Scores of n candidates: the sixteen lines (before section caps), the sections and the total."""

    lines: dict[str, Points]
    core: Points
    spouse: Points
    transferability: Points
    additional: Points
    total: Points


def _sum(lines: dict[str, Points], section: str) -> Points:
    """The section's lines added up (int16 holds any sum of the sixteen lines)."""
    values = [points for name, points in lines.items() if name.startswith(section + ".")]
    total = values[0].copy()
    for points in values[1:]:
        total += points
    return total


def score(rules: RulesSnapshot, candidates: CandidateFactors) -> CrsScores:
    """Score every candidate under ``rules`` (crs-and-programs.md §1.10)."""
    crs = rules.crs
    lines: dict[str, Points] = {}
    lines.update(core.lines(crs.core, candidates))
    lines.update(spouse.lines(crs.spouse, candidates))
    lines.update(transferability.lines(crs.transferability, candidates))
    lines.update(additional.lines(crs.additional, candidates))
    core_total = np.minimum(_sum(lines, "core"), take(crs.core.cap, candidates.column))
    spouse_total = np.minimum(_sum(lines, "spouse"), np.int16(crs.spouse.cap))
    transferability_total = np.minimum(_sum(lines, "transferability"), np.int16(crs.transferability.cap))
    additional_total = np.minimum(_sum(lines, "additional"), np.int16(crs.additional.cap))
    total = core_total + spouse_total + transferability_total + additional_total
    return CrsScores(
        lines={name: lines[name] for name in LINE_NAMES},
        core=core_total,
        spouse=spouse_total,
        transferability=transferability_total,
        additional=additional_total,
        total=total,
    )
