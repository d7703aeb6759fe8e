"""Section D of the CRS: additional points, capped at 600 (crs-and-programs.md §1.9).

Provincial nomination 600; arranged employment by era (600, then 200 / 50, removed from
2025-03-25); French-language skills (NCLC 7+ in all four French abilities: the smaller amount
with English below CLB 5 in any ability or no English result, the larger with CLB 5+ in all
four); Canadian post-secondary education (15 / 30 from 2016-11-19); a sibling in Canada (15
from 2017-06-06). A factor not in force on the day gives nothing.
"""

from __future__ import annotations

import numpy as np

from openentry.rules.candidates import CandidateFactors
from openentry.rules.crs.lookup import Points, if_flag, take
from openentry.rules.snapshot import AdditionalRules


def provincial_nomination_points(rules: AdditionalRules, candidates: CandidateFactors) -> Points:
    return if_flag(candidates.provincial_nomination, rules.provincial_nomination)


def arranged_employment_points(rules: AdditionalRules, candidates: CandidateFactors) -> Points:
    return take(rules.arranged_employment, candidates.job_offer)


def french_points(rules: AdditionalRules, candidates: CandidateFactors) -> Points:
    if not rules.french_in_force:
        return np.zeros(candidates.size, dtype=np.int16)
    strong_french = candidates.has_french & (candidates.lowest_french >= rules.french_nclc)
    english_all_four = candidates.has_english & (candidates.lowest_english >= rules.english_clb)
    # Indexed [strong French, English in all four]: nothing without strong French.
    points = np.array([0, 0, rules.french_only, rules.bilingual], dtype=np.int16)
    return take(points, strong_french.astype(np.int8) * np.int8(2) + english_all_four)


def canadian_education_points(rules: AdditionalRules, candidates: CandidateFactors) -> Points:
    return take(rules.canadian_education, candidates.canadian_education)


def sibling_points(rules: AdditionalRules, candidates: CandidateFactors) -> Points:
    return if_flag(candidates.sibling_in_canada, rules.sibling)


def lines(rules: AdditionalRules, candidates: CandidateFactors) -> dict[str, Points]:
    return {
        "additional.french": french_points(rules, candidates),
        "additional.sibling": sibling_points(rules, candidates),
        "additional.canadian_education": canadian_education_points(rules, candidates),
        "additional.arranged_employment": arranged_employment_points(rules, candidates),
        "additional.provincial_nomination": provincial_nomination_points(rules, candidates),
    }
