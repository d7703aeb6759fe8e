"""Section A of the CRS: core / human capital factors (crs-and-programs.md §1.2-§1.6).

"(i) a maximum of 500 points for the core human capital factors" without an accompanying
spouse, 460 with one (Ministerial Instructions s. 8(2)); age, level of education, first and
second official language (per ability, summed; the second capped at 22 / 24) and Canadian
work experience, each read from the column of §1.1.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from openentry.rules.candidates import CandidateFactors
from openentry.rules.snapshot import CoreRules

Points = NDArray[np.int16]


def _clipped(values: NDArray[np.integer], table_length: int) -> NDArray[np.intp]:
    """Index into a step table: the last position stands for "or more"."""
    return np.clip(values, 0, table_length - 1).astype(np.intp)


def age_points(rules: CoreRules, candidates: CandidateFactors) -> Points:
    """§1.2: points for age on the scoring day."""
    return rules.age[candidates.column, _clipped(candidates.age, rules.age.shape[1])]


def education_points(rules: CoreRules, candidates: CandidateFactors) -> Points:
    """§1.3: points for the principal applicant's level of education."""
    return rules.education[candidates.column, candidates.education]


def first_language_points(rules: CoreRules, candidates: CandidateFactors) -> Points:
    """§1.4: points for each ability of the first official language, summed."""
    levels = _clipped(candidates.first_language, rules.first_language.shape[1])
    per_ability = rules.first_language[candidates.column[:, None], levels]
    return per_ability.sum(axis=1, dtype=np.int16)


def second_language_points(rules: CoreRules, candidates: CandidateFactors) -> Points:
    """§1.5: points for each ability of the second official language, summed, then capped."""
    levels = _clipped(candidates.second_language, rules.second_language.shape[0])
    total = rules.second_language[levels].sum(axis=1, dtype=np.int16)
    return np.minimum(total, rules.second_language_cap[candidates.column])


def canadian_work_points(rules: CoreRules, candidates: CandidateFactors) -> Points:
    """§1.6: points for whole years of skilled Canadian work."""
    years = _clipped(candidates.canadian_work_years, rules.canadian_work.shape[1])
    return rules.canadian_work[candidates.column, years]


def lines(rules: CoreRules, candidates: CandidateFactors) -> dict[str, Points]:
    return {
        "core.age": age_points(rules, candidates),
        "core.education": education_points(rules, candidates),
        "core.first_language": first_language_points(rules, candidates),
        "core.second_language": second_language_points(rules, candidates),
        "core.canadian_work": canadian_work_points(rules, candidates),
    }
