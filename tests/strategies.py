"""Hypothesis strategies for valid profiles on valid dates, across every era of the rules."""

from __future__ import annotations

import datetime
import random

from hypothesis import strategies as st

from openentry.rules import codes

FIRST_DAY = datetime.date(2015, 1, 1)
LAST_DAY = datetime.date(2026, 11, 30)
PTE_CORE_FROM = datetime.date(2024, 1, 30)
TEF_NEW_SCALE_FROM = datetime.date(2023, 12, 11)

# Score scales of each test (crs-and-programs.md §2), per ability: (minimum, maximum, step).
_SCALES: dict[str, dict[str, tuple[float, float, float]]] = {
    "ielts": {ability: (0.0, 9.0, 0.5) for ability in codes.ABILITIES},
    "celpip": {ability: (0, 12, 1) for ability in codes.ABILITIES},
    "pte_core": {ability: (10, 90, 1) for ability in codes.ABILITIES},
    "clb": {ability: (0, 12, 1) for ability in codes.ABILITIES},
    "nclc": {ability: (0, 12, 1) for ability in codes.ABILITIES},
    "tcf_canada": {
        "reading": (100, 699, 1),
        "writing": (0, 20, 1),
        "listening": (100, 699, 1),
        "speaking": (0, 20, 1),
    },
}
_TEF_OLD = {"reading": (0, 300, 1), "writing": (0, 450, 1), "listening": (0, 360, 1), "speaking": (0, 450, 1)}
_TEF_NEW = {ability: (0, 699, 1) for ability in codes.ABILITIES}


def _score(scale: tuple[float, float, float]) -> st.SearchStrategy[float | int]:
    minimum, maximum, step = scale
    steps = round((maximum - minimum) / step)
    if step == 1:
        return st.integers(int(minimum), int(maximum))
    return st.integers(0, steps).map(lambda k: minimum + k * step)


@st.composite
def language_result(draw: st.DrawFn, on: datetime.date, french: bool | None = None) -> dict[str, object]:
    tests = list(
        codes.ENGLISH_TESTS if french is False else codes.FRENCH_TESTS if french else codes.LANGUAGE_TESTS[1:]
    )
    test_date = draw(st.dates(max(FIRST_DAY, on - datetime.timedelta(days=729)), on))
    if test_date < PTE_CORE_FROM and "pte_core" in tests:
        tests.remove("pte_core")
    test = draw(st.sampled_from(tests))
    if test == "tef_canada":
        scales = _TEF_NEW if test_date >= TEF_NEW_SCALE_FROM else _TEF_OLD
    else:
        scales = _SCALES[test]
    result: dict[str, object] = {"test": test}
    for ability in codes.ABILITIES:
        result[ability] = draw(_score(scales[ability]))
    if test == "tef_canada" or draw(st.booleans()):
        result["test_date"] = test_date.isoformat()
    return result


@st.composite
def scoring_day(draw: st.DrawFn) -> datetime.date:
    """Days spread over every era, with the effective dates and their eves drawn often."""
    boundaries = [
        datetime.date(2016, 11, 18),
        datetime.date(2016, 11, 19),
        datetime.date(2017, 6, 5),
        datetime.date(2017, 6, 6),
        datetime.date(2020, 10, 26),
        datetime.date(2020, 10, 27),
        datetime.date(2022, 11, 15),
        datetime.date(2022, 11, 16),
        datetime.date(2023, 12, 10),
        datetime.date(2023, 12, 11),
        datetime.date(2024, 1, 29),
        datetime.date(2024, 1, 30),
        datetime.date(2025, 3, 24),
        datetime.date(2025, 3, 25),
    ]
    return draw(st.one_of(st.sampled_from(boundaries), st.dates(FIRST_DAY, LAST_DAY)))


@st.composite
def profile(draw: st.DrawFn, on: datetime.date) -> dict[str, object]:
    """A valid profile (interfaces.md §1) for scoring on ``on``."""
    first = draw(language_result(on))
    first_is_french = first["test"] in codes.FRENCH_TESTS
    result: dict[str, object] = {
        "marital_status": draw(st.sampled_from(codes.MARITAL_STATUSES)),
        "education": draw(st.sampled_from(codes.EDUCATION_LEVELS)),
        "first_language": first,
        "second_language": draw(st.none() | language_result(on, french=not first_is_french)),
        "spouse_accompanying": draw(st.booleans()),
        "spouse_canadian": draw(st.booleans()),
        "canadian_education": draw(st.sampled_from(codes.CANADIAN_EDUCATION_LEVELS)),
        "canadian_work_years": draw(st.integers(0, 10)),
        "foreign_work_years": draw(st.integers(0, 10)),
        "certificate_of_qualification": draw(st.booleans()),
        "job_offer": draw(st.sampled_from(codes.JOB_OFFERS)),
        "provincial_nomination": draw(st.booleans()),
        "sibling_in_canada": draw(st.booleans()),
        "spouse_education": draw(st.sampled_from(codes.EDUCATION_LEVELS)),
        "spouse_language": draw(st.none() | language_result(on)),
        "spouse_canadian_work_years": draw(st.integers(0, 10)),
    }
    if draw(st.booleans()):
        result["age"] = draw(st.integers(0, 80))
    else:
        result["birth_date"] = draw(st.dates(datetime.date(1940, 1, 1), on)).isoformat()
    return result


@st.composite
def dated_profile(draw: st.DrawFn) -> tuple[datetime.date, dict[str, object]]:
    on = draw(scoring_day())
    return on, draw(profile(on))


def _seeded_score(generator: random.Random, scale: tuple[float, float, float]) -> float | int:
    minimum, maximum, step = scale
    steps = round((maximum - minimum) / step)
    value = minimum + generator.randint(0, steps) * step
    return int(value) if step == 1 else value


def seeded_language_result(
    generator: random.Random, on: datetime.date, french: bool | None = None
) -> dict[str, object]:
    """As :func:`language_result`, from a seeded random source (reproducible large samples)."""
    tests = list(
        codes.ENGLISH_TESTS if french is False else codes.FRENCH_TESTS if french else codes.LANGUAGE_TESTS[1:]
    )
    earliest = max(FIRST_DAY, on - datetime.timedelta(days=729))
    test_date = earliest + datetime.timedelta(days=generator.randint(0, (on - earliest).days))
    if test_date < PTE_CORE_FROM and "pte_core" in tests:
        tests.remove("pte_core")
    test = generator.choice(tests)
    scales = (
        (_TEF_NEW if test_date >= TEF_NEW_SCALE_FROM else _TEF_OLD) if test == "tef_canada" else _SCALES[test]
    )
    result: dict[str, object] = {"test": test}
    for ability in codes.ABILITIES:
        result[ability] = _seeded_score(generator, scales[ability])
    if test == "tef_canada" or generator.random() < 0.5:
        result["test_date"] = test_date.isoformat()
    return result


def seeded_case(generator: random.Random) -> tuple[datetime.date, dict[str, object]]:
    """A reproducible (scoring day, valid profile) pair spread over every era."""
    on = FIRST_DAY + datetime.timedelta(days=generator.randint(0, (LAST_DAY - FIRST_DAY).days))
    first = seeded_language_result(generator, on)
    first_is_french = first["test"] in codes.FRENCH_TESTS
    raw: dict[str, object] = {
        "marital_status": generator.choice(codes.MARITAL_STATUSES),
        "education": generator.choice(codes.EDUCATION_LEVELS),
        "first_language": first,
        "second_language": seeded_language_result(generator, on, french=not first_is_french)
        if generator.random() < 0.4
        else None,
        "spouse_accompanying": generator.random() < 0.6,
        "spouse_canadian": generator.random() < 0.15,
        "canadian_education": generator.choice(codes.CANADIAN_EDUCATION_LEVELS),
        "canadian_work_years": generator.randint(0, 10),
        "foreign_work_years": generator.randint(0, 10),
        "certificate_of_qualification": generator.random() < 0.3,
        "job_offer": generator.choice(codes.JOB_OFFERS),
        "provincial_nomination": generator.random() < 0.1,
        "sibling_in_canada": generator.random() < 0.3,
        "spouse_education": generator.choice(codes.EDUCATION_LEVELS),
        "spouse_language": seeded_language_result(generator, on) if generator.random() < 0.6 else None,
        "spouse_canadian_work_years": generator.randint(0, 10),
    }
    if generator.random() < 0.5:
        raw["age"] = generator.randint(0, 80)
    else:
        raw["birth_date"] = (on - datetime.timedelta(days=generator.randint(0, 80 * 366))).isoformat()
    return on, raw
