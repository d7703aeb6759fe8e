"""The vocabulary of a profile, as integer codes for array formulas.

These are the values the profile contract allows (shared/spec/interfaces.md §1), in a fixed
order; a code is the index in its tuple, so that ``table[codes]`` looks points up for a whole
pool at once. They are names, not law: the points attached to them live in the parameter files.
"""

from __future__ import annotations

from typing import Final

EDUCATION_LEVELS: Final = (
    "less_than_secondary",
    "secondary",
    "one_year_post_secondary",
    "two_year_post_secondary",
    "bachelors",
    "two_or_more",
    "masters",
    "doctoral",
)

MARITAL_STATUSES: Final = (
    "never_married",
    "married",
    "common_law",
    "divorced",
    "separated",
    "widowed",
    "annulled",
)

# Statuses whose spouse or partner can be scored (crs-and-programs.md §1.1, condition 1).
PARTNERED_STATUSES: Final = ("married", "common_law")

CANADIAN_EDUCATION_LEVELS: Final = ("none", "one_or_two_year", "three_year_or_longer")

JOB_OFFERS: Final = ("none", "teer0_major_group_00", "other_teer_0_1_2_3")

ABILITIES: Final = ("reading", "writing", "listening", "speaking")

# Code 0 is "no result".
LANGUAGE_TESTS: Final = ("none", "ielts", "celpip", "pte_core", "tef_canada", "tcf_canada", "clb", "nclc")
ENGLISH_TESTS: Final = ("ielts", "celpip", "pte_core", "clb")
FRENCH_TESTS: Final = ("tef_canada", "tcf_canada", "nclc")

# The scales a TEF Canada result can be given on (the optional ``scale`` of a language result,
# interfaces.md §1), in the order of the eras of parameter ``language.tef_canada``: "old" is the
# table of 2015-01-01 (reading 0-300, listening 0-360, writing and speaking 0-450; the scale of
# IRCC's profile form), "new" the 0-699 table of tests taken from 2023-12-11. A result without a
# scale is read on the scale of its test date. In arrays, 0 is "by test date" and k is
# TEF_SCALES[k - 1].
TEF_SCALES: Final = ("old", "new")

SPOUSE_COLUMNS: Final = ("with_spouse", "without_spouse")

TRANSFERABILITY_EDUCATION_TIERS: Final = ("none", "one_year_or_longer", "two_or_more")
FOREIGN_WORK_TIERS: Final = ("none", "one_or_two_years", "three_years_or_more")
LANGUAGE_COLUMNS: Final = ("lower", "upper")
CANADIAN_WORK_COLUMNS: Final = ("one_year", "two_years_or_more")

# "ALL" stands alone in provinces_of_interest: every province (interfaces.md §1).
EVERY_PROVINCE: Final = "ALL"
PROVINCES: Final = ("AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT")


def code_of(vocabulary: tuple[str, ...], value: str) -> int:
    """The integer code of ``value`` in ``vocabulary``; ValueError when it is not a member."""
    return vocabulary.index(value)
