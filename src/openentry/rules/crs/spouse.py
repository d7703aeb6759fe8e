"""Section B of the CRS: spouse or common-law partner factors (crs-and-programs.md §1.7).

Scored only in the with-spouse column (§1.1): the spouse's level of education, each ability
of the spouse's first official language, and the spouse's whole years of Canadian work; all
zero otherwise. Maximum 40 (10 + 20 + 10).
"""

from __future__ import annotations

from openentry.rules.candidates import CandidateFactors
from openentry.rules.crs.lookup import Points, clipped, if_flag, per_ability, take
from openentry.rules.snapshot import SpouseRules


def spouse_education_points(rules: SpouseRules, candidates: CandidateFactors) -> Points:
    return if_flag(candidates.with_spouse, take(rules.education, candidates.spouse_education))


def spouse_language_points(rules: SpouseRules, candidates: CandidateFactors) -> Points:
    return if_flag(candidates.with_spouse, per_ability(rules.language, candidates.spouse_language))


def spouse_canadian_work_points(rules: SpouseRules, candidates: CandidateFactors) -> Points:
    years = clipped(candidates.spouse_canadian_work_years, rules.canadian_work.shape[0])
    return if_flag(candidates.with_spouse, take(rules.canadian_work, years))


def lines(rules: SpouseRules, candidates: CandidateFactors) -> dict[str, Points]:
    return {
        "spouse.education": spouse_education_points(rules, candidates),
        "spouse.language": spouse_language_points(rules, candidates),
        "spouse.canadian_work": spouse_canadian_work_points(rules, candidates),
    }
