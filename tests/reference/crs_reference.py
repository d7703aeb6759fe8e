"""Test oracle: a plain, one-profile-at-a-time reference implementation of the CRS score.

This module exists ONLY so that tests can check the production (vectorised) scorer against an
independent implementation written from the same specification. It deliberately imports nothing
from the ``openentry`` package and uses the standard library only. Every table is transcribed
literally from the specification so that a reader can check it line by line; speed is not a goal.

Specification followed (all under /work/shared/spec/):

- crs-and-programs.md section 1 (the CRS grid: 1.0 structure and caps, 1.1 column choice, 1.2 age,
  1.3 education, 1.4 first official language, 1.5 second official language, 1.6 Canadian work,
  1.7 spouse factors, 1.8 skill transferability, 1.9 additional points, 1.10 reference algorithm);
- crs-and-programs.md section 2 (language test -> CLB/NCLC tables 2.1 to 2.6);
- crs-and-programs.md section 5 (dated history of rule changes) and section 6 (worked examples);
- interfaces.md section 1 (the profile JSON format and its defaults).

Project decisions applied on top of the specification (interpretations, fixed by the lead):

1. "With spouse" column only if marital_status is married or common_law, the spouse is
   accompanying and the spouse is not a Canadian citizen or permanent resident.
2. Age is the ``age`` field, or whole years from ``birth_date`` on the scoring date (the birthday
   itself counts).
3. Each language ability is converted separately with the section 2 tables; ``clb``/``nclc``
   levels are given directly (0..12, capped at 10 for points). TEF uses the old (section 2.5)
   table for results whose test_date is before 2023-12-11 and the new (section 2.4) table
   otherwise. A score below the CLB 4 row gives level 3 ("3 or less", 0 points everywhere).
4. Eras, by effective date (the newest rule not after the scoring date wins):
   arranged employment 600 for any offer from 2015-01-01, 200/50 from 2016-11-19 (reworded, same
   points, 2022-11-16), 0 from 2025-03-25; Canadian education 15/30 from 2016-11-19; master's and
   doctoral degrees are the top transferability education tier from launch (the 2016-11-19
   amendment only clarified it, IRCC's archived notice); French points 15/30 from 2017-06-06 and
   25/50 from 2020-10-27; sibling 15 from 2017-06-06; provincial nomination 600 always. Dates
   before 2015-01-01 are rejected (no CRS existed).
5. Spouse section (with-spouse column only): spouse_education, spouse_language (any test; null
   scores 0), spouse_canadian_work_years capped at 5.
6. Transferability uses the principal applicant's first official language, lowest of the four
   abilities; Canadian work capped at 2 years for the transferability tiers; foreign work tiers
   are none, 1-2 years, 3 or more years.
7. Core Canadian work: canadian_work_years capped at 5.

Not modelled (outside the brief): the 2-year validity of language results and PTE Core's
acceptance date (2024-01-30) are treated as validation concerns; results are scored as given.
"""

from __future__ import annotations

import datetime
from typing import Any

# ---------------------------------------------------------------------------------------------
# Columns (section 1.0 / 1.1). Every two-column table below is written (with spouse, without
# spouse), in the same column order as the specification's tables.
# ---------------------------------------------------------------------------------------------

WITH_SPOUSE_COLUMN = 0
WITHOUT_SPOUSE_COLUMN = 1

ABILITIES: tuple[str, ...] = ("reading", "writing", "listening", "speaking")

# ---------------------------------------------------------------------------------------------
# Effective dates (section 5 and project decision 4)
# ---------------------------------------------------------------------------------------------

EXPRESS_ENTRY_LAUNCH = datetime.date(2015, 1, 1)
NOVEMBER_2016_CHANGES = datetime.date(2016, 11, 19)
JUNE_2017_CHANGES = datetime.date(2017, 6, 6)
FRENCH_POINTS_INCREASE = datetime.date(2020, 10, 27)
NOC_2021_TRANSITION = datetime.date(2022, 11, 16)
ARRANGED_EMPLOYMENT_REMOVAL = datetime.date(2025, 3, 25)
TEF_NEW_SCALE_FROM = datetime.date(2023, 12, 11)

# ---------------------------------------------------------------------------------------------
# Section 1.2 Age: age -> (with spouse, without spouse). 17 or less and 45 or more: 0.
# ---------------------------------------------------------------------------------------------

AGE_POINTS: dict[int, tuple[int, int]] = {
    18: (90, 99),
    19: (95, 105),
    20: (100, 110),
    21: (100, 110),
    22: (100, 110),
    23: (100, 110),
    24: (100, 110),
    25: (100, 110),
    26: (100, 110),
    27: (100, 110),
    28: (100, 110),
    29: (100, 110),
    30: (95, 105),
    31: (90, 99),
    32: (85, 94),
    33: (80, 88),
    34: (75, 83),
    35: (70, 77),
    36: (65, 72),
    37: (60, 66),
    38: (55, 61),
    39: (50, 55),
    40: (45, 50),
    41: (35, 39),
    42: (25, 28),
    43: (15, 17),
    44: (5, 6),
}

# ---------------------------------------------------------------------------------------------
# Section 1.3 Level of education (principal applicant): (with spouse, without spouse)
# ---------------------------------------------------------------------------------------------

EDUCATION_POINTS: dict[str, tuple[int, int]] = {
    "less_than_secondary": (0, 0),
    "secondary": (28, 30),
    "one_year_post_secondary": (84, 90),
    "two_year_post_secondary": (91, 98),
    "bachelors": (112, 120),
    "two_or_more": (119, 128),
    "masters": (126, 135),
    "doctoral": (140, 150),
}

# ---------------------------------------------------------------------------------------------
# Section 1.4 First official language, per ability: CLB level -> (with spouse, without spouse).
# Less than CLB 4: 0. Level 10 means "CLB 10 or more" (levels are capped at 10 before lookup).
# ---------------------------------------------------------------------------------------------

FIRST_LANGUAGE_POINTS: dict[int, tuple[int, int]] = {
    4: (6, 6),
    5: (6, 6),
    6: (8, 9),
    7: (16, 17),
    8: (22, 23),
    9: (29, 31),
    10: (32, 34),
}

# ---------------------------------------------------------------------------------------------
# Section 1.5 Second official language, per ability (either column); the sum is capped.
# CLB 4 or less: 0; 5 or 6: 1; 7 or 8: 3; 9 or more: 6.
# ---------------------------------------------------------------------------------------------

SECOND_LANGUAGE_POINTS: dict[int, int] = {
    5: 1,
    6: 1,
    7: 3,
    8: 3,
    9: 6,
    10: 6,
}
SECOND_LANGUAGE_CAP_WITH_SPOUSE = 22
SECOND_LANGUAGE_CAP_WITHOUT_SPOUSE = 24

# ---------------------------------------------------------------------------------------------
# Section 1.6 Canadian work experience (principal applicant): years -> (with, without).
# 5 means "5 years or more" (years are capped at 5 before lookup).
# ---------------------------------------------------------------------------------------------

CANADIAN_WORK_POINTS: dict[int, tuple[int, int]] = {
    0: (0, 0),
    1: (35, 40),
    2: (46, 53),
    3: (56, 64),
    4: (63, 72),
    5: (70, 80),
}

# ---------------------------------------------------------------------------------------------
# Section 1.7 Spouse or common-law partner factors
# ---------------------------------------------------------------------------------------------

SPOUSE_EDUCATION_POINTS: dict[str, int] = {
    "less_than_secondary": 0,
    "secondary": 2,
    "one_year_post_secondary": 6,
    "two_year_post_secondary": 7,
    "bachelors": 8,
    "two_or_more": 9,
    "masters": 10,
    "doctoral": 10,
}

# Per ability, summed (max 20). CLB 4 or less: 0; 5 or 6: 1; 7 or 8: 3; 9 or more: 5.
SPOUSE_LANGUAGE_POINTS: dict[int, int] = {
    5: 1,
    6: 1,
    7: 3,
    8: 3,
    9: 5,
    10: 5,
}

# Years (capped at 5) -> points (max 10).
SPOUSE_CANADIAN_WORK_POINTS: dict[int, int] = {
    0: 0,
    1: 5,
    2: 7,
    3: 8,
    4: 9,
    5: 10,
}

# ---------------------------------------------------------------------------------------------
# Section 1.8 Skill transferability
# ---------------------------------------------------------------------------------------------

# Education tiers: T0 secondary or less; T1 post-secondary of one year or longer; T2 two or more
# credentials (one of 3+ years), master's / entry-to-practice professional, doctoral. The same on
# every date (project decision 4: the 2016-11-19 notice clarified the master's and doctoral rows).
EDUCATION_TIER: dict[str, int] = {
    "less_than_secondary": 0,
    "secondary": 0,
    "one_year_post_secondary": 1,
    "two_year_post_secondary": 1,
    "bachelors": 1,
    "two_or_more": 2,
    "masters": 2,
    "doctoral": 2,
}

# Education tier -> (CLB 7+ on all four with at least one under CLB 9, CLB 9+ on all four)
EDUCATION_WITH_LANGUAGE_POINTS: dict[int, tuple[int, int]] = {
    0: (0, 0),
    1: (13, 25),
    2: (25, 50),
}
# Education tier -> (1 year Canadian work, 2 or more years Canadian work)
EDUCATION_WITH_CANADIAN_WORK_POINTS: dict[int, tuple[int, int]] = {
    0: (0, 0),
    1: (13, 25),
    2: (25, 50),
}
EDUCATION_TRANSFERABILITY_CAP = 50

# Foreign work tiers: 0 none or less than 1 year; 1 one or two years; 2 three years or more.
# Foreign tier -> (CLB 7+ on all four with at least one under CLB 9, CLB 9+ on all four)
FOREIGN_WORK_WITH_LANGUAGE_POINTS: dict[int, tuple[int, int]] = {
    0: (0, 0),
    1: (13, 25),
    2: (25, 50),
}
# Foreign tier -> (1 year Canadian work, 2 or more years Canadian work)
FOREIGN_WORK_WITH_CANADIAN_WORK_POINTS: dict[int, tuple[int, int]] = {
    0: (0, 0),
    1: (13, 25),
    2: (25, 50),
}
FOREIGN_WORK_TRANSFERABILITY_CAP = 50

# Certificate of qualification: (CLB 5+ on all four with at least one under CLB 7, CLB 7+ on all four)
CERTIFICATE_OF_QUALIFICATION_POINTS: tuple[int, int] = (25, 50)

TRANSFERABILITY_SECTION_CAP = 100

# ---------------------------------------------------------------------------------------------
# Section 1.9 Additional points
# ---------------------------------------------------------------------------------------------

PROVINCIAL_NOMINATION_POINTS = 600
SIBLING_IN_CANADA_POINTS = 15
CANADIAN_EDUCATION_POINTS: dict[str, int] = {
    "none": 0,
    "one_or_two_year": 15,
    "three_year_or_longer": 30,
}
ADDITIONAL_SECTION_CAP = 600

# ---------------------------------------------------------------------------------------------
# Section 2 Language test -> CLB / NCLC
# ---------------------------------------------------------------------------------------------

# Returned for any score below the CLB/NCLC 4 row: "CLB 3 or less", worth 0 points everywhere.
BELOW_LEVEL_FOUR = 3

ENGLISH_TESTS: frozenset[str] = frozenset({"ielts", "celpip", "pte_core", "clb"})
FRENCH_TESTS: frozenset[str] = frozenset({"tef_canada", "tcf_canada", "nclc"})

# Section 2.2 IELTS General Training: minimum band for each level.
IELTS_MINIMUM_BAND: dict[int, dict[str, float]] = {
    10: {"reading": 8.0, "writing": 7.5, "listening": 8.5, "speaking": 7.5},
    9: {"reading": 7.0, "writing": 7.0, "listening": 8.0, "speaking": 7.0},
    8: {"reading": 6.5, "writing": 6.5, "listening": 7.5, "speaking": 6.5},
    7: {"reading": 6.0, "writing": 6.0, "listening": 6.0, "speaking": 6.0},
    6: {"reading": 5.0, "writing": 5.5, "listening": 5.5, "speaking": 5.5},
    5: {"reading": 4.0, "writing": 5.0, "listening": 5.0, "speaking": 5.0},
    4: {"reading": 3.5, "writing": 4.0, "listening": 4.5, "speaking": 4.0},
}

# Section 2.3 PTE Core: level -> ability -> (lowest score, highest score), inclusive.
PTE_CORE_RANGES: dict[int, dict[str, tuple[float, float]]] = {
    10: {"reading": (88, 90), "writing": (90, 90), "listening": (89, 90), "speaking": (89, 90)},
    9: {"reading": (78, 87), "writing": (88, 89), "listening": (82, 88), "speaking": (84, 88)},
    8: {"reading": (69, 77), "writing": (79, 87), "listening": (71, 81), "speaking": (76, 83)},
    7: {"reading": (60, 68), "writing": (69, 78), "listening": (60, 70), "speaking": (68, 75)},
    6: {"reading": (51, 59), "writing": (60, 68), "listening": (50, 59), "speaking": (59, 67)},
    5: {"reading": (42, 50), "writing": (51, 59), "listening": (39, 49), "speaking": (51, 58)},
    4: {"reading": (33, 41), "writing": (41, 50), "listening": (28, 38), "speaking": (42, 50)},
    3: {"reading": (24, 32), "writing": (32, 40), "listening": (18, 27), "speaking": (34, 41)},
}

# Section 2.4 TEF Canada, results of tests taken on or after 2023-12-11 (scale 0-699).
TEF_NEW_SCALE_RANGES: dict[int, dict[str, tuple[float, float]]] = {
    10: {"reading": (546, 699), "writing": (558, 699), "listening": (546, 699), "speaking": (556, 699)},
    9: {"reading": (503, 545), "writing": (512, 557), "listening": (503, 545), "speaking": (518, 555)},
    8: {"reading": (462, 502), "writing": (472, 511), "listening": (462, 502), "speaking": (494, 517)},
    7: {"reading": (434, 461), "writing": (428, 471), "listening": (434, 461), "speaking": (456, 493)},
    6: {"reading": (393, 433), "writing": (379, 427), "listening": (393, 433), "speaking": (422, 455)},
    5: {"reading": (352, 392), "writing": (330, 378), "listening": (352, 392), "speaking": (387, 421)},
    4: {"reading": (306, 351), "writing": (268, 329), "listening": (306, 351), "speaking": (328, 386)},
}

# Section 2.5 TEF Canada, results of tests taken before 2023-12-11 (old scale).
TEF_OLD_SCALE_RANGES: dict[int, dict[str, tuple[float, float]]] = {
    10: {"reading": (263, 300), "writing": (393, 450), "listening": (316, 360), "speaking": (393, 450)},
    9: {"reading": (248, 262), "writing": (371, 392), "listening": (298, 315), "speaking": (371, 392)},
    8: {"reading": (233, 247), "writing": (349, 370), "listening": (280, 297), "speaking": (349, 370)},
    7: {"reading": (207, 232), "writing": (310, 348), "listening": (249, 279), "speaking": (310, 348)},
    6: {"reading": (181, 206), "writing": (271, 309), "listening": (217, 248), "speaking": (271, 309)},
    5: {"reading": (151, 180), "writing": (226, 270), "listening": (181, 216), "speaking": (226, 270)},
    4: {"reading": (121, 150), "writing": (181, 225), "listening": (145, 180), "speaking": (181, 225)},
}

# Section 2.6 TCF Canada (writing and speaking out of 20).
TCF_RANGES: dict[int, dict[str, tuple[float, float]]] = {
    10: {"reading": (549, 699), "writing": (16, 20), "listening": (549, 699), "speaking": (16, 20)},
    9: {"reading": (524, 548), "writing": (14, 15), "listening": (523, 548), "speaking": (14, 15)},
    8: {"reading": (499, 523), "writing": (12, 13), "listening": (503, 522), "speaking": (12, 13)},
    7: {"reading": (453, 498), "writing": (10, 11), "listening": (458, 502), "speaking": (10, 11)},
    6: {"reading": (406, 452), "writing": (7, 9), "listening": (398, 457), "speaking": (7, 9)},
    5: {"reading": (375, 405), "writing": (6, 6), "listening": (369, 397), "speaking": (6, 6)},
    4: {"reading": (342, 374), "writing": (4, 5), "listening": (331, 368), "speaking": (4, 5)},
}

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


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------


def _as_date(value: Any) -> datetime.date:
    """An ISO date string, a date or a datetime, as a date."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def _level_from_ranges(score: float, ranges: dict[int, dict[str, tuple[float, float]]], ability: str) -> int:
    """The highest level whose lowest score is at or below ``score``.

    Scores above the top row map to the top row (section 2, "or above"); scores below the
    lowest row are "3 or less".
    """
    for level in sorted(ranges, reverse=True):
        lowest_score, _highest_score = ranges[level][ability]
        if score >= lowest_score:
            return level
    return BELOW_LEVEL_FOUR


def language_of_test(test: str) -> str:
    """'english' or 'french' for a test name of interfaces.md section 1."""
    if test in ENGLISH_TESTS:
        return "english"
    if test in FRENCH_TESTS:
        return "french"
    raise ValueError(f"unknown language test {test!r}")


def ability_level(result: dict[str, Any], ability: str) -> int:
    """CLB (English) or NCLC (French) level of one ability of a language result (section 2).

    Levels are capped at 10 (the top row of every points table is "10 or more"); anything
    below the level-4 row is "3 or less" and scores 0 everywhere.
    """
    test = result["test"]
    score = result[ability]
    if test in ("clb", "nclc"):
        return min(int(score), 10)
    if test == "celpip":
        # Section 2.1: CELPIP level = CLB level; 11 and 12 count as CLB 10.
        return min(int(score), 10)
    if test == "ielts":
        for level in (10, 9, 8, 7, 6, 5, 4):
            if score >= IELTS_MINIMUM_BAND[level][ability]:
                return level
        return BELOW_LEVEL_FOUR
    if test == "pte_core":
        return _level_from_ranges(score, PTE_CORE_RANGES, ability)
    if test == "tef_canada":
        test_date = _as_date(result["test_date"])
        if test_date < TEF_NEW_SCALE_FROM:
            return _level_from_ranges(score, TEF_OLD_SCALE_RANGES, ability)
        return _level_from_ranges(score, TEF_NEW_SCALE_RANGES, ability)
    if test == "tcf_canada":
        return _level_from_ranges(score, TCF_RANGES, ability)
    raise ValueError(f"unknown language test {test!r}")


def language_levels(result: dict[str, Any] | None) -> dict[str, int] | None:
    """The four CLB/NCLC levels of a language result, or None when there is no result."""
    if result is None:
        return None
    return {ability: ability_level(result, ability) for ability in ABILITIES}


def age_on(profile: dict[str, Any], on: datetime.date) -> int:
    """Age in whole years on the scoring date (project decision 2)."""
    if profile.get("age") is not None:
        return int(profile["age"])
    birth_date = _as_date(profile["birth_date"])
    years = on.year - birth_date.year
    # The birthday itself counts: on the birthday the new age applies.
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def uses_with_spouse_column(profile: dict[str, Any]) -> bool:
    """Section 1.1 / project decision 1."""
    married_or_common_law = profile["marital_status"] in ("married", "common_law")
    spouse_accompanying = bool(profile.get("spouse_accompanying", False))
    spouse_canadian = bool(profile.get("spouse_canadian", False))
    return married_or_common_law and spouse_accompanying and not spouse_canadian


# ---------------------------------------------------------------------------------------------
# Factor by factor
# ---------------------------------------------------------------------------------------------


def age_points(age: int, column: int) -> int:
    """Section 1.2."""
    if age in AGE_POINTS:
        return AGE_POINTS[age][column]
    return 0  # 17 or less, 45 or more


def education_points(education: str, column: int) -> int:
    """Section 1.3."""
    return EDUCATION_POINTS[education][column]


def first_language_points(levels: dict[str, int] | None, column: int) -> int:
    """Section 1.4: each ability scored and summed."""
    if levels is None:
        return 0
    total = 0
    for ability in ABILITIES:
        level = min(levels[ability], 10)
        if level >= 4:
            total += FIRST_LANGUAGE_POINTS[level][column]
    return total


def second_language_points(levels: dict[str, int] | None, with_spouse: bool) -> int:
    """Section 1.5: each ability scored, summed, then capped at 22 (with spouse) or 24."""
    if levels is None:
        return 0
    total = 0
    for ability in ABILITIES:
        level = min(levels[ability], 10)
        if level >= 5:
            total += SECOND_LANGUAGE_POINTS[level]
    if with_spouse:
        return min(total, SECOND_LANGUAGE_CAP_WITH_SPOUSE)
    return min(total, SECOND_LANGUAGE_CAP_WITHOUT_SPOUSE)


def canadian_work_points(canadian_work_years: int, column: int) -> int:
    """Section 1.6 (years capped at 5, project decision 7)."""
    return CANADIAN_WORK_POINTS[min(canadian_work_years, 5)][column]


def spouse_education_points(spouse_education: str) -> int:
    """Section 1.7, spouse education."""
    return SPOUSE_EDUCATION_POINTS[spouse_education]


def spouse_language_points(levels: dict[str, int] | None) -> int:
    """Section 1.7, spouse first official language (max 20)."""
    if levels is None:
        return 0
    total = 0
    for ability in ABILITIES:
        level = min(levels[ability], 10)
        if level >= 5:
            total += SPOUSE_LANGUAGE_POINTS[level]
    return total


def spouse_canadian_work_points(spouse_canadian_work_years: int) -> int:
    """Section 1.7, spouse Canadian work (years capped at 5)."""
    return SPOUSE_CANADIAN_WORK_POINTS[min(spouse_canadian_work_years, 5)]


def transferability_education_tier(education: str, on: datetime.date) -> int:
    """Section 1.8 education tiers, the same on every date ``on`` (project decision 4)."""
    return EDUCATION_TIER[education]


def foreign_work_tier(foreign_work_years: int) -> int:
    """Section 1.8: 0 none, 1 for 1-2 years, 2 for 3 or more years."""
    if foreign_work_years >= 3:
        return 2
    if foreign_work_years >= 1:
        return 1
    return 0


def language_column_for_transferability(lowest_first_language_level: int) -> int | None:
    """Section 1.8: index into the (CLB 7-8, CLB 9+) columns, or None below CLB 7."""
    if lowest_first_language_level >= 9:
        return 1
    if lowest_first_language_level >= 7:
        return 0
    return None


def canadian_work_column_for_transferability(canadian_work_years: int) -> int | None:
    """Section 1.8: index into the (1 year, 2 or more years) columns, or None for none."""
    capped_years = min(canadian_work_years, 2)
    if capped_years == 2:
        return 1
    if capped_years == 1:
        return 0
    return None


def transferability_education_points(
    education: str, lowest_first_language_level: int, canadian_work_years: int, on: datetime.date
) -> int:
    """Section 1.8: min(50, education+language + education+Canadian work)."""
    tier = transferability_education_tier(education, on)
    language_column = language_column_for_transferability(lowest_first_language_level)
    work_column = canadian_work_column_for_transferability(canadian_work_years)
    with_language = 0 if language_column is None else EDUCATION_WITH_LANGUAGE_POINTS[tier][language_column]
    with_canadian_work = 0 if work_column is None else EDUCATION_WITH_CANADIAN_WORK_POINTS[tier][work_column]
    return min(EDUCATION_TRANSFERABILITY_CAP, with_language + with_canadian_work)


def transferability_foreign_work_points(
    foreign_work_years: int, lowest_first_language_level: int, canadian_work_years: int
) -> int:
    """Section 1.8: min(50, foreign+language + foreign+Canadian work)."""
    tier = foreign_work_tier(foreign_work_years)
    language_column = language_column_for_transferability(lowest_first_language_level)
    work_column = canadian_work_column_for_transferability(canadian_work_years)
    with_language = 0 if language_column is None else FOREIGN_WORK_WITH_LANGUAGE_POINTS[tier][language_column]
    with_canadian_work = (
        0 if work_column is None else FOREIGN_WORK_WITH_CANADIAN_WORK_POINTS[tier][work_column]
    )
    return min(FOREIGN_WORK_TRANSFERABILITY_CAP, with_language + with_canadian_work)


def transferability_certificate_points(has_certificate: bool, lowest_first_language_level: int) -> int:
    """Section 1.8: certificate of qualification with CLB 5+ (25) or CLB 7+ (50) on all four."""
    if not has_certificate:
        return 0
    if lowest_first_language_level >= 7:
        return CERTIFICATE_OF_QUALIFICATION_POINTS[1]
    if lowest_first_language_level >= 5:
        return CERTIFICATE_OF_QUALIFICATION_POINTS[0]
    return 0


def french_points(
    french_levels: dict[str, int] | None, english_levels: dict[str, int] | None, on: datetime.date
) -> int:
    """Section 1.9 French-language skills, with the eras of project decision 4."""
    if on < JUNE_2017_CHANGES:
        return 0
    if french_levels is None:
        return 0
    if min(french_levels.values()) < 7:
        return 0
    english_clb_five_or_more_in_all_four = english_levels is not None and min(english_levels.values()) >= 5
    if on >= FRENCH_POINTS_INCREASE:
        return 50 if english_clb_five_or_more_in_all_four else 25
    return 30 if english_clb_five_or_more_in_all_four else 15


def sibling_points(sibling_in_canada: bool, on: datetime.date) -> int:
    """Section 1.9 brother or sister in Canada: 15 from 2017-06-06."""
    if on < JUNE_2017_CHANGES:
        return 0
    return SIBLING_IN_CANADA_POINTS if sibling_in_canada else 0


def canadian_education_points(canadian_education: str, on: datetime.date) -> int:
    """Section 1.9 post-secondary education in Canada: 15/30 from 2016-11-19."""
    if on < NOVEMBER_2016_CHANGES:
        return 0
    return CANADIAN_EDUCATION_POINTS[canadian_education]


def arranged_employment_points(job_offer: str, on: datetime.date) -> int:
    """Section 1.9 arranged employment by era (project decision 4)."""
    if job_offer == "none":
        return 0
    if on >= ARRANGED_EMPLOYMENT_REMOVAL:
        return 0
    if on >= NOC_2021_TRANSITION:
        # NOC 2021 wording: TEER 0 Major Group 00 = 200; TEER 1-3 or other TEER 0 = 50.
        return {"teer0_major_group_00": 200, "other_teer_0_1_2_3": 50}[job_offer]
    if on >= NOVEMBER_2016_CHANGES:
        # NOC 2016 wording: major group 00 = 200; other skill type 0 or level A/B = 50.
        return {"teer0_major_group_00": 200, "other_teer_0_1_2_3": 50}[job_offer]
    # 2015-01-01 to 2016-11-18: any qualifying offer of arranged employment = 600.
    return {"teer0_major_group_00": 600, "other_teer_0_1_2_3": 600}[job_offer]


def provincial_nomination_points(provincial_nomination: bool) -> int:
    """Section 1.9 provincial or territorial nomination: 600 in every era."""
    return PROVINCIAL_NOMINATION_POINTS if provincial_nomination else 0


# ---------------------------------------------------------------------------------------------
# Public entry point
# ---------------------------------------------------------------------------------------------


def reference_score(profile: dict[str, Any], on: datetime.date) -> dict[str, Any]:
    """CRS score of one (already valid) profile under the rules in force on ``on``.

    Returns ``{"core", "spouse", "transferability", "additional", "total", "lines"}`` where
    ``lines`` holds IRCC's 16 itemised lines (each after its own sub-cap, before section caps).
    """
    on = _as_date(on)
    if on < EXPRESS_ENTRY_LAUNCH:
        raise ValueError(f"no CRS rules before {EXPRESS_ENTRY_LAUNCH.isoformat()} (asked for {on})")

    with_spouse = uses_with_spouse_column(profile)
    column = WITH_SPOUSE_COLUMN if with_spouse else WITHOUT_SPOUSE_COLUMN

    first_language_result = profile.get("first_language")
    second_language_result = profile.get("second_language")
    first_levels = language_levels(first_language_result)
    second_levels = language_levels(second_language_result)

    canadian_work_years = int(profile.get("canadian_work_years", 0) or 0)
    foreign_work_years = int(profile.get("foreign_work_years", 0) or 0)

    lines: dict[str, int] = dict.fromkeys(LINE_NAMES, 0)

    # A. Core / human capital
    lines["core.age"] = age_points(age_on(profile, on), column)
    lines["core.education"] = education_points(profile["education"], column)
    lines["core.first_language"] = first_language_points(first_levels, column)
    lines["core.second_language"] = second_language_points(second_levels, with_spouse)
    lines["core.canadian_work"] = canadian_work_points(canadian_work_years, column)

    # B. Spouse or common-law partner (with-spouse column only)
    if with_spouse:
        spouse_levels = language_levels(profile.get("spouse_language"))
        spouse_work_years = int(profile.get("spouse_canadian_work_years", 0) or 0)
        lines["spouse.education"] = spouse_education_points(
            profile.get("spouse_education") or "less_than_secondary"
        )
        lines["spouse.language"] = spouse_language_points(spouse_levels)
        lines["spouse.canadian_work"] = spouse_canadian_work_points(spouse_work_years)

    # C. Skill transferability: first official language, lowest of the four abilities.
    lowest_first_level = min(first_levels.values()) if first_levels is not None else 0
    lines["transferability.education"] = transferability_education_points(
        profile["education"], lowest_first_level, canadian_work_years, on
    )
    lines["transferability.foreign_work"] = transferability_foreign_work_points(
        foreign_work_years, lowest_first_level, canadian_work_years
    )
    lines["transferability.certificate"] = transferability_certificate_points(
        bool(profile.get("certificate_of_qualification", False)), lowest_first_level
    )

    # D. Additional points: French uses the French result, first or second language.
    french_levels: dict[str, int] | None = None
    english_levels: dict[str, int] | None = None
    for result, levels in ((first_language_result, first_levels), (second_language_result, second_levels)):
        if result is None:
            continue
        if language_of_test(result["test"]) == "french":
            french_levels = levels
        else:
            english_levels = levels
    lines["additional.french"] = french_points(french_levels, english_levels, on)
    lines["additional.sibling"] = sibling_points(bool(profile.get("sibling_in_canada", False)), on)
    lines["additional.canadian_education"] = canadian_education_points(
        profile.get("canadian_education") or "none", on
    )
    lines["additional.arranged_employment"] = arranged_employment_points(
        profile.get("job_offer") or "none", on
    )
    lines["additional.provincial_nomination"] = provincial_nomination_points(
        bool(profile.get("provincial_nomination", False))
    )

    core = (
        lines["core.age"]
        + lines["core.education"]
        + lines["core.first_language"]
        + lines["core.second_language"]
        + lines["core.canadian_work"]
    )
    spouse = lines["spouse.education"] + lines["spouse.language"] + lines["spouse.canadian_work"]
    transferability = min(
        TRANSFERABILITY_SECTION_CAP,
        lines["transferability.education"]
        + lines["transferability.foreign_work"]
        + lines["transferability.certificate"],
    )
    additional = min(
        ADDITIONAL_SECTION_CAP,
        lines["additional.french"]
        + lines["additional.sibling"]
        + lines["additional.canadian_education"]
        + lines["additional.arranged_employment"]
        + lines["additional.provincial_nomination"],
    )
    return {
        "core": core,
        "spouse": spouse,
        "transferability": transferability,
        "additional": additional,
        "total": core + spouse + transferability + additional,
        "lines": lines,
    }
