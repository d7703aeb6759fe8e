"""Section C of the CRS: skill transferability (crs-and-programs.md §1.8).

Language is the principal applicant's first official language at its lowest ability. Education
and foreign work each combine with language and with Canadian work, each pair sub-capped at 50;
a certificate of qualification combines with language (CLB 5 / 7 columns). The section is
capped at 100: "C = min(100, education subtotal + foreign subtotal + certificate points)".

Education and foreign work read one small grid each, built per call from the snapshot's grids:
the sub-capped sum for every (education level or foreign years, language column, Canadian
work column), so a candidate's points are one flat lookup.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from openentry.rules.candidates import CandidateFactors
from openentry.rules.crs.lookup import Points, clipped, if_flag, take
from openentry.rules.snapshot import Codes, TransferabilityRules

Columns = NDArray[np.int8]


def _column(values: NDArray[np.integer], thresholds: tuple[int, int]) -> Columns:
    """0 below the lower threshold, 1 from the lower, 2 from the upper."""
    lower, upper = thresholds
    column: Columns = (values >= lower).astype(np.int8) + (values >= upper)
    return column


def _subcapped(tiers: Codes, with_language: Points, with_canadian_work: Points, cap: int) -> Points:
    """min(cap, with_language[tier, l] + with_canadian_work[tier, w]) for each tier of ``tiers``,
    each language column l and each Canadian work column w; flattened."""
    grid = with_language[tiers][:, :, None] + with_canadian_work[tiers][:, None, :]
    subcapped: Points = np.minimum(grid, cap).astype(np.int16).ravel()
    return subcapped


def _language_and_canadian_work(rules: TransferabilityRules, candidates: CandidateFactors) -> Columns:
    """The position of (language column, Canadian work column) in a row of a :func:`_subcapped` grid."""
    language = _column(candidates.lowest_first_language, rules.language_thresholds)
    canadian_work = _column(candidates.counted_canadian_work_years, rules.canadian_work_thresholds)
    width = rules.education_with_canadian_work.shape[1]
    position: Columns = language * np.int8(width) + canadian_work
    return position


def _subcapped_points(
    tiers: Codes,
    with_language: Points,
    with_canadian_work: Points,
    cap: int,
    row: NDArray[np.integer],
    position: Columns,
) -> Points:
    """Points of a sub-capped pair: ``row`` picks the candidate's tier (an index into ``tiers``),
    ``position`` its (language, Canadian work) cell."""
    grid = _subcapped(tiers, with_language, with_canadian_work, cap)
    row_length = grid.shape[0] // tiers.shape[0]
    return take(grid, row.astype(np.int16) * np.int16(row_length) + position)


def education_points(rules: TransferabilityRules, candidates: CandidateFactors, position: Columns) -> Points:
    """Education with language plus education with Canadian work, sub-capped."""
    return _subcapped_points(
        rules.education_tier,
        rules.education_with_language,
        rules.education_with_canadian_work,
        rules.education_cap,
        candidates.education,
        position,
    )


def foreign_work_points(
    rules: TransferabilityRules, candidates: CandidateFactors, position: Columns
) -> Points:
    """Foreign work with language plus foreign work with Canadian work, sub-capped."""
    return _subcapped_points(
        rules.foreign_work_tier,
        rules.foreign_work_with_language,
        rules.foreign_work_with_canadian_work,
        rules.foreign_work_cap,
        clipped(candidates.counted_foreign_work_years, rules.foreign_work_tier.shape[0]),
        position,
    )


def certificate_points(rules: TransferabilityRules, candidates: CandidateFactors) -> Points:
    """A certificate of qualification with first-official-language proficiency."""
    column = _column(candidates.lowest_first_language, rules.certificate_language_thresholds)
    return if_flag(candidates.certificate_of_qualification, take(rules.certificate_with_language, column))


def lines(rules: TransferabilityRules, candidates: CandidateFactors) -> dict[str, Points]:
    position = _language_and_canadian_work(rules, candidates)
    return {
        "transferability.education": education_points(rules, candidates, position),
        "transferability.foreign_work": foreign_work_points(rules, candidates, position),
        "transferability.certificate": certificate_points(rules, candidates),
    }
