"""Section B of the CRS: spouse or common-law partner factors (crs-and-programs.md §1.7).

Scored only in the with-spouse column (§1.1): the spouse's level of education, each ability
of the spouse's first official language, and the spouse's whole years of Canadian work; all
zero otherwise. Maximum 40 (10 + 20 + 10).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from openentry.rules.candidates import CandidateFactors
from openentry.rules.crs.core import _clipped
from openentry.rules.snapshot import SpouseRules

Points = NDArray[np.int16]


def _only_with_spouse(points: Points, candidates: CandidateFactors) -> Points:
    return np.where(candidates.with_spouse, points, 0).astype(np.int16)


def spouse_education_points(rules: SpouseRules, candidates: CandidateFactors) -> Points:
    return _only_with_spouse(rules.education[candidates.spouse_education], candidates)


def spouse_language_points(rules: SpouseRules, candidates: CandidateFactors) -> Points:
    levels = _clipped(candidates.spouse_language, rules.language.shape[0])
    return _only_with_spouse(rules.language[levels].sum(axis=1, dtype=np.int16), candidates)


def spouse_canadian_work_points(rules: SpouseRules, candidates: CandidateFactors) -> Points:
    years = _clipped(candidates.spouse_canadian_work_years, rules.canadian_work.shape[0])
    return _only_with_spouse(rules.canadian_work[years], candidates)


def lines(rules: SpouseRules, candidates: CandidateFactors) -> dict[str, Points]:
    return {
        "spouse.education": spouse_education_points(rules, candidates),
        "spouse.language": spouse_language_points(rules, candidates),
        "spouse.canadian_work": spouse_canadian_work_points(rules, candidates),
    }
