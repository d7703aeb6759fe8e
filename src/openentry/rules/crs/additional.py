"""Section D of the CRS: additional points, capped at 600 (crs-and-programs.md §1.9).

Provincial nomination 600; arranged employment by era (600, then 200 / 50, removed from
2025-03-25); French-language skills (NCLC 7+ in all four French abilities: the smaller amount
with English below CLB 5 in any ability or no English result, the larger with CLB 5+ in all
four); Canadian post-secondary education (15 / 30 from 2016-11-19); a sibling in Canada (15
from 2017-06-06). A factor not in force on the day gives nothing.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from openentry.rules.candidates import CandidateFactors
from openentry.rules.snapshot import AdditionalRules

Points = NDArray[np.int16]


def provincial_nomination_points(rules: AdditionalRules, candidates: CandidateFactors) -> Points:
    return np.where(candidates.provincial_nomination, rules.provincial_nomination, 0).astype(np.int16)


def arranged_employment_points(rules: AdditionalRules, candidates: CandidateFactors) -> Points:
    return rules.arranged_employment[candidates.job_offer]


def french_points(rules: AdditionalRules, candidates: CandidateFactors) -> Points:
    if not rules.french_in_force:
        return np.zeros(candidates.size, dtype=np.int16)
    strong_french = candidates.has_french & (candidates.french.min(axis=1) >= rules.french_nclc)
    english_all_four = candidates.has_english & (candidates.english.min(axis=1) >= rules.english_clb)
    points = np.where(english_all_four, rules.bilingual, rules.french_only)
    return np.where(strong_french, points, 0).astype(np.int16)


def canadian_education_points(rules: AdditionalRules, candidates: CandidateFactors) -> Points:
    return rules.canadian_education[candidates.canadian_education]


def sibling_points(rules: AdditionalRules, candidates: CandidateFactors) -> Points:
    return np.where(candidates.sibling_in_canada, rules.sibling, 0).astype(np.int16)


def lines(rules: AdditionalRules, candidates: CandidateFactors) -> dict[str, Points]:
    return {
        "additional.french": french_points(rules, candidates),
        "additional.sibling": sibling_points(rules, candidates),
        "additional.canadian_education": canadian_education_points(rules, candidates),
        "additional.arranged_employment": arranged_employment_points(rules, candidates),
        "additional.provincial_nomination": provincial_nomination_points(rules, candidates),
    }
