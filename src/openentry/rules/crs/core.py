"""Section A of the CRS: core / human capital factors (crs-and-programs.md §1.2-§1.6).

"(i) a maximum of 500 points for the core human capital factors" without an accompanying
spouse, 460 with one (Ministerial Instructions s. 8(2)); age, level of education, first and
second official language (per ability, summed; the second capped at 22 / 24) and Canadian
work experience, each read from the column of §1.1.
"""

from __future__ import annotations

import numpy as np

from openentry.rules.candidates import CandidateFactors
from openentry.rules.crs.lookup import Points, by_column, per_ability, take
from openentry.rules.snapshot import CoreRules


def age_points(rules: CoreRules, candidates: CandidateFactors) -> Points:
    """§1.2: points for age on the scoring day."""
    return by_column(rules.age, candidates.column, candidates.age)


def education_points(rules: CoreRules, candidates: CandidateFactors) -> Points:
    """§1.3: points for the principal applicant's level of education."""
    return by_column(rules.education, candidates.column, candidates.education)


def first_language_points(rules: CoreRules, candidates: CandidateFactors) -> Points:
    """§1.4: points for each ability of the first official language, summed."""
    return per_ability(rules.first_language, candidates.first_language, candidates.column)


def second_language_points(rules: CoreRules, candidates: CandidateFactors) -> Points:
    """§1.5: points for each ability of the second official language, summed, then capped."""
    total = per_ability(rules.second_language, candidates.second_language)
    return np.minimum(total, take(rules.second_language_cap, candidates.column))


def canadian_work_points(rules: CoreRules, candidates: CandidateFactors) -> Points:
    """§1.6: points for whole years of skilled Canadian work."""
    return by_column(rules.canadian_work, candidates.column, candidates.counted_canadian_work_years)


def lines(rules: CoreRules, candidates: CandidateFactors) -> dict[str, Points]:
    return {
        "core.age": age_points(rules, candidates),
        "core.education": education_points(rules, candidates),
        "core.first_language": first_language_points(rules, candidates),
        "core.second_language": second_language_points(rules, candidates),
        "core.canadian_work": canadian_work_points(rules, candidates),
    }
