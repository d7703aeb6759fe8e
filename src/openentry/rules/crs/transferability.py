"""Section C of the CRS: skill transferability (crs-and-programs.md §1.8).

Language is the principal applicant's first official language at its lowest ability. Education
and foreign work each combine with language and with Canadian work, each pair sub-capped at 50;
a certificate of qualification combines with language (CLB 5 / 7 columns). The section is
capped at 100: "C = min(100, education subtotal + foreign subtotal + certificate points)".
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from openentry.rules.candidates import CandidateFactors
from openentry.rules.crs.core import _clipped
from openentry.rules.snapshot import TransferabilityRules

Points = NDArray[np.int16]


def _column(values: NDArray[np.integer], thresholds: tuple[int, int]) -> NDArray[np.intp]:
    """0 below the lower threshold, 1 from the lower, 2 from the upper."""
    lower, upper = thresholds
    return ((values >= lower).astype(np.intp) + (values >= upper).astype(np.intp))


def language_column(rules: TransferabilityRules, candidates: CandidateFactors) -> NDArray[np.intp]:
    return _column(candidates.first_language.min(axis=1), rules.language_thresholds)


def canadian_work_column(rules: TransferabilityRules, candidates: CandidateFactors) -> NDArray[np.intp]:
    return _column(candidates.canadian_work_years, rules.canadian_work_thresholds)


def education_points(rules: TransferabilityRules, candidates: CandidateFactors) -> Points:
    """Education with language plus education with Canadian work, sub-capped."""
    tier = rules.education_tier[candidates.education]
    with_language = rules.education_with_language[tier, language_column(rules, candidates)]
    with_canadian_work = rules.education_with_canadian_work[tier, canadian_work_column(rules, candidates)]
    return np.minimum(with_language + with_canadian_work, rules.education_cap).astype(np.int16)


def foreign_work_points(rules: TransferabilityRules, candidates: CandidateFactors) -> Points:
    """Foreign work with language plus foreign work with Canadian work, sub-capped."""
    tier = rules.foreign_work_tier[_clipped(candidates.foreign_work_years, rules.foreign_work_tier.shape[0])]
    with_language = rules.foreign_work_with_language[tier, language_column(rules, candidates)]
    with_canadian_work = rules.foreign_work_with_canadian_work[tier, canadian_work_column(rules, candidates)]
    return np.minimum(with_language + with_canadian_work, rules.foreign_work_cap).astype(np.int16)


def certificate_points(rules: TransferabilityRules, candidates: CandidateFactors) -> Points:
    """A certificate of qualification with first-official-language proficiency."""
    column = _column(candidates.first_language.min(axis=1), rules.certificate_language_thresholds)
    points = rules.certificate_with_language[column]
    return np.where(candidates.certificate_of_qualification, points, 0).astype(np.int16)


def lines(rules: TransferabilityRules, candidates: CandidateFactors) -> dict[str, Points]:
    return {
        "transferability.education": education_points(rules, candidates),
        "transferability.foreign_work": foreign_work_points(rules, candidates),
        "transferability.certificate": certificate_points(rules, candidates),
    }
