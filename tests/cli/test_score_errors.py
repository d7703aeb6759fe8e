"""`openentry score` error contract (interfaces.md §1, §2) through the real command.

Every field-level case is a JSON Lines batch of three profiles (valid, broken, valid) scored
with ``score --on 2026-01-05``: exit status 1, three lines in input order, the two valid
profiles keep their exact totals, and the broken one is ``{"id", "error": {"field", "message"}}``
with the exact field path and a message that says what is allowed. The commands of all the
cases run concurrently once per session (each case is still its own process and its own test).
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as parquet
import pytest

ON = "2026-01-05"
COMMAND = [sys.executable, "-m", "openentry.cli.main"]

# Valid profile 1, without spouse (crs-and-programs.md §1.10), on 2026-01-05:
# core = age 29 → 110 + bachelor's → 120 + CLB 9 ×4 → 31×4 = 124 + no Canadian work → 0 = 354;
# transferability = T1 education with CLB 9+ on all four → 25 (no Canadian / foreign work);
# additional 0; total 354 + 25 = 379.
VALID_1: dict[str, Any] = {
    "id": "valid-1",
    "age": 29,
    "marital_status": "never_married",
    "education": "bachelors",
    "first_language": {"test": "clb", "reading": 9, "writing": 9, "listening": 9, "speaking": 9},
}
VALID_1_SCORE = {
    "id": "valid-1",
    "total": 379,
    "core": 354,
    "spouse": 0,
    "transferability": 25,
    "additional": 0,
}

# Valid profile 2, without spouse, IELTS 8.0/7.5/8.5/7.5 = CLB 10 in every ability (§2.2):
# core = age 35 → 77 + master's → 135 + 34×4 = 136 + 2 years Canadian work → 53 = 401;
# transferability: education T2: min(50, 50 [CLB 9+] + 50 [2 yrs Cdn]) = 50,
# foreign 3+ years: min(50, 50 + 50) = 50 → min(100, 100) = 100;
# additional: sibling 15; total 401 + 100 + 15 = 516.
VALID_2: dict[str, Any] = {
    "id": "valid-2",
    "age": 35,
    "marital_status": "never_married",
    "education": "masters",
    "canadian_work_years": 2,
    "foreign_work_years": 3,
    "sibling_in_canada": True,
    "first_language": {
        "test": "ielts",
        "reading": 8.0,
        "writing": 7.5,
        "listening": 8.5,
        "speaking": 7.5,
        "test_date": "2025-06-01",
    },
}
VALID_2_SCORE = {
    "id": "valid-2",
    "total": 516,
    "core": 401,
    "spouse": 0,
    "transferability": 100,
    "additional": 15,
}

LANGUAGE = {"test": "clb", "reading": 9, "writing": 9, "listening": 9, "speaking": 9}
FRENCH = {"test": "nclc", "reading": 7, "writing": 7, "listening": 7, "speaking": 7}
JOB = {
    "noc": "21231",
    "start": "2021-01-04",
    "end": "2023-12-29",
    "hours_per_week": 37.5,
    "in_canada": False,
    "self_employed": False,
    "full_time_student": False,
}
MISSING = object()


def _changed(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    result = copy.deepcopy(base)
    for key, value in changes.items():
        if value is MISSING:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def lang(base: dict[str, Any] = LANGUAGE, **changes: Any) -> dict[str, Any]:
    return _changed(base, changes)


def job(**changes: Any) -> dict[str, Any]:
    return _changed(JOB, changes)


def broken(**changes: Any) -> dict[str, Any]:
    return _changed({**VALID_1, "id": "broken"}, changes)


@dataclass(frozen=True)
class Case:
    name: str
    profile: dict[str, Any]
    field: str
    expect: tuple[str, ...] = ()  # substrings of the message (what is allowed)
    pattern: str | None = None  # or a regular expression the message must match
    extra: dict[str, Any] = field(default_factory=dict)


def c(name: str, profile: dict[str, Any], path: str, *expect: str, pattern: str | None = None) -> Case:
    return Case(name, profile, path, tuple(expect), pattern)


MARITAL = ("'never_married'", "'common_law'", "'annulled'")
EDUCATION = ("'less_than_secondary'", "'two_or_more'", "'doctoral'")
TESTS = ("ielts", "celpip", "pte_core", "tef_canada", "tcf_canada", "clb", "nclc")
INT = "valid integer"
BOOL = "valid boolean"
NUMBER = "valid number"
# A language score off its test's scale must say which scores exist (0 to 12 for CLB levels).
CLB_RANGE = r"\b0\b.*\b12\b"
# A number is not an ISO date; the message must speak of a date.
DATE_TYPE = r"(?i)date"

CASES: list[Case] = [
    # id
    c("id-wrong-type", broken(id=123), "id", "valid string"),
    c("id-bad-characters", broken(id="a b/c"), "id", "A-Z a-z 0-9 . _ : -"),
    c("id-empty", broken(id=""), "id", "at least 1 character"),
    c("id-too-long", broken(id="x" * 65), "id", "at most 64 characters"),
    c("id-missing-in-batch", broken(id=MISSING), "id", "required"),
    # submitted_at
    c("submitted_at-wrong-type", broken(submitted_at=True), "submitted_at", pattern=DATE_TYPE),
    c("submitted_at-wrong-type-number", broken(submitted_at=1705314120), "submitted_at", pattern=DATE_TYPE),
    c("submitted_at-not-a-date", broken(submitted_at="yesterday"), "submitted_at", pattern=DATE_TYPE),
    c("submitted_at-no-offset", broken(submitted_at="2024-01-15T10:22:00"), "submitted_at", "UTC offset"),
    # age / birth_date
    c("age-wrong-type", broken(age="29"), "age", INT),
    c("age-wrong-type-float", broken(age=29.5), "age", INT),
    c("age-below-range", broken(age=-1), "age", "greater than or equal to 0"),
    c("age-above-range", broken(age=121), "age", "less than or equal to 120"),
    c("age-and-birth_date-missing", broken(age=MISSING), "age", "exactly one of age and birth_date"),
    c("age-and-birth_date-both", broken(birth_date="1996-05-01"), "age", "exactly one of age and birth_date"),
    c("birth_date-wrong-type", broken(age=MISSING, birth_date=True), "birth_date", pattern=DATE_TYPE),
    c(
        "birth_date-wrong-type-number",
        broken(age=MISSING, birth_date=820454400),
        "birth_date",
        pattern=DATE_TYPE,
    ),
    c("birth_date-not-a-date", broken(age=MISSING, birth_date="1996-13-01"), "birth_date", pattern=DATE_TYPE),
    c(
        "birth_date-after-scoring-day",
        broken(age=MISSING, birth_date="2026-01-06"),
        "birth_date",
        "after the scoring date 2026-01-05",
    ),
    # marital_status
    c("marital_status-wrong-type", broken(marital_status=1), "marital_status", *MARITAL),
    c("marital_status-not-allowed", broken(marital_status="single"), "marital_status", "'single'", *MARITAL),
    c("marital_status-missing", broken(marital_status=MISSING), "marital_status", "required"),
    # spouse flags
    c("spouse_accompanying-wrong-type", broken(spouse_accompanying="yes"), "spouse_accompanying", BOOL),
    c("spouse_accompanying-wrong-type-int", broken(spouse_accompanying=1), "spouse_accompanying", BOOL),
    c("spouse_canadian-wrong-type", broken(spouse_canadian="no"), "spouse_canadian", BOOL),
    # education
    c("education-wrong-type", broken(education=3), "education", *EDUCATION),
    c("education-not-allowed", broken(education="phd"), "education", "'phd'", *EDUCATION),
    c("education-missing", broken(education=MISSING), "education", "required"),
    c(
        "canadian_education-wrong-type",
        broken(canadian_education=2),
        "canadian_education",
        "'one_or_two_year'",
    ),
    c(
        "canadian_education-not-allowed",
        broken(canadian_education="two_years"),
        "canadian_education",
        "'none'",
        "'one_or_two_year'",
        "'three_year_or_longer'",
    ),
    # first_language
    c("first_language-wrong-type", broken(first_language="ielts"), "first_language", "valid dictionary"),
    c("first_language-null", broken(first_language=None), "first_language", "valid dictionary"),
    c("first_language-missing", broken(first_language=MISSING), "first_language", "required"),
    c(
        "first_language-unknown-key",
        broken(first_language=lang(band=7)),
        "first_language.band",
        "unknown field",
        "reading",
    ),
    c("first_language.test-wrong-type", broken(first_language=lang(test=5)), "first_language.test", *TESTS),
    c(
        "first_language.test-not-allowed",
        broken(first_language=lang(test="toefl")),
        "first_language.test",
        "'toefl'",
        *TESTS,
    ),
    c(
        "first_language.test-missing",
        broken(first_language=lang(test=MISSING)),
        "first_language.test",
        "required",
    ),
    c(
        "first_language.test-not-yet-accepted",
        broken(
            first_language=lang(
                test="pte_core", reading=80, writing=80, listening=80, speaking=80, test_date="2024-01-29"
            )
        ),
        "first_language.test",
        "pte_core",
        "not accepted",
    ),
]
for ability, wrong, high in (
    ("reading", "9", 13),
    ("writing", [9], -1),
    ("listening", True, 12.5),
    ("speaking", None, 99),
):
    CASES += [
        c(
            f"first_language.{ability}-wrong-type",
            broken(first_language=lang(**{ability: wrong})),
            f"first_language.{ability}",
            NUMBER,
        ),
        c(
            f"first_language.{ability}-out-of-range",
            broken(first_language=lang(**{ability: high})),
            f"first_language.{ability}",
            pattern=CLB_RANGE,
        ),
        c(
            f"first_language.{ability}-missing",
            broken(first_language=lang(**{ability: MISSING})),
            f"first_language.{ability}",
            "required",
        ),
    ]
CASES += [
    c(
        "first_language.test_date-wrong-type",
        broken(first_language=lang(test_date=True)),
        "first_language.test_date",
        pattern=DATE_TYPE,
    ),
    c(
        "first_language.test_date-wrong-type-number",
        broken(first_language=lang(test_date=1717200000)),
        "first_language.test_date",
        pattern=DATE_TYPE,
    ),
    c(
        "first_language.test_date-not-a-date",
        broken(first_language=lang(test_date="2024-02-30")),
        "first_language.test_date",
        pattern=DATE_TYPE,
    ),
    c(
        "first_language.test_date-after-scoring-day",
        broken(first_language=lang(test_date="2026-01-06")),
        "first_language.test_date",
        "after the scoring date 2026-01-05",
    ),
    c(
        "first_language.test_date-missing-for-tef",
        broken(
            first_language={
                "test": "tef_canada",
                "reading": 500,
                "writing": 500,
                "listening": 500,
                "speaking": 500,
            }
        ),
        "first_language.test_date",
        "required for tef_canada",
    ),
    c(
        "first_language.scale-not-allowed",
        broken(
            first_language=lang(
                test="tef_canada",
                reading=250,
                writing=380,
                listening=300,
                speaking=380,
                test_date="2024-06-01",
                scale="2023",
            )
        ),
        "first_language.scale",
        "'2023'",
        "'old'",
        "'new'",
    ),
    c(
        "first_language.scale-not-tef",
        broken(first_language=lang(scale="old")),
        "first_language.scale",
        "only for tef_canada results",
    ),
    c(
        "first_language.scale-new-before-2023-12-11",
        broken(
            first_language=lang(
                test="tef_canada",
                reading=500,
                writing=500,
                listening=500,
                speaking=500,
                test_date="2023-12-10",
                scale="new",
            )
        ),
        "first_language.scale",
        "from 2023-12-11",
        "dated 2023-12-10",
    ),
    # second_language
    c("second_language-wrong-type", broken(second_language=7), "second_language", "valid dictionary"),
    c(
        "second_language-same-language",
        broken(second_language=lang(test="ielts", reading=7.0, writing=7.0, listening=8.0, speaking=7.0)),
        "second_language.test",
        "other official language",
    ),
    c(
        "second_language.test-not-allowed",
        broken(second_language=lang(FRENCH, test="delf")),
        "second_language.test",
        "'delf'",
        *TESTS,
    ),
    c(
        "second_language.reading-wrong-type",
        broken(second_language=lang(FRENCH, reading="7")),
        "second_language.reading",
        NUMBER,
    ),
    c(
        "second_language.speaking-out-of-range",
        broken(second_language=lang(FRENCH, speaking=13)),
        "second_language.speaking",
        pattern=CLB_RANGE,
    ),
    c(
        "second_language.writing-missing",
        broken(second_language=lang(FRENCH, writing=MISSING)),
        "second_language.writing",
        "required",
    ),
    # work years
    c("canadian_work_years-wrong-type", broken(canadian_work_years="2"), "canadian_work_years", INT),
    c(
        "canadian_work_years-below-range",
        broken(canadian_work_years=-1),
        "canadian_work_years",
        "greater than or equal to 0",
    ),
    c(
        "canadian_work_years-above-range",
        broken(canadian_work_years=11),
        "canadian_work_years",
        "less than or equal to 10",
    ),
    c("foreign_work_years-wrong-type", broken(foreign_work_years=1.5), "foreign_work_years", INT),
    c(
        "foreign_work_years-below-range",
        broken(foreign_work_years=-3),
        "foreign_work_years",
        "greater than or equal to 0",
    ),
    c(
        "foreign_work_years-above-range",
        broken(foreign_work_years=11),
        "foreign_work_years",
        "less than or equal to 10",
    ),
    # flags and job offer
    c(
        "certificate_of_qualification-wrong-type",
        broken(certificate_of_qualification="true"),
        "certificate_of_qualification",
        BOOL,
    ),
    c(
        "job_offer-wrong-type",
        broken(job_offer=True),
        "job_offer",
        "'teer0_major_group_00'",
        "'other_teer_0_1_2_3'",
    ),
    c(
        "job_offer-not-allowed",
        broken(job_offer="yes"),
        "job_offer",
        "'yes'",
        "'none'",
        "'teer0_major_group_00'",
    ),
    c("provincial_nomination-wrong-type", broken(provincial_nomination="no"), "provincial_nomination", BOOL),
    c("sibling_in_canada-wrong-type", broken(sibling_in_canada=0), "sibling_in_canada", BOOL),
    # spouse
    c("spouse_education-wrong-type", broken(spouse_education=5), "spouse_education", *EDUCATION),
    c(
        "spouse_education-not-allowed",
        broken(spouse_education="college"),
        "spouse_education",
        "'college'",
        *EDUCATION,
    ),
    c("spouse_language-wrong-type", broken(spouse_language="clb"), "spouse_language", "valid dictionary"),
    c(
        "spouse_language.test-not-allowed",
        broken(spouse_language=lang(test="toeic")),
        "spouse_language.test",
        "'toeic'",
        *TESTS,
    ),
    c(
        "spouse_language.listening-wrong-type",
        broken(spouse_language=lang(listening="high")),
        "spouse_language.listening",
        NUMBER,
    ),
    c(
        "spouse_language.speaking-out-of-range",
        broken(spouse_language=lang(speaking=13)),
        "spouse_language.speaking",
        pattern=CLB_RANGE,
    ),
    c(
        "spouse_language.reading-missing",
        broken(spouse_language=lang(reading=MISSING)),
        "spouse_language.reading",
        "required",
    ),
    c(
        "spouse_language.test_date-after-scoring-day",
        broken(spouse_language=lang(test_date="2026-02-01")),
        "spouse_language.test_date",
        "after the scoring date 2026-01-05",
    ),
    c(
        "spouse_canadian_work_years-wrong-type",
        broken(spouse_canadian_work_years=1.5),
        "spouse_canadian_work_years",
        INT,
    ),
    c(
        "spouse_canadian_work_years-below-range",
        broken(spouse_canadian_work_years=-2),
        "spouse_canadian_work_years",
        "greater than or equal to 0",
    ),
    c(
        "spouse_canadian_work_years-above-range",
        broken(spouse_canadian_work_years=11),
        "spouse_canadian_work_years",
        "less than or equal to 10",
    ),
    # primary_noc and provinces
    c("primary_noc-wrong-type", broken(primary_noc=21231), "primary_noc", "valid string"),
    c("primary_noc-not-allowed", broken(primary_noc="2123"), "primary_noc", "5-digit NOC 2021 code"),
    c(
        "provinces_of_interest-wrong-type",
        broken(provinces_of_interest="ON"),
        "provinces_of_interest",
        "valid list",
    ),
    c(
        "provinces_of_interest-empty",
        broken(provinces_of_interest=[]),
        "provinces_of_interest",
        "at least 1 item",
    ),
    c(
        "provinces_of_interest-not-allowed",
        broken(provinces_of_interest=["ON", "XX"]),
        "provinces_of_interest[1]",
        "'XX'",
        "'ALL'",
        "'ON'",
        "'YT'",
    ),
    c(
        "provinces_of_interest-all-not-alone",
        broken(provinces_of_interest=["ALL", "ON"]),
        "provinces_of_interest",
        '"ALL" stands alone',
    ),
    # work_history and a job's keys
    c("work_history-wrong-type", broken(work_history={"noc": "21231"}), "work_history", "valid list"),
    c("work_history-job-wrong-type", broken(work_history=["21231"]), "work_history[0]", "valid dictionary"),
    c(
        "work_history-job-unknown-key",
        broken(work_history=[job(title="dev")]),
        "work_history[0].title",
        "unknown field",
        "hours_per_week",
    ),
    c(
        "work_history.noc-wrong-type",
        broken(work_history=[job(noc=21231)]),
        "work_history[0].noc",
        "valid string",
    ),
    c(
        "work_history.noc-not-allowed",
        broken(work_history=[JOB, job(noc="3130")]),
        "work_history[1].noc",
        "5-digit NOC 2021 code",
    ),
    c("work_history.noc-missing", broken(work_history=[job(noc=MISSING)]), "work_history[0].noc", "required"),
    c(
        "work_history.start-wrong-type",
        broken(work_history=[job(start=True)]),
        "work_history[0].start",
        pattern=DATE_TYPE,
    ),
    c(
        "work_history.start-not-a-date",
        broken(work_history=[job(start="2021-02-30")]),
        "work_history[0].start",
        pattern=DATE_TYPE,
    ),
    c(
        "work_history.start-missing",
        broken(work_history=[job(start=MISSING)]),
        "work_history[0].start",
        "required",
    ),
    c(
        "work_history.end-wrong-type",
        broken(work_history=[job(end=True)]),
        "work_history[0].end",
        pattern=DATE_TYPE,
    ),
    c(
        "work_history.end-before-start",
        broken(work_history=[job(end="2020-12-31")]),
        "work_history[0].end",
        "before the start 2021-01-04",
    ),
    c(
        "work_history.hours_per_week-wrong-type",
        broken(work_history=[job(hours_per_week="37.5")]),
        "work_history[0].hours_per_week",
        NUMBER,
    ),
    c(
        "work_history.hours_per_week-out-of-range",
        broken(work_history=[job(hours_per_week=0)]),
        "work_history[0].hours_per_week",
        "greater than 0",
    ),
    c(
        "work_history.hours_per_week-missing",
        broken(work_history=[job(hours_per_week=MISSING)]),
        "work_history[0].hours_per_week",
        "required",
    ),
    c(
        "work_history.in_canada-wrong-type",
        broken(work_history=[job(in_canada="yes")]),
        "work_history[0].in_canada",
        BOOL,
    ),
    c(
        "work_history.in_canada-missing",
        broken(work_history=[job(in_canada=MISSING)]),
        "work_history[0].in_canada",
        "required",
    ),
    c(
        "work_history.self_employed-wrong-type",
        broken(work_history=[job(self_employed=1)]),
        "work_history[0].self_employed",
        BOOL,
    ),
    c(
        "work_history.full_time_student-wrong-type",
        broken(work_history=[job(full_time_student="no")]),
        "work_history[0].full_time_student",
        BOOL,
    ),
    # FSW adaptability and funds
    c("relative_in_canada-wrong-type", broken(relative_in_canada="yes"), "relative_in_canada", BOOL),
    c("canadian_study_years-wrong-type", broken(canadian_study_years="1"), "canadian_study_years", INT),
    c(
        "canadian_study_years-below-range",
        broken(canadian_study_years=-1),
        "canadian_study_years",
        "greater than or equal to 0",
    ),
    c(
        "spouse_canadian_study_years-wrong-type",
        broken(spouse_canadian_study_years=2.5),
        "spouse_canadian_study_years",
        INT,
    ),
    c(
        "spouse_canadian_study_years-below-range",
        broken(spouse_canadian_study_years=-1),
        "spouse_canadian_study_years",
        "greater than or equal to 0",
    ),
    c(
        "spouse_canadian_work_full_time_years-wrong-type",
        broken(spouse_canadian_work_full_time_years=True),
        "spouse_canadian_work_full_time_years",
        INT,
    ),
    c(
        "spouse_canadian_work_full_time_years-below-range",
        broken(spouse_canadian_work_full_time_years=-1),
        "spouse_canadian_work_full_time_years",
        "greater than or equal to 0",
    ),
    c(
        "work_authorized_in_canada-wrong-type",
        broken(work_authorized_in_canada="false"),
        "work_authorized_in_canada",
        BOOL,
    ),
    c(
        "settlement_funds_cad-wrong-type",
        broken(settlement_funds_cad="10000"),
        "settlement_funds_cad",
        NUMBER,
    ),
    c(
        "settlement_funds_cad-below-range",
        broken(settlement_funds_cad=-1),
        "settlement_funds_cad",
        "greater than or equal to 0",
    ),
    c("family_size-wrong-type", broken(family_size="2"), "family_size", INT),
    c("family_size-below-range", broken(family_size=0), "family_size", "greater than or equal to 1"),
    # a typo is an error, never an absent field
    c("unknown-field", broken(educaton="masters"), "educaton", "unknown field", "education"),
]

_names = [case.name for case in CASES]
assert len(_names) == len(set(_names)), "case names must be unique"


def _run(arguments: list[str], cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*COMMAND, *arguments], cwd=cwd, capture_output=True, text=True, input=stdin, timeout=300, check=False
    )


def _write_jsonl(path: Path, profiles: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(profile) + "\n" for profile in profiles), encoding="utf-8")
    return path


def _lines(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines()]


@pytest.fixture(scope="session")
def case_runs(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], subprocess.CompletedProcess[str]]:
    """Starts every case's command at once (a pool of workers); each test waits for its own."""
    folder = tmp_path_factory.mktemp("score-errors")
    executor = ThreadPoolExecutor(max_workers=4)
    futures: dict[str, Future[subprocess.CompletedProcess[str]]] = {}
    for case in CASES:
        path = _write_jsonl(folder / f"{case.name}.jsonl", [VALID_1, case.profile, VALID_2])
        futures[case.name] = executor.submit(_run, ["score", "--on", ON, str(path)], folder)
    executor.shutdown(wait=False)
    return lambda name: futures[name].result()


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_broken_field_is_its_own_error_line(
    case: Case, case_runs: Callable[[str], subprocess.CompletedProcess[str]]
) -> None:
    ran = case_runs(case.name)
    assert "Traceback" not in ran.stderr, ran.stderr
    assert ran.returncode == 1, (ran.returncode, ran.stdout, ran.stderr)
    lines = _lines(ran.stdout)
    assert len(lines) == 3, ran.stdout
    assert lines[0] == VALID_1_SCORE
    assert lines[2] == VALID_2_SCORE
    given_id = case.profile.get("id")
    expected_id = given_id if isinstance(given_id, str) else None
    assert lines[1].keys() == {"id", "error"}, lines[1]
    assert lines[1]["id"] == expected_id
    error = lines[1]["error"]
    assert error.keys() == {"field", "message"}, error
    assert error["field"] == case.field, error
    message = error["message"]
    assert isinstance(message, str) and message
    for expected in case.expect:
        assert expected in message, (expected, message)
    if case.pattern is not None:
        assert re.search(case.pattern, message), (case.pattern, message)


def test_every_profile_field_has_a_case() -> None:
    from openentry.profiles.schema import JOB_FIELDS, LANGUAGE_FIELDS, PROFILE_FIELDS

    covered = {case.field.split(".")[0].split("[")[0] for case in CASES}
    assert set(PROFILE_FIELDS) <= covered, set(PROFILE_FIELDS) - covered
    language_keys = {
        case.field.split(".", 1)[1] for case in CASES if case.field.startswith("first_language.")
    }
    assert set(LANGUAGE_FIELDS) <= language_keys, set(LANGUAGE_FIELDS) - language_keys
    job_keys = {case.field.split(".", 1)[1] for case in CASES if case.field.startswith("work_history[0].")}
    assert set(JOB_FIELDS) <= job_keys, set(JOB_FIELDS) - job_keys


def test_ids_in_the_error_line_echo_a_string_id(tmp_path: Path) -> None:
    """A broken profile with a valid id keeps it on its error line."""
    path = _write_jsonl(tmp_path / "p.jsonl", [VALID_1, broken(id="keep.me:1", education="phd"), VALID_2])
    ran = _run(["score", "--on", ON, str(path)], tmp_path)
    assert ran.returncode == 1
    assert _lines(ran.stdout)[1]["id"] == "keep.me:1"


# --- bad usage and unreadable files: exit 2, one line on standard error, no traceback -------------


def _assert_usage_error(
    ran: subprocess.CompletedProcess[str], *expect: str, prefix: str = "openentry: "
) -> None:
    assert ran.returncode == 2, (ran.returncode, ran.stdout, ran.stderr)
    assert "Traceback" not in ran.stderr, ran.stderr
    stderr_lines = ran.stderr.splitlines()
    assert len(stderr_lines) == 1, ran.stderr
    assert stderr_lines[0].startswith(prefix), ran.stderr
    for expected in expect:
        assert expected in stderr_lines[0], (expected, ran.stderr)
    assert ran.stdout == ""


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    ran = _run(["score", "--on", ON, str(tmp_path / "absent.jsonl")], tmp_path)
    _assert_usage_error(ran, "absent.jsonl", "no such file")


def test_directory_is_a_usage_error(tmp_path: Path) -> None:
    folder = tmp_path / "profiles.json"
    folder.mkdir()
    _assert_usage_error(_run(["score", "--on", ON, str(folder)], tmp_path), "profiles.json")
    _assert_usage_error(_run(["score", "--on", ON, str(tmp_path)], tmp_path))


def test_invalid_json_file_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "profiles.json"
    path.write_text('[{"id": "a", "age": 29,', encoding="utf-8")
    _assert_usage_error(_run(["score", "--on", ON, str(path)], tmp_path), "profiles.json")


def test_malformed_jsonl_line_is_that_lines_error(tmp_path: Path) -> None:
    path = tmp_path / "profiles.jsonl"
    path.write_text(
        json.dumps(VALID_1) + "\n" + '{"id": "bad", "age": 29,\n' + json.dumps(VALID_2) + "\n",
        encoding="utf-8",
    )
    ran = _run(["score", "--on", ON, str(path)], tmp_path)
    assert ran.returncode == 1, ran.stderr
    assert "Traceback" not in ran.stderr
    lines = _lines(ran.stdout)
    assert len(lines) == 3
    assert lines[0] == VALID_1_SCORE
    assert lines[2] == VALID_2_SCORE
    assert set(lines[1]) == {"id", "error"}
    assert lines[1]["error"]["field"] == "profile"
    assert "line 2" in lines[1]["error"]["message"]
    assert "not valid JSON" in lines[1]["error"]["message"]


def test_a_json_list_is_a_batch_too(tmp_path: Path) -> None:
    path = tmp_path / "profiles.json"
    path.write_text(json.dumps([VALID_1, broken(marital_status="single"), VALID_2]), encoding="utf-8")
    ran = _run(["score", "--on", ON, str(path)], tmp_path)
    assert ran.returncode == 1
    lines = _lines(ran.stdout)
    assert [lines[0], lines[2]] == [VALID_1_SCORE, VALID_2_SCORE]
    assert lines[1]["error"]["field"] == "marital_status"


@pytest.mark.parametrize("day", ["2014-12-31", "notadate", "2026-02-30"])
def test_bad_scoring_day_is_a_usage_error(tmp_path: Path, day: str) -> None:
    path = _write_jsonl(tmp_path / "p.jsonl", [VALID_1])
    _assert_usage_error(_run(["score", "--on", day, str(path)], tmp_path), "--on", day)


def test_unknown_option_is_a_usage_error(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "p.jsonl", [VALID_1])
    # Click names the program after how it was started ("python -m openentry.cli.main score: …" here,
    # "openentry score: …" from the console script); the line itself is what matters.
    ran = _run(["score", "--on", ON, "--frobnicate", str(path)], tmp_path)
    _assert_usage_error(ran, "No such option: --frobnicate", prefix="")
    assert "openentry" in ran.stderr


# --- Parquet: the same numbers as JSON -------------------------------------------------------------

SECTIONS = ("id", "total", "core", "spouse", "transferability", "additional")


@pytest.fixture(scope="module")
def synthetic_pool(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synth")
    for name in ("pool.parquet", "pool.jsonl", "again.jsonl"):
        ran = _run(["synth", "--size", "300", "--seed", "5", "--on", ON, "--out", str(folder / name)], folder)
        assert ran.returncode == 0, ran.stderr
    return folder


def test_parquet_and_jsonl_give_the_same_scores(synthetic_pool: Path) -> None:
    out = synthetic_pool / "scored.parquet"
    ran = _run(["score", "--on", ON, str(synthetic_pool / "pool.parquet"), "--out", str(out)], synthetic_pool)
    assert ran.returncode == 0, ran.stderr
    from_parquet = parquet.read_table(out).select(list(SECTIONS)).to_pylist()

    ran = _run(["score", "--on", ON, str(synthetic_pool / "pool.jsonl")], synthetic_pool)
    assert ran.returncode == 0, ran.stderr
    from_json = [{name: line[name] for name in SECTIONS} for line in _lines(ran.stdout)]

    assert len(from_parquet) == 300
    assert len(from_json) == 300
    assert from_parquet == from_json
    assert len({row["id"] for row in from_json}) == 300


def test_same_seed_gives_byte_identical_jsonl(synthetic_pool: Path) -> None:
    first = (synthetic_pool / "pool.jsonl").read_bytes()
    assert first
    assert first == (synthetic_pool / "again.jsonl").read_bytes()


def test_parquet_with_an_unknown_column_is_a_usage_error(synthetic_pool: Path, tmp_path: Path) -> None:
    table = parquet.read_table(synthetic_pool / "pool.parquet")
    table = table.append_column("educaton", pa.array(["masters"] * table.num_rows))
    path = tmp_path / "typo.parquet"
    parquet.write_table(table, path)
    ran = _run(["score", "--on", ON, str(path), "--out", str(tmp_path / "out.parquet")], tmp_path)
    _assert_usage_error(ran, "educaton")


def test_parquet_with_one_bad_row_reports_it_and_scores_the_rest(
    synthetic_pool: Path, tmp_path: Path
) -> None:
    table = parquet.read_table(synthetic_pool / "pool.parquet")
    statuses = table.column("marital_status").to_pylist()
    bad_row = 7
    statuses[bad_row] = "single"
    index = table.column_names.index("marital_status")
    table = table.set_column(index, "marital_status", pa.array(statuses, type=table.schema.field(index).type))
    path = tmp_path / "bad.parquet"
    parquet.write_table(table, path)
    out = tmp_path / "out.parquet"
    ran = _run(["score", "--on", ON, str(path), "--out", str(out)], tmp_path)
    assert ran.returncode == 1, ran.stderr
    assert "Traceback" not in ran.stderr
    scored = parquet.read_table(out).to_pylist()
    assert len(scored) == table.num_rows
    assert scored[bad_row]["error_field"] == "marital_status"
    assert "'single'" in scored[bad_row]["error_message"]
    assert scored[bad_row]["total"] is None
    others = [row for index, row in enumerate(scored) if index != bad_row]
    assert all(row["error_field"] is None for row in others)
    assert all(isinstance(row["total"], int) for row in others)
    original = parquet.read_table(synthetic_pool / "pool.parquet")
    assert [row["id"] for row in scored] == original.column("id").to_pylist()
