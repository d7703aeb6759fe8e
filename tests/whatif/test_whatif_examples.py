"""``services.whatif`` on hand-computed profiles (crs-and-programs.md §1, §2, §6): the total, every
change with its gain, in order, and the levels it reports.

Each gain is worked out in the comments from the grids of crs-and-programs.md §1 (w/o = the
without-spouse column, w/ = with spouse). All on 2026-01-05 (no arranged-employment points).
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest

from openentry.services.scoring import RawProfile, score_profiles
from openentry.services.whatif import ProfileFailure, WhatIf, apply_edits, whatif_profiles

ON = datetime.date(2026, 1, 5)
EXAMPLES = {
    example["name"]: example
    for example in (
        json.loads(line)
        for line in (Path(__file__).parents[1] / "data" / "crs-examples.jsonl").read_text().splitlines()
        if line.strip()
    )
}


def _whatif(profile: dict[str, Any], on: datetime.date = ON) -> dict[str, Any]:
    (line,) = whatif_profiles([RawProfile(profile)], on)
    return line


def _gains(line: dict[str, Any]) -> list[tuple[str, int]]:
    return [(change["change"], change["gain"]) for change in line["changes"]]


def test_e1_every_change() -> None:
    # E1: single, 29, bachelor's, CLB 9 x4, no work: 379.
    line = _whatif(EXAMPLES["E1"]["profile"], datetime.date.fromisoformat(EXAMPLES["E1"]["on"]))
    assert line["total"] == 379
    assert _gains(line) == [
        # Nomination 600 (section D cap 600).
        ("a provincial nomination", 600),
        # French NCLC 9 x4: second language 6 x 4 = 24 (cap 24 w/o) + French with English CLB 5+ 50.
        ("add French as second official language, NCLC 9 in all four abilities", 74),
        # NCLC 7 x4: 3 x 4 = 12 + 50.
        ("add French as second official language, NCLC 7 in all four abilities", 62),
        # 1 year in Canada: core 40; education T1 + 1 year Canadian work 13 (25 + 13 = 38 <= 50).
        ("one more year of Canadian skilled work (0 to 1 years)", 53),
        # Two or more credentials: core 128 - 120 = 8; transferability T2 with CLB 9+ 50 - 25.
        (
            "education from a bachelor's degree or a program of 3 years or more to two or more "
            "credentials, one of 3 years or more",
            33,
        ),
        ("a Canadian post-secondary credential of three years or longer", 30),
        ("a Canadian post-secondary credential of one or two years", 15),
        # CLB 10 x4: (34 - 31) x 4.
        ("all four first-language abilities to CLB 10", 12),
        # NCLC 5 x4: 1 x 4, no French points below NCLC 7.
        ("add French as second official language, NCLC 5 in all four abilities", 4),
        ("reading from CLB 9 to CLB 10", 3),
        ("writing from CLB 9 to CLB 10", 3),
        ("listening from CLB 9 to CLB 10", 3),
        ("speaking from CLB 9 to CLB 10", 3),
    ]
    assert line["changes"][1]["edits"] == {
        "second_language": {
            "test": "nclc",
            "reading": 9,
            "writing": 9,
            "listening": 9,
            "speaking": 9,
            "test_date": "2026-01-05",
        }
    }
    # One year in Canada is also the Canadian Experience Class (CLB 7 in all four abilities).
    assert line["changes"][3]["eligibility"] == {"gained": ["cec"], "lost": []}
    assert line["levels"] == {
        "first_language": {
            "test": "clb",
            "benchmark": "CLB",
            "reading": 9,
            "writing": 9,
            "listening": 9,
            "speaking": 9,
        }
    }


@pytest.mark.parametrize(
    ("name", "total", "best", "second"),
    [
        # E2 (9/9/9/7): all four to CLB 9 is speaking 17 -> 31 (+14) and the tier 13 -> 25 (+12);
        # French NCLC 9: 24 + 50.
        (
            "E2",
            353,
            ("a provincial nomination", 600),
            ("add French as second official language, NCLC 9 in all four abilities", 74),
        ),
        # E3 (CLB 5 x4, certificate): CLB 10 x4: (34 - 6) x 4 = 112; transferability education T1
        # with CLB 9+ 25, certificate with CLB 7+ 50: 25 -> 75 (+50).
        ("E3", 279, ("a provincial nomination", 600), ("all four first-language abilities to CLB 10", 162)),
        # E6 (French NCLC 7 first, English CLB 5 second): nomination 600 - 50 already in section D.
        ("E6", 365, ("a provincial nomination", 550), ("all four first-language abilities to NCLC 10", 80)),
        # E7 (master's, CLB 9, 3 years abroad): French NCLC 9: 24 + 50.
        (
            "E7",
            469,
            ("a provincial nomination", 600),
            ("add French as second official language, NCLC 9 in all four abilities", 74),
        ),
        # E8 (with spouse): French NCLC 9: 6 x 4 = 24 capped at 22 w/ + 50.
        (
            "E8",
            428,
            ("a provincial nomination", 600),
            ("add French as second official language, NCLC 9 in all four abilities", 72),
        ),
    ],
)
def test_worked_examples_best_changes(
    name: str, total: int, best: tuple[str, int], second: tuple[str, int]
) -> None:
    example = EXAMPLES[name]
    line = _whatif(example["profile"], datetime.date.fromisoformat(example["on"]))
    assert line["total"] == total == example["expected"]["total"]
    assert _gains(line)[:2] == [best, second]


# Married, spouse accompanying, 31, bachelor's, IELTS 6.5 / 6.0 / 7.5 / 6.5 = CLB 8 / 7 / 8 / 8
# (§2.2), spouse secondary school, 1 year Canadian and 2 years foreign work. Total (w/):
# core 90 + 112 + (22 + 16 + 22 + 22 = 82) + 35 = 319; spouse 2; transferability (lowest CLB 7):
# education T1 13 + 13 = 26, foreign 1-2 years 13 + 13 = 26; total 373.
IELTS_PROFILE: dict[str, Any] = {
    "id": "ielts-1",
    "age": 31,
    "marital_status": "married",
    "spouse_accompanying": True,
    "education": "bachelors",
    "first_language": {
        "test": "ielts",
        "reading": 6.5,
        "writing": 6.0,
        "listening": 7.5,
        "speaking": 6.5,
        "test_date": "2025-09-01",
    },
    "spouse_education": "secondary",
    "canadian_work_years": 1,
    "foreign_work_years": 2,
}


def test_ielts_profile() -> None:
    line = _whatif(IELTS_PROFILE)
    assert line["total"] == 373
    gains = _gains(line)
    assert gains[:5] == [
        ("a provincial nomination", 600),
        # French NCLC 9: 6 x 4 = 24, capped at 22 w/; French with English CLB 5+ 50.
        ("add French as second official language, NCLC 9 in all four abilities", 72),
        # CLB 10 x4: (32 x 4 = 128) - 82 = 46; tiers CLB 9+: education 25 + 13, foreign 25 + 13: +24.
        ("all four first-language abilities to CLB 10", 70),
        ("add French as second official language, NCLC 7 in all four abilities", 62),
        # CLB 9 x4: 29 x 4 = 116 - 82 = 34, +24.
        ("all four first-language abilities to CLB 9", 58),
    ]
    # One ability at a time: the next level that earns points, with the IELTS band that reaches it.
    assert ("reading from CLB 8 to CLB 9 (IELTS 7)", 7) in gains  # 29 - 22 w/
    assert ("writing from CLB 7 to CLB 8 (IELTS 6.5)", 6) in gains  # 22 - 16; lowest 8: same tier
    by_words = {change["change"]: change for change in line["changes"]}
    assert by_words["all four first-language abilities to CLB 10"]["edits"] == {
        "first_language.reading": 8,
        "first_language.writing": 7.5,
        "first_language.listening": 8.5,
        "first_language.speaking": 7.5,
    }
    assert by_words["writing from CLB 7 to CLB 8 (IELTS 6.5)"]["edits"] == {"first_language.writing": 6.5}
    # Spouse: education secondary 2 -> one-year 6 (+4); language CLB 5 / 7 / 9 x4: 1 / 3 / 5 x 4.
    assert (
        "spouse's education from a secondary school diploma to a one-year post-secondary credential",
        4,
    ) in gains
    assert ("add the spouse's English result, CLB 9 in all four abilities", 20) in gains
    assert ("one more year of the spouse's Canadian skilled work (0 to 1 years)", 5) in gains
    assert line["levels"]["first_language"] == {
        "test": "ielts",
        "benchmark": "CLB",
        "reading": 8,
        "writing": 7,
        "listening": 8,
        "speaking": 8,
    }


def test_celpip_profile() -> None:
    # Single, 33, master's, CELPIP 8 / 7 / 9 / 8 (= CLB), 3 years abroad. Core 88 + 135 +
    # (23 + 17 + 31 + 23 = 94) = 317; transferability (lowest CLB 7): education T2 25, foreign 3+
    # 25; total 367.
    profile = {
        "age": 33,
        "marital_status": "never_married",
        "education": "masters",
        "foreign_work_years": 3,
        "first_language": {"test": "celpip", "reading": 8, "writing": 7, "listening": 9, "speaking": 8},
    }
    line = _whatif(profile)
    assert line["total"] == 367
    assert _gains(line) == [
        ("a provincial nomination", 600),
        # CLB 10 x4: 136 - 94 = 42; tiers CLB 9+: education 50, foreign 50: +50.
        ("all four first-language abilities to CLB 10", 92),
        # 1 year in Canada: core 40; education T2 25 + 25 = 50; foreign 25 + 25 = 50: +50.
        ("one more year of Canadian skilled work (0 to 1 years)", 90),
        # CLB 9 x4: 124 - 94 = 30, +50.
        ("all four first-language abilities to CLB 9", 80),
        ("add French as second official language, NCLC 9 in all four abilities", 74),
        ("add French as second official language, NCLC 7 in all four abilities", 62),
        ("a Canadian post-secondary credential of three years or longer", 30),
        # Doctoral 150 - 135; ties keep the order of the list (education before a Canadian credential).
        ("education from a master's or entry-to-practice professional degree to a doctoral degree", 15),
        ("a Canadian post-secondary credential of one or two years", 15),
        ("reading from CLB 8 to CLB 9 (CELPIP 9)", 8),
        ("speaking from CLB 8 to CLB 9 (CELPIP 9)", 8),
        ("writing from CLB 7 to CLB 8 (CELPIP 8)", 6),
        ("add French as second official language, NCLC 5 in all four abilities", 4),
        ("listening from CLB 9 to CLB 10 (CELPIP 10)", 3),
    ]


# Single, 27, two-year diploma, TEF Canada of 2025-05-01 (new scale, §2.4): reading 500 (NCLC 8),
# writing 430 (7), listening 550 (10), speaking 460 (7); no English. Core 110 + 98 +
# (23 + 17 + 34 + 17 = 91) = 299; transferability (lowest NCLC 7) education T1 13; French points
# without English 25; total 337.
TEF_PROFILE: dict[str, Any] = {
    "age": 27,
    "marital_status": "never_married",
    "education": "two_year_post_secondary",
    "first_language": {
        "test": "tef_canada",
        "reading": 500,
        "writing": 430,
        "listening": 550,
        "speaking": 460,
        "test_date": "2025-05-01",
    },
}


def test_tef_profile() -> None:
    line = _whatif(TEF_PROFILE)
    assert line["total"] == 337
    assert _gains(line) == [
        # 600 + 25 capped at 600.
        ("a provincial nomination", 575),
        # NCLC 10 x4: 136 - 91 = 45; tier NCLC 9+ 25 - 13.
        ("all four first-language abilities to NCLC 10", 57),
        ("one more year of Canadian skilled work (0 to 1 years)", 53),
        # English CLB 9 x4: 24 (cap 24) and French points 25 -> 50.
        ("add English as second official language, CLB 9 in all four abilities", 49),
        # NCLC 9 x4: 31 + 31 + 34 + 31 = 127 - 91 = 36, +12.
        ("all four first-language abilities to NCLC 9", 48),
        ("add English as second official language, CLB 7 in all four abilities", 37),
        ("a Canadian post-secondary credential of three years or longer", 30),
        ("add English as second official language, CLB 5 in all four abilities", 29),
        # Bachelor's 120 - 98; the same transferability tier.
        (
            "education from a two-year post-secondary credential to a bachelor's degree or a program "
            "of 3 years or more",
            22,
        ),
        ("a Canadian post-secondary credential of one or two years", 15),
        ("reading from NCLC 8 to NCLC 9 (TEF Canada 503)", 8),
        ("writing from NCLC 7 to NCLC 8 (TEF Canada 472)", 6),
        ("speaking from NCLC 7 to NCLC 8 (TEF Canada 494)", 6),
    ]
    by_words = {change["change"]: change for change in line["changes"]}
    assert by_words["all four first-language abilities to NCLC 10"]["edits"] == {
        "first_language.reading": 546,
        "first_language.writing": 558,
        "first_language.speaking": 556,
    }
    assert line["levels"]["first_language"]["benchmark"] == "NCLC"


def test_declaring_the_other_language_first() -> None:
    # Single, 29, bachelor's; English CLB 5 x4 first, French NCLC 9 x4 second. Core 110 + 120 +
    # 6 x 4 + 6 x 4 (24, cap 24) = 278; transferability: lowest first-language CLB 5: 0; French
    # with English CLB 5+: 50; total 328. Declared the other way: 110 + 120 + 31 x 4 + 1 x 4 = 358;
    # education T1 with CLB 9+ 25; French 50; total 433 (+105).
    profile = {
        "age": 29,
        "marital_status": "never_married",
        "education": "bachelors",
        "first_language": {"test": "clb", "reading": 5, "writing": 5, "listening": 5, "speaking": 5},
        "second_language": {"test": "nclc", "reading": 9, "writing": 9, "listening": 9, "speaking": 9},
    }
    line = _whatif(profile)
    assert line["total"] == 328
    swap = next(change for change in line["changes"] if change["change"].startswith("declare"))
    assert swap["change"] == "declare French as the first official language and English as the second"
    assert (swap["gain"], swap["total"]) == (105, 433)
    assert swap["edits"] == {
        "first_language": {"test": "nclc", "reading": 9, "writing": 9, "listening": 9, "speaking": 9},
        "second_language": {"test": "clb", "reading": 5, "writing": 5, "listening": 5, "speaking": 5},
    }
    assert apply_edits(profile, swap["edits"])["first_language"] == profile["second_language"]


def test_a_change_that_only_gains_eligibility() -> None:
    # Single, 45, bachelor's, CLB 8 x4, 5 declared years in Canada, funds for one. The CRS counts
    # 5 years at most (core 80 w/o; transferability tiers stop at 2 years), so a sixth adds no
    # point. The FSW grid (crs-and-programs.md §3.2) counts it: language 5 x 4 = 20, bachelor's 21,
    # experience 4-5 years 13, age 45: 2, adaptability (Canadian work) 10 = 66 < 67; with 6 years
    # experience 15: 68, so the sixth year gains FSW and nothing else.
    profile = {
        "age": 45,
        "marital_status": "never_married",
        "education": "bachelors",
        "canadian_work_years": 5,
        "settlement_funds_cad": 50000,
        "first_language": {"test": "clb", "reading": 8, "writing": 8, "listening": 8, "speaking": 8},
    }
    line = _whatif(profile)
    assert line["eligibility"]["fsw_points"] == 66
    assert line["eligibility"]["programs"] == {"fsw": False, "cec": True, "fst": False}
    assert line["eligibility_only"] == [
        {
            "change": "one more year of Canadian skilled work (5 to 6 years)",
            "edits": {"canadian_work_years": 6},
            "total": line["total"],
            "gain": 0,
            "eligibility": {"gained": ["fsw"], "lost": []},
            "fsw_points": 68,
        }
    ]
    assert all(change["gain"] >= 1 for change in line["changes"])


def test_errors_are_those_of_score() -> None:
    broken = {**TEF_PROFILE, "first_language": {**TEF_PROFILE["first_language"], "reading": 700}}
    lines = whatif_profiles([RawProfile(broken), RawProfile([1])], ON)
    assert lines == [
        {
            "id": None,
            "error": {
                "field": "first_language.reading",
                "message": "700 is not a tef_canada reading score; allowed 0 to 699 in steps of 1",
            },
        },
        {"id": None, "error": {"field": "profile", "message": "expected a JSON object, found list"}},
    ]


def test_typed_results() -> None:
    from openentry.profiles.schema import parse_profile
    from openentry.services.whatif import whatif

    results = whatif([parse_profile(IELTS_PROFILE)], ON)
    assert isinstance(results[0], WhatIf) and not isinstance(results[0], ProfileFailure)
    assert results[0].changes[0].gain == 600
    assert results[0].eligibility.programs == {"fsw": False, "cec": True, "fst": False}


def test_a_profile_that_fails_on_the_day_among_others() -> None:
    # A result dated after the day is an error of the day (as `openentry score` says); the
    # profiles around it keep their own changes.
    future = {
        **IELTS_PROFILE,
        "id": "future",
        "first_language": {**IELTS_PROFILE["first_language"], "test_date": "2026-02-01"},
    }
    raw = [
        RawProfile({**IELTS_PROFILE, "id": "a"}),
        RawProfile(future),
        RawProfile({**TEF_PROFILE, "id": "b"}),
    ]
    lines = whatif_profiles(raw, ON, require_id=True)
    scored = score_profiles(raw, ON, require_id=True)
    assert (
        lines[1]
        == scored[1]
        == {
            "id": "future",
            "error": {
                "field": "first_language.test_date",
                "message": "2026-02-01 is after the scoring date 2026-01-05",
            },
        }
    )
    assert (lines[0]["total"], lines[2]["total"]) == (373, 337)
    assert _gains(lines[0]) == _gains(_whatif(IELTS_PROFILE))
    assert _gains(lines[2]) == _gains(_whatif(TEF_PROFILE))


def test_work_years_follow_the_work_history() -> None:
    # With a work history the years counted come from the jobs, not from canadian_work_years: no
    # change edits it (the timeline gives the day the next year counts).
    profile = {
        **IELTS_PROFILE,
        "canadian_work_years": 0,
        "work_history": [{"noc": "21231", "start": "2025-06-01", "hours_per_week": 40, "in_canada": True}],
    }
    changes = _whatif(profile)["changes"]
    assert not [change for change in changes if "canadian_work_years" in change["edits"]]
    assert [change for change in changes if "spouse_canadian_work_years" in change["edits"]]


def test_passes_of_profiles_give_the_same_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    from openentry.services import whatif as whatif_service

    raw = [
        RawProfile({**profile, "id": f"p{index}"})
        for index, profile in enumerate(
            [IELTS_PROFILE, TEF_PROFILE, *(example["profile"] for example in EXAMPLES.values())]
        )
    ]
    whole = whatif_profiles(raw, ON, require_id=True)
    monkeypatch.setattr(whatif_service, "PROFILES_PER_PASS", 2)
    assert whatif_profiles(raw, ON, require_id=True) == whole
