"""Checks of the CRS test oracle (crs_reference.py) against the specification.

1. Every worked example of /work/shared/spec/crs-examples.jsonl (crs-and-programs.md section 6).
2. Hand-computed cases on the day before and the day of each effective date of the project's
   era decisions (crs-and-programs.md sections 1.9 and 5), with the arithmetic in comments.
3. A few hand-computed cases for the column choice, age, language conversion and caps.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest

from tests.reference.crs_reference import LINE_NAMES, language_levels, reference_score

# A copy of shared/spec/crs-examples.jsonl travels with the tests, so they run without ../shared.
EXAMPLES_PATH = Path(__file__).resolve().parents[1] / "data" / "crs-examples.jsonl"
SECTIONS = ("total", "core", "spouse", "transferability", "additional")


def load_examples() -> list[dict[str, Any]]:
    with EXAMPLES_PATH.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


EXAMPLES = load_examples()


def test_examples_file_is_not_empty() -> None:
    assert len(EXAMPLES) >= 9


@pytest.mark.parametrize("example", EXAMPLES, ids=[example["name"] for example in EXAMPLES])
def test_worked_example(example: dict[str, Any]) -> None:
    result = reference_score(example["profile"], datetime.date.fromisoformat(example["on"]))
    assert {section: result[section] for section in SECTIONS} == example["expected"]
    assert set(result["lines"]) == set(LINE_NAMES)


# ---------------------------------------------------------------------------------------------
# Profiles used by the hand-computed cases
# ---------------------------------------------------------------------------------------------


def clb(level: int) -> dict[str, Any]:
    return {"test": "clb", "reading": level, "writing": level, "listening": level, "speaking": level}


def nclc(level: int) -> dict[str, Any]:
    return {"test": "nclc", "reading": level, "writing": level, "listening": level, "speaking": level}


def single_bachelor_clb9(**extra: Any) -> dict[str, Any]:
    # Single, 29, bachelor's, CLB 9 x4 (example E1): core 110 + 120 + 31x4 = 354;
    # transferability T1 with CLB 9+ = 25; total without additional points 379.
    profile: dict[str, Any] = {
        "age": 29,
        "marital_status": "never_married",
        "education": "bachelors",
        "first_language": clb(9),
    }
    profile.update(extra)
    return profile


def french_first_english_second() -> dict[str, Any]:
    # Example E6: single, 29, bachelor's, NCLC 7 x4 first, CLB 5 x4 second.
    # core 110 + 120 + 17x4 (68) + second language 1x4 (4) = 302; transferability T1, CLB 7-8 = 13.
    return {
        "age": 29,
        "marital_status": "never_married",
        "education": "bachelors",
        "first_language": nclc(7),
        "second_language": clb(5),
    }


def french_only() -> dict[str, Any]:
    # Example E6b: as E6 without English. core 110 + 120 + 68 = 298; transferability 13.
    return {"age": 29, "marital_status": "never_married", "education": "bachelors", "first_language": nclc(7)}


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


# ---------------------------------------------------------------------------------------------
# Eras (project decision 4): the day before and the day of each effective date
# ---------------------------------------------------------------------------------------------

# (case id, profile, scoring date, expected additional section, expected total)
ERA_CASES: list[tuple[str, dict[str, Any], str, int, int]] = [
    # --- 2015-01-01 Express Entry launch: any job offer = 600 ---------------------------------
    # 354 + 25 + 600 = 979
    ("offer-00-2015-01-01", single_bachelor_clb9(job_offer="teer0_major_group_00"), "2015-01-01", 600, 979),
    ("offer-other-2015-01-01", single_bachelor_clb9(job_offer="other_teer_0_1_2_3"), "2015-01-01", 600, 979),
    # nomination 600 from the first day: 354 + 25 + 600 = 979
    ("nomination-2015-01-01", single_bachelor_clb9(provincial_nomination=True), "2015-01-01", 600, 979),
    # --- 2016-11-19: job offer 600 -> 200 / 50 ----------------------------------------------------
    # day before: still 600 for any offer: 354 + 25 + 600 = 979
    ("offer-00-2016-11-18", single_bachelor_clb9(job_offer="teer0_major_group_00"), "2016-11-18", 600, 979),
    ("offer-other-2016-11-18", single_bachelor_clb9(job_offer="other_teer_0_1_2_3"), "2016-11-18", 600, 979),
    # day of: major group 00 = 200 -> 354 + 25 + 200 = 579; other = 50 -> 354 + 25 + 50 = 429
    ("offer-00-2016-11-19", single_bachelor_clb9(job_offer="teer0_major_group_00"), "2016-11-19", 200, 579),
    ("offer-other-2016-11-19", single_bachelor_clb9(job_offer="other_teer_0_1_2_3"), "2016-11-19", 50, 429),
    # --- 2016-11-19: Canadian education 15 / 30 added --------------------------------------------
    # day before: 0 -> 379; day of: 3+ years = 30 -> 409, 1-2 years = 15 -> 394
    (
        "cdn-edu-3yr-2016-11-18",
        single_bachelor_clb9(canadian_education="three_year_or_longer"),
        "2016-11-18",
        0,
        379,
    ),
    (
        "cdn-edu-3yr-2016-11-19",
        single_bachelor_clb9(canadian_education="three_year_or_longer"),
        "2016-11-19",
        30,
        409,
    ),
    (
        "cdn-edu-1-2yr-2016-11-18",
        single_bachelor_clb9(canadian_education="one_or_two_year"),
        "2016-11-18",
        0,
        379,
    ),
    (
        "cdn-edu-1-2yr-2016-11-19",
        single_bachelor_clb9(canadian_education="one_or_two_year"),
        "2016-11-19",
        15,
        394,
    ),
    # --- 2017-06-06: French 15 / 30, sibling 15 --------------------------------------------------
    # E6 (French + English CLB 5+): day before 302 + 13 + 0 = 315; day of 302 + 13 + 30 = 345
    ("french-bilingual-2017-06-05", french_first_english_second(), "2017-06-05", 0, 315),
    ("french-bilingual-2017-06-06", french_first_english_second(), "2017-06-06", 30, 345),
    # E6b (French, no English): day before 298 + 13 = 311; day of 298 + 13 + 15 = 326
    ("french-only-2017-06-05", french_only(), "2017-06-05", 0, 311),
    ("french-only-2017-06-06", french_only(), "2017-06-06", 15, 326),
    # sibling: day before 379; day of 379 + 15 = 394
    ("sibling-2017-06-05", single_bachelor_clb9(sibling_in_canada=True), "2017-06-05", 0, 379),
    ("sibling-2017-06-06", single_bachelor_clb9(sibling_in_canada=True), "2017-06-06", 15, 394),
    # --- 2020-10-27: French 15 -> 25, 30 -> 50 ---------------------------------------------------
    # E6: day before 302 + 13 + 30 = 345; day of 302 + 13 + 50 = 365
    ("french-bilingual-2020-10-26", french_first_english_second(), "2020-10-26", 30, 345),
    ("french-bilingual-2020-10-27", french_first_english_second(), "2020-10-27", 50, 365),
    # E6b: day before 298 + 13 + 15 = 326; day of 298 + 13 + 25 = 336
    ("french-only-2020-10-26", french_only(), "2020-10-26", 15, 326),
    ("french-only-2020-10-27", french_only(), "2020-10-27", 25, 336),
    # --- 2022-11-16: NOC 2021 rewording, same 200 / 50 -------------------------------------------
    ("offer-00-2022-11-15", single_bachelor_clb9(job_offer="teer0_major_group_00"), "2022-11-15", 200, 579),
    ("offer-00-2022-11-16", single_bachelor_clb9(job_offer="teer0_major_group_00"), "2022-11-16", 200, 579),
    ("offer-other-2022-11-15", single_bachelor_clb9(job_offer="other_teer_0_1_2_3"), "2022-11-15", 50, 429),
    ("offer-other-2022-11-16", single_bachelor_clb9(job_offer="other_teer_0_1_2_3"), "2022-11-16", 50, 429),
    # --- 2025-03-25: arranged employment removed ---------------------------------------------------
    # day before 354 + 25 + 200 = 579 / + 50 = 429; day of 354 + 25 + 0 = 379
    ("offer-00-2025-03-24", single_bachelor_clb9(job_offer="teer0_major_group_00"), "2025-03-24", 200, 579),
    ("offer-00-2025-03-25", single_bachelor_clb9(job_offer="teer0_major_group_00"), "2025-03-25", 0, 379),
    ("offer-other-2025-03-24", single_bachelor_clb9(job_offer="other_teer_0_1_2_3"), "2025-03-24", 50, 429),
    ("offer-other-2025-03-25", single_bachelor_clb9(job_offer="other_teer_0_1_2_3"), "2025-03-25", 0, 379),
    # nomination unchanged on the same day: 354 + 25 + 600 = 979
    ("nomination-2025-03-25", single_bachelor_clb9(provincial_nomination=True), "2025-03-25", 600, 979),
]


@pytest.mark.parametrize(
    ("profile", "on", "expected_additional", "expected_total"),
    [case[1:] for case in ERA_CASES],
    ids=[case[0] for case in ERA_CASES],
)
def test_era_boundaries(
    profile: dict[str, Any], on: str, expected_additional: int, expected_total: int
) -> None:
    result = reference_score(profile, day(on))
    assert result["additional"] == expected_additional
    assert result["total"] == expected_total


# Transferability education tier of master's / doctoral: the top tier (T2) on both sides of
# 2016-11-19 (the amendment of that day only clarified it: IRCC's archived notice).
# (case id, profile, scoring date, expected transferability.education line, expected total)
TRANSFERABILITY_ERA_CASES: list[tuple[str, dict[str, Any], str, int, int]] = [
    # Single, 29, master's, CLB 9 x4: core 110 + 135 + 124 = 369; T2 with CLB 9+ = 50 -> 419
    ("masters-clb9-2015-01-01", single_bachelor_clb9(education="masters"), "2015-01-01", 50, 419),
    ("masters-clb9-2016-11-18", single_bachelor_clb9(education="masters"), "2016-11-18", 50, 419),
    ("masters-clb9-2016-11-19", single_bachelor_clb9(education="masters"), "2016-11-19", 50, 419),
    # Single, 29, doctoral, CLB 7 x4, 1 year Canadian work: core 110 + 150 + 17x4 (68) + 40 = 368.
    # T2: 25 (CLB 7-8) + 25 (1 yr Cdn) = 50 -> 418 on both days
    (
        "doctoral-clb7-cdn1-2016-11-18",
        single_bachelor_clb9(education="doctoral", first_language=clb(7), canadian_work_years=1),
        "2016-11-18",
        50,
        418,
    ),
    (
        "doctoral-clb7-cdn1-2016-11-19",
        single_bachelor_clb9(education="doctoral", first_language=clb(7), canadian_work_years=1),
        "2016-11-19",
        50,
        418,
    ),
    # two_or_more is T2 in both eras: core 110 + 128 + 124 = 362; T2, CLB 9+ = 50 -> 412
    ("two-or-more-2016-11-18", single_bachelor_clb9(education="two_or_more"), "2016-11-18", 50, 412),
    ("two-or-more-2016-11-19", single_bachelor_clb9(education="two_or_more"), "2016-11-19", 50, 412),
]


@pytest.mark.parametrize(
    ("profile", "on", "expected_education_line", "expected_total"),
    [case[1:] for case in TRANSFERABILITY_ERA_CASES],
    ids=[case[0] for case in TRANSFERABILITY_ERA_CASES],
)
def test_transferability_education_tier_by_era(
    profile: dict[str, Any], on: str, expected_education_line: int, expected_total: int
) -> None:
    result = reference_score(profile, day(on))
    assert result["lines"]["transferability.education"] == expected_education_line
    assert result["total"] == expected_total


def test_no_crs_before_express_entry() -> None:
    with pytest.raises(ValueError):
        reference_score(single_bachelor_clb9(), day("2014-12-31"))


# ---------------------------------------------------------------------------------------------
# Caps and lines
# ---------------------------------------------------------------------------------------------


def test_additional_lines_reported_before_section_cap() -> None:
    # E6 + nomination on 2026-01-05: French 50 + nomination 600 = 650 in lines, section capped
    # at 600. total = 302 + 13 + 600 = 915.
    profile = french_first_english_second()
    profile["provincial_nomination"] = True
    result = reference_score(profile, day("2026-01-05"))
    assert result["lines"]["additional.french"] == 50
    assert result["lines"]["additional.provincial_nomination"] == 600
    assert result["additional"] == 600
    assert result["total"] == 915


def test_job_offer_and_nomination_in_2015_capped() -> None:
    # 600 (offer) + 600 (nomination) = 1200 in lines; section 600; total 354 + 25 + 600 = 979
    profile = single_bachelor_clb9(job_offer="other_teer_0_1_2_3", provincial_nomination=True)
    result = reference_score(profile, day("2015-06-01"))
    assert result["lines"]["additional.arranged_employment"] == 600
    assert result["lines"]["additional.provincial_nomination"] == 600
    assert result["additional"] == 600
    assert result["total"] == 979


def test_transferability_section_cap() -> None:
    # Single, 29, master's, CLB 9 x4, 3 years foreign, 2 years Canadian, certificate:
    # education min(50, 50 + 50) = 50; foreign min(50, 50 + 50) = 50; certificate CLB 7+ = 50;
    # lines sum 150, section min(100, 150) = 100.
    # core 110 + 135 + 124 + 53 = 422; total 422 + 100 = 522.
    profile = single_bachelor_clb9(
        education="masters", foreign_work_years=3, canadian_work_years=2, certificate_of_qualification=True
    )
    result = reference_score(profile, day("2026-01-05"))
    assert result["lines"]["transferability.education"] == 50
    assert result["lines"]["transferability.foreign_work"] == 50
    assert result["lines"]["transferability.certificate"] == 50
    assert result["transferability"] == 100
    assert result["core"] == 422
    assert result["total"] == 522


def test_second_language_cap_with_spouse() -> None:
    # Married, accompanying spouse (no spouse data), 29, bachelor's, CLB 9 x4, French NCLC 9 x4.
    # core: 100 + 112 + 29x4 (116) + min(22, 6x4 = 24) = 22 -> 350; spouse 0;
    # transferability T1 CLB 9+ = 25; French NCLC 7+ and CLB 5+ = 50 -> total 425.
    profile = single_bachelor_clb9(
        marital_status="married", spouse_accompanying=True, second_language=nclc(9)
    )
    result = reference_score(profile, day("2026-01-05"))
    assert result["lines"]["core.second_language"] == 22
    assert result["core"] == 350
    assert result["spouse"] == 0
    assert result["total"] == 425


def test_second_language_without_spouse() -> None:
    # As above but single: 110 + 120 + 124 + min(24, 24) = 378; + 25 + 50 = 453
    profile = single_bachelor_clb9(second_language=nclc(9))
    result = reference_score(profile, day("2026-01-05"))
    assert result["lines"]["core.second_language"] == 24
    assert result["total"] == 453


# ---------------------------------------------------------------------------------------------
# Column choice (section 1.1) and spouse section
# ---------------------------------------------------------------------------------------------


def e4_profile(**extra: Any) -> dict[str, Any]:
    # Example E4: married, accompanying, 29, bachelor's, CLB 9 x4; spouse bachelor's, CLB 7 x4.
    profile: dict[str, Any] = {
        "age": 29,
        "marital_status": "married",
        "education": "bachelors",
        "first_language": clb(9),
        "spouse_accompanying": True,
        "spouse_education": "bachelors",
        "spouse_language": clb(7),
    }
    profile.update(extra)
    return profile


def test_canadian_spouse_scores_as_single() -> None:
    # Spouse is a citizen/PR: without-spouse column, spouse 0 -> 354 + 25 = 379 (as E1).
    result = reference_score(e4_profile(spouse_canadian=True), day("2026-01-05"))
    assert (result["core"], result["spouse"], result["total"]) == (354, 0, 379)


def test_non_accompanying_spouse_scores_as_single() -> None:
    result = reference_score(e4_profile(spouse_accompanying=False), day("2026-01-05"))
    assert (result["core"], result["spouse"], result["total"]) == (354, 0, 379)


def test_common_law_uses_with_spouse_column() -> None:
    # As E4 for a common-law partner: 328 + 20 + 25 = 373.
    result = reference_score(e4_profile(marital_status="common_law"), day("2026-01-05"))
    assert (result["core"], result["spouse"], result["total"]) == (328, 20, 373)


def test_spouse_section_full() -> None:
    # Spouse doctoral (10), CLB 10 x4 (5x4 = 20), 7 years Canadian work (capped 5 -> 10) = 40.
    # PA core 100 + 112 + 116 = 328; transferability 25; total 328 + 40 + 25 = 393.
    profile = e4_profile(spouse_education="doctoral", spouse_language=clb(10), spouse_canadian_work_years=7)
    result = reference_score(profile, day("2026-01-05"))
    assert result["lines"]["spouse.education"] == 10
    assert result["lines"]["spouse.language"] == 20
    assert result["lines"]["spouse.canadian_work"] == 10
    assert result["total"] == 393


def test_spouse_defaults() -> None:
    # No spouse fields: education less_than_secondary 0, language null 0, work 0.
    # core 100 + 112 + 116 = 328; total 328 + 25 = 353.
    profile = single_bachelor_clb9(marital_status="married", spouse_accompanying=True)
    result = reference_score(profile, day("2026-01-05"))
    assert (result["core"], result["spouse"], result["total"]) == (328, 0, 353)


# ---------------------------------------------------------------------------------------------
# Age from birth_date (project decision 2)
# ---------------------------------------------------------------------------------------------


def test_birthday_on_the_day_counts() -> None:
    profile = single_bachelor_clb9()
    del profile["age"]
    profile["birth_date"] = "1996-03-10"
    # 2026-03-09: age 29 -> 110; 2026-03-10: age 30 -> 105
    assert reference_score(profile, day("2026-03-09"))["lines"]["core.age"] == 110
    assert reference_score(profile, day("2026-03-10"))["lines"]["core.age"] == 105


def test_age_extremes() -> None:
    assert reference_score(single_bachelor_clb9(age=17), day("2026-01-05"))["lines"]["core.age"] == 0
    assert reference_score(single_bachelor_clb9(age=18), day("2026-01-05"))["lines"]["core.age"] == 99
    assert reference_score(single_bachelor_clb9(age=44), day("2026-01-05"))["lines"]["core.age"] == 6
    assert reference_score(single_bachelor_clb9(age=45), day("2026-01-05"))["lines"]["core.age"] == 0


# ---------------------------------------------------------------------------------------------
# Language conversion (section 2)
# ---------------------------------------------------------------------------------------------


def result_of(
    test: str, reading: float, writing: float, listening: float, speaking: float, **extra: Any
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "test": test,
        "reading": reading,
        "writing": writing,
        "listening": listening,
        "speaking": speaking,
    }
    result.update(extra)
    return result


LANGUAGE_CASES: list[tuple[str, dict[str, Any], dict[str, int]]] = [
    # IELTS: top row exactly; one band step below each CLB 9 threshold -> CLB 8 row
    (
        "ielts-10",
        result_of("ielts", 8.0, 7.5, 8.5, 7.5),
        {"reading": 10, "writing": 10, "listening": 10, "speaking": 10},
    ),
    (
        "ielts-8",
        result_of("ielts", 6.5, 6.5, 7.5, 6.5),
        {"reading": 8, "writing": 8, "listening": 8, "speaking": 8},
    ),
    # IELTS listening 6.0-7.0 = CLB 7; reading 7.5 = CLB 9; writing 4.5 = CLB 4; speaking 3.5 below 4
    (
        "ielts-mixed",
        result_of("ielts", 7.5, 4.5, 7.0, 3.5),
        {"reading": 9, "writing": 4, "listening": 7, "speaking": 3},
    ),
    # CELPIP: level = CLB, 11/12 -> 10
    (
        "celpip",
        result_of("celpip", 12, 9, 4, 3),
        {"reading": 10, "writing": 9, "listening": 4, "speaking": 3},
    ),
    # PTE Core: row edges
    (
        "pte-edges",
        result_of("pte_core", 88, 89, 71, 50),
        {"reading": 10, "writing": 9, "listening": 8, "speaking": 4},
    ),
    (
        "pte-low",
        result_of("pte_core", 60, 68, 27, 42),
        {"reading": 7, "writing": 6, "listening": 3, "speaking": 4},
    ),
    # TEF new scale (test on/after 2023-12-11)
    (
        "tef-new",
        result_of("tef_canada", 546, 557, 434, 328, test_date="2023-12-11"),
        {"reading": 10, "writing": 9, "listening": 7, "speaking": 4},
    ),
    # TEF old scale (test before 2023-12-11)
    (
        "tef-old",
        result_of("tef_canada", 263, 392, 249, 180, test_date="2023-12-10"),
        {"reading": 10, "writing": 9, "listening": 7, "speaking": 3},
    ),
    # TCF: writing/speaking out of 20
    (
        "tcf",
        result_of("tcf_canada", 549, 6, 502, 4),
        {"reading": 10, "writing": 5, "listening": 7, "speaking": 4},
    ),
    (
        "tcf-low",
        result_of("tcf_canada", 341, 3, 523, 16),
        {"reading": 3, "writing": 3, "listening": 9, "speaking": 10},
    ),
    # Direct levels capped at 10
    (
        "nclc-12",
        result_of("nclc", 12, 11, 10, 0),
        {"reading": 10, "writing": 10, "listening": 10, "speaking": 0},
    ),
]


@pytest.mark.parametrize(
    ("result", "expected_levels"),
    [case[1:] for case in LANGUAGE_CASES],
    ids=[case[0] for case in LANGUAGE_CASES],
)
def test_language_conversion(result: dict[str, Any], expected_levels: dict[str, int]) -> None:
    assert language_levels(result) == expected_levels


def core_transferability_additional_total(result: dict[str, Any]) -> tuple[int, int, int, int]:
    return (result["core"], result["transferability"], result["additional"], result["total"])


def test_tef_scale_follows_test_date_not_scoring_date() -> None:
    # Single, 29, bachelor's, TEF first language R263 W393 L316 S393, scored on 2024-01-01.
    tef_scores = {"reading": 263, "writing": 393, "listening": 316, "speaking": 393}
    profile = single_bachelor_clb9(
        first_language={"test": "tef_canada", **tef_scores, "test_date": "2023-12-10"}
    )
    # Old scale: NCLC 10 x4 -> 34x4 = 136; core 110 + 120 + 136 = 366; transferability T1 9+ = 25;
    # French NCLC 7+, no English = 25. Total 416.
    result = reference_score(profile, day("2024-01-01"))
    assert core_transferability_additional_total(result) == (366, 25, 25, 416)
    # New scale: R263 < 306 -> 3 (0); W393 >= 379 -> 6 (9); L316 >= 306 -> 4 (6); S393 >= 387 -> 5 (6)
    # first language 21; core 110 + 120 + 21 = 251; lowest 3 -> transferability 0; French 0. Total 251.
    profile["first_language"]["test_date"] = "2023-12-11"
    result = reference_score(profile, day("2024-01-01"))
    assert core_transferability_additional_total(result) == (251, 0, 0, 251)


def test_french_second_language_with_english_below_clb5() -> None:
    # English first CLB 9/9/9/4, French second NCLC 7 x4, 2026: English has an ability under CLB 5
    # -> French 25 (not 50). core 110 + 120 + (31x3 + 6 = 99) + 3x4 (12) = 341;
    # transferability: lowest first-language level 4 -> 0. total 341 + 0 + 25 = 366.
    profile = single_bachelor_clb9(
        first_language={"test": "clb", "reading": 9, "writing": 9, "listening": 9, "speaking": 4},
        second_language=nclc(7),
    )
    result = reference_score(profile, day("2026-01-05"))
    assert result["lines"]["additional.french"] == 25
    assert (result["core"], result["transferability"], result["total"]) == (341, 0, 366)


def test_french_below_nclc7_in_one_ability() -> None:
    # NCLC 7/7/7/6 French first, English CLB 9 second: no French points.
    # core 110 + 120 + (17x3 + 9 = 60) + 6x4 (24) = 314; transferability: lowest 6 -> 0; total 314.
    profile = single_bachelor_clb9(
        first_language={"test": "nclc", "reading": 7, "writing": 7, "listening": 7, "speaking": 6},
        second_language=clb(9),
    )
    result = reference_score(profile, day("2026-01-05"))
    assert result["lines"]["additional.french"] == 0
    assert result["total"] == 314
